import { ValidationError } from '../errors/domain.error.js';
import { exclusionSet } from '../model/audience.js';
import type { FanOutReport } from '../model/fan-out-report.js';
import type { ConnectionSender } from '../services/connection-sender.js';
import { FanOut } from '../services/fan-out.js';
import { OutgoingMessage, type NotificationMessage } from '../services/outgoing-message.js';
import { mapWithConcurrency } from '../shared/map-with-concurrency.js';
import type { StopSignal } from '../shared/stop-signal.js';
import type { FanOutOptions } from './send-to-group.use-case.js';
import type { ConnectionRepository } from '../../ports/connection.repository.js';
import type { EndpointRegistry } from '../../ports/endpoint.registry.js';
import type { Logger } from '../../ports/logger.js';

export interface BroadcastCommand {
  message: NotificationMessage;
  /** Only the connections of this API (all APIs when absent). */
  apiId?: string;
  /** Only the connections of this stage (all stages when absent). */
  stage?: string;
  excludeConnectionIds?: readonly string[];
}

export interface BroadcastReport extends FanOutReport {
  /** The API + stage pairs sent to, as `apiId/stage`. */
  stages: string[];
}

export interface BroadcastOptions extends FanOutOptions {
  /** Shards read at once (each shard is read page after page). */
  readers: number;
}

/**
 * `POST /broadcast`: every live connection of an API + stage (or of every known one). Each stage's
 * connections are spread over the repository's shards; shards are read in parallel, page by page, into one
 * bounded fan-out: never a scan, never every connection in memory.
 */
export class BroadcastUseCase {
  constructor(
    private readonly connections: ConnectionRepository,
    private readonly endpoints: EndpointRegistry,
    private readonly sender: ConnectionSender,
    private readonly logger: Logger,
    private readonly options: BroadcastOptions,
  ) {}

  /** Honours the send deadline, the connect grace and `stop` (shutdown) like every send. */
  async execute(command: BroadcastCommand, stop?: StopSignal): Promise<BroadcastReport> {
    const excluded = exclusionSet(command.excludeConnectionIds);
    const message = OutgoingMessage.of(command.message);
    for (const field of ['apiId', 'stage'] as const) {
      const value = command[field];
      if (value !== undefined && (typeof value !== 'string' || value.length === 0 || value.length > 128)) {
        throw new ValidationError(field, 'must be 1–128 characters');
      }
    }
    const run = this.sender.start(stop);
    try {
      return await this.fanOut(command, message, excluded, run.signal);
    } finally {
      run.end();
    }
  }

  private async fanOut(command: BroadcastCommand, message: OutgoingMessage, excluded: ReadonlySet<string>, stop: StopSignal): Promise<BroadcastReport> {
    const stages = (await this.endpoints.list())
      .filter((e) => (command.apiId === undefined || e.apiId === command.apiId) && (command.stage === undefined || e.stage === command.stage))
      .map((e) => ({ apiId: e.apiId, stage: e.stage }));

    const fanOut = new FanOut(this.sender, message, excluded, this.options.concurrency, stop);
    const shards = stages.flatMap(({ apiId, stage }) =>
      Array.from({ length: this.connections.stageShards }, (_, shard) => ({ apiId, stage, shard })),
    );
    await mapWithConcurrency(shards, this.options.readers, ({ apiId, stage, shard }) =>
      fanOut.drain((cursor) =>
        this.connections.pageByStage(apiId, stage, shard, { limit: this.options.pageSize, ...(cursor ? { cursor } : {}) }),
      ),
    );

    const report = { stages: stages.map((s) => `${s.apiId}/${s.stage}`), ...fanOut.report() };
    this.logger.debug('broadcast finished', { stages: report.stages, bytes: message.byteLength, ...(report.stopped ? { stoppedBy: report.stopped } : {}), delivered: report.delivered, gone: report.gone, failed: report.failed, excluded: report.excluded });
    return report;
  }
}
