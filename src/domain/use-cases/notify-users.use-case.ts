import { assertUserIds } from '../model/audience.js';
import { mapWithConcurrency } from '../shared/map-with-concurrency.js';
import type { StopSignal } from '../shared/stop-signal.js';
import { encodeMessage, type DeliveryReport, type NotificationMessage, type NotifyUserUseCase } from './notify-user.use-case.js';

export interface NotifyUsersCommand {
  userIds: readonly string[];
  message: NotificationMessage;
  excludeConnectionIds?: readonly string[];
}

export interface NotifyUsersReport {
  delivered: number;
  gone: number;
  failed: number;
  excluded: number;
  /** One report per user, in the order of `userIds` (duplicates once). */
  users: DeliveryReport[];
}

/** Users notified at once; each notify runs its own bounded fan-out over the user's sockets. */
const USERS_IN_FLIGHT = 4;

/** `POST /notify` with `userIds`: notifies 1–100 users, each exactly as a single-user notify does. */
export class NotifyUsersUseCase {
  constructor(private readonly notifyUser: NotifyUserUseCase) {}

  /**
   * The users share one deadline (NOTIFY_DEADLINE_MS for the whole request, not per user); `stop` ends every
   * user's notify early (see NotifyUserUseCase).
   */
  async execute(command: NotifyUsersCommand, stop?: StopSignal): Promise<NotifyUsersReport> {
    const userIds = assertUserIds(command.userIds);
    // Refuses a bad or oversized message before the first user is notified.
    encodeMessage(command.message);
    await this.notifyUser.assertEnvelopeFitsFor(userIds, command.message);
    // One deadline for the whole request (each user's notify also stops when it does), and shutdown.
    const run = this.notifyUser.sender.start(stop);
    let users: DeliveryReport[];
    try {
      users = await mapWithConcurrency(userIds, USERS_IN_FLIGHT, (userId) =>
        this.notifyUser.execute(
          {
            userId,
            message: command.message,
            ...(command.excludeConnectionIds ? { excludeConnectionIds: command.excludeConnectionIds } : {}),
          },
          run.signal,
        ),
      );
    } finally {
      run.end();
    }
    const sum = (pick: (r: DeliveryReport) => number) => users.reduce((total, r) => total + pick(r), 0);
    return {
      delivered: sum((r) => r.delivered),
      gone: sum((r) => r.gone),
      failed: sum((r) => r.failed),
      excluded: sum((r) => r.excluded ?? 0),
      users,
    };
  }
}
