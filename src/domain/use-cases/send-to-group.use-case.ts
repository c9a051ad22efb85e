import { assertGroupName, exclusionSet } from '../model/audience.js';
import type { Connection } from '../model/connection.js';
import type { FanOutReport } from '../model/fan-out-report.js';
import type { ConnectionSender } from '../services/connection-sender.js';
import { FanOut } from '../services/fan-out.js';
import { OutgoingMessage, type NotificationMessage } from '../services/outgoing-message.js';
import { mapWithConcurrency } from '../shared/map-with-concurrency.js';
import type { StopSignal } from '../shared/stop-signal.js';
import type { ConnectionRepository } from '../../ports/connection.repository.js';
import type { GroupRepository } from '../../ports/group.repository.js';
import type { Logger } from '../../ports/logger.js';

export interface SendToGroupCommand {
  group: string;
  message: NotificationMessage;
  excludeConnectionIds?: readonly string[];
}

export interface SendToGroupReport extends FanOutReport {
  group: string;
}

export interface FanOutOptions {
  /** Posts in flight at once for one send. */
  concurrency: number;
  /** Items per storage read. */
  pageSize: number;
}

/** Members whose sockets are looked up at once. */
const USER_LOOKUPS_IN_FLIGHT = 8;

/**
 * `POST /groups/:group/messages`: every live socket of every member user, and every socket that joined the
 * group itself, once each (a socket that joined itself and whose user is a member is sent to once).
 * Members are read a page at a time and streamed into the bounded fan-out.
 */
export class SendToGroupUseCase {
  constructor(
    private readonly groups: GroupRepository,
    private readonly connections: ConnectionRepository,
    private readonly sender: ConnectionSender,
    private readonly logger: Logger,
    private readonly options: FanOutOptions,
  ) {}

  /** Honours the send deadline, the connect grace and `stop` (shutdown) like every send. */
  async execute(command: SendToGroupCommand, stop?: StopSignal): Promise<SendToGroupReport> {
    const group = assertGroupName(command.group);
    const excluded = exclusionSet(command.excludeConnectionIds);
    const message = OutgoingMessage.of(command.message);
    const run = this.sender.start(stop);
    try {
      return await this.fanOut(group, message, excluded, run.signal);
    } finally {
      run.end();
    }
  }

  private async fanOut(group: string, message: OutgoingMessage, excluded: ReadonlySet<string>, stop: StopSignal): Promise<SendToGroupReport> {
    const fanOut = new FanOut(this.sender, message, excluded, this.options.concurrency, stop);
    const limit = this.options.pageSize;

    const viaUsers = fanOut.drain(async (cursor) => {
      const users = await this.groups.listUsers(group, { limit, ...(cursor ? { cursor } : {}) });
      const sockets = await mapWithConcurrency(users.items, USER_LOOKUPS_IN_FLIGHT, (userId) => this.connections.findByUser(userId));
      return { items: sockets.flat(), ...(users.cursor ? { cursor: users.cursor } : {}) };
    });
    const viaSockets = fanOut.drain(async (cursor) => {
      const page = await this.groups.listConnections(group, { limit, ...(cursor ? { cursor } : {}) });
      return { items: await this.notReachedThroughTheirUser(group, page.items), ...(page.cursor ? { cursor: page.cursor } : {}) };
    });
    await Promise.all([viaUsers, viaSockets]);

    const report = { group, ...fanOut.report() };
    this.logger.debug('group send finished', { group, bytes: message.byteLength, ...(report.stopped ? { stoppedBy: report.stopped } : {}), delivered: report.delivered, gone: report.gone, failed: report.failed, excluded: report.excluded });
    return report;
  }

  /** Drops the sockets whose user is a member: the user phase sends to them already. */
  private async notReachedThroughTheirUser(group: string, sockets: Connection[]): Promise<Connection[]> {
    const userIds = [...new Set(sockets.map((s) => s.userId))];
    const members = new Set<string>();
    await mapWithConcurrency(userIds, USER_LOOKUPS_IN_FLIGHT, async (userId) => {
      if (await this.groups.hasUser(group, userId)) members.add(userId);
    });
    return sockets.filter((s) => !members.has(s.userId));
  }
}
