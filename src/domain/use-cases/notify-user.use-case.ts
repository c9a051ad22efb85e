import { exclusionSet } from '../model/audience.js';
import { assertEnvelopeFits } from '../model/recovery.js';
import type { ConnectionDelivery } from '../model/delivery.js';
import { ConnectionSender, DEFAULT_SEND_POLICY, type SendPolicy } from '../services/connection-sender.js';
import { OutgoingMessage, type NotificationMessage } from '../services/outgoing-message.js';
import { mapWithConcurrency } from '../shared/map-with-concurrency.js';
import type { StopSignal } from '../shared/stop-signal.js';
import { assertUserId } from '../shared/user-id.js';
import type { Clock } from '../../ports/clock.js';
import type { ConnectionMessenger } from '../../ports/connection.messenger.js';
import type { ConnectionRepository } from '../../ports/connection.repository.js';
import type { Logger } from '../../ports/logger.js';

export type { ConnectionDelivery, DeliveryErrorCode, DeliveryStatus } from '../model/delivery.js';
export { encodeMessage, jsonDepth, type NotificationMessage } from '../services/outgoing-message.js';

export interface NotifyUserCommand {
  userId: string;
  message: NotificationMessage;
  /** Connections not to send to (e.g. the sender's own socket); at most 100. */
  excludeConnectionIds?: readonly string[];
}

export interface DeliveryReport {
  userId: string;
  delivered: number;
  gone: number;
  failed: number;
  /** Connections skipped because the command excluded them (only when it excluded some). */
  excluded?: number;
  connections: ConnectionDelivery[];
}

/** The send policy (retries, deadline, connect grace: see SendPolicy) and how many posts run at once. */
export interface NotifyUserOptions extends SendPolicy {
  /** Posts in flight at once for one notify (default 32). */
  concurrency: number;
}

export const DEFAULT_NOTIFY_OPTIONS: NotifyUserOptions = { ...DEFAULT_SEND_POLICY, concurrency: 32 };

/**
 * Sends a message to every live connection of a user, each through the endpoint recorded when that
 * connection was opened, on the shared per-connection send path (ConnectionSender).
 */
export class NotifyUserUseCase {
  /** The send path every post of this use case takes (and that NotifyUsers shares for its deadline). */
  readonly sender: ConnectionSender;
  private readonly concurrency: number;

  /**
   * `sender`: the shared send path (the composition root passes the one every send uses); when absent, one is
   * built from `options`' send policy. `options.concurrency` applies either way.
   */
  constructor(
    private readonly connections: ConnectionRepository,
    messenger: ConnectionMessenger,
    clock: Clock,
    private readonly logger: Logger,
    options: Partial<NotifyUserOptions> = {},
    sender?: ConnectionSender,
  ) {
    const { concurrency = DEFAULT_NOTIFY_OPTIONS.concurrency, ...policy } = options;
    if (!(concurrency >= 1) || !((policy.backoff ?? DEFAULT_SEND_POLICY.backoff).maxAttempts >= 1)) {
      throw new RangeError('concurrency and maxAttempts must be at least 1');
    }
    this.concurrency = concurrency;
    this.sender = sender ?? new ConnectionSender(connections, messenger, clock, logger, undefined, policy);
  }

  /**
   * Message recovery: throws MessageTooLargeError (413) when the message's `{seq, data}` envelope would not fit
   * and one of `userIds` opted into recovery, so that a notify of many users is refused before any is sent.
   * Reads storage only for such a near-limit message.
   */
  async assertEnvelopeFitsFor(userIds: readonly string[], message: NotificationMessage): Promise<void> {
    const { recovery } = this.sender;
    if (!recovery) return;
    const outgoing = OutgoingMessage.of(message);
    try {
      assertEnvelopeFits(outgoing.data, outgoing.json);
    } catch (error) {
      for (const userId of userIds) if (await recovery.wanted(userId, await this.connections.findByUser(userId))) throw error;
    }
  }

  /**
   * `stop` (optional) ends the notify early, e.g. when the service shuts down: posts not answered by then are
   * reported `failed` with the stop's reason, and the report of what is known is returned at once.
   */
  async execute(command: NotifyUserCommand, stop?: StopSignal): Promise<DeliveryReport> {
    const userId = assertUserId(command.userId);
    const message = OutgoingMessage.of(command.message);
    const excluded = exclusionSet(command.excludeConnectionIds);

    const run = this.sender.start(stop);
    let deliveries: ConnectionDelivery[];
    let excludedCount: number;
    try {
      const found = await this.connections.findByUser(userId);
      // Message recovery: numbered and logged once for the user before any post (413 when the envelope cannot fit).
      await this.sender.prepareUser(message, userId, found);
      const all = excluded.size > 0 ? found.filter((c) => !excluded.has(c.connectionId)) : found;
      excludedCount = found.length - all.length;
      deliveries = await mapWithConcurrency(all, this.concurrency, (connection) => this.sender.send(connection, message, run.signal));
    } finally {
      run.end();
    }

    const report: DeliveryReport = {
      userId,
      delivered: deliveries.filter((d) => d.status === 'delivered').length,
      gone: deliveries.filter((d) => d.status === 'gone').length,
      failed: deliveries.filter((d) => d.status === 'failed').length,
      ...(excluded.size > 0 ? { excluded: excludedCount } : {}),
      connections: deliveries,
    };
    const stoppedBy = run.signal.reason;
    // A debug line: the caller's own line carries the outcome (the REST request line has the report's totals).
    this.logger.debug('notify finished', {
      userId,
      bytes: message.byteLength,
      delivered: report.delivered,
      gone: report.gone,
      failed: report.failed,
      ...(stoppedBy ? { stoppedBy } : {}),
    });
    return report;
  }
}
