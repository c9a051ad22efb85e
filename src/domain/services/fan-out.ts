import type { Connection } from '../model/connection.js';
import { FanOutTally, type FanOutReport } from '../model/fan-out-report.js';
import { Semaphore } from '../shared/semaphore.js';
import { unlessStopped, type StopSignal } from '../shared/stop-signal.js';
import type { ConnectionSender } from './connection-sender.js';
import type { OutgoingMessage } from './outgoing-message.js';
import type { Page } from '../../ports/page.js';

/**
 * One send to a large audience: connections arrive page by page (from any number of readers at once), at most
 * `concurrency` posts are in flight in total, and only totals and the first 100 failures are kept, so memory
 * stays bounded whatever the audience's size. Every post goes through the shared ConnectionSender under the
 * send's run (`stop`: its deadline and shutdown); once it stops, no further page is read.
 */
/** The failures that mean the run stopped before the connection answered for good. */
const INTERRUPTED: ReadonlySet<string> = new Set(['DEADLINE_EXCEEDED', 'SHUTDOWN', 'NOT_YET_OPEN']);

export class FanOut {
  private readonly tally = new FanOutTally();
  private readonly posts: Semaphore;
  /** Whether the run stopped before every connection was read and answered. */
  private cutShort = false;

  constructor(
    private readonly sender: ConnectionSender,
    private readonly message: OutgoingMessage,
    private readonly excluded: ReadonlySet<string>,
    concurrency: number,
    private readonly stop: StopSignal,
  ) {
    this.posts = new Semaphore(concurrency);
  }

  /** Sends to every connection of the batch (bounded by the shared limit) and resolves once all are done. */
  async send(connections: readonly Connection[]): Promise<void> {
    await Promise.all(
      connections.map((connection) => {
        if (this.excluded.has(connection.connectionId)) {
          this.tally.exclude();
          return undefined;
        }
        return this.posts.run(async () => {
          const delivery = await this.sender.send(connection, this.message, this.stop);
          if (this.stop.reason && delivery.status === 'failed' && INTERRUPTED.has(delivery.error?.code ?? '')) this.cutShort = true;
          this.tally.add(delivery);
        });
      }),
    );
  }

  /**
   * Reads pages one after the other and sends each; the next page is read while the current one is being
   * sent, so at most two pages per reader are in memory. Stops reading when the run stops.
   */
  async drain(read: (cursor?: string) => Promise<Page<Connection>>): Promise<void> {
    if (this.stop.reason) {
      this.cutShort = true;
      return;
    }
    let next: Promise<Page<Connection>> | undefined = read();
    while (next) {
      const reading: Promise<Page<Connection>> = next;
      const page = await unlessStopped(reading, this.stop);
      if (!page) {
        this.cutShort = true;
        return;
      }
      next = page.cursor ? read(page.cursor) : undefined;
      try {
        await this.send(page.items);
      } catch (error) {
        // Do not leave the prefetched read unobserved.
        await next?.catch(() => undefined);
        throw error;
      }
      if (next && this.stop.reason) {
        // Not awaited: a read that hangs must not hold the answer back.
        next.catch(() => undefined);
        this.cutShort = true;
        return;
      }
    }
  }

  /** The totals; `stopped` says why when the run stopped before every connection was read and answered. */
  report(): FanOutReport {
    const report = this.tally.toReport();
    const reason = this.stop.reason;
    return this.cutShort && reason ? { ...report, stopped: reason } : report;
  }
}
