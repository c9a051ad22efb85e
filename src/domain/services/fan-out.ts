import type { Connection } from '../model/connection.js';
import { FanOutTally, type FanOutReport } from '../model/fan-out-report.js';
import { Semaphore } from '../shared/semaphore.js';
import type { ConnectionSender } from './connection-sender.js';
import type { Page } from '../../ports/page.js';

/**
 * One send to a large audience: connections arrive page by page (from any number of readers at once), at most
 * `concurrency` posts are in flight in total, and only totals and the first 100 failures are kept, so memory
 * stays bounded whatever the audience's size.
 */
export class FanOut {
  private readonly tally = new FanOutTally();
  private readonly posts: Semaphore;

  constructor(
    private readonly sender: ConnectionSender,
    private readonly data: Uint8Array,
    private readonly excluded: ReadonlySet<string>,
    concurrency: number,
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
        return this.posts.run(async () => this.tally.add(await this.sender.send(connection, this.data)));
      }),
    );
  }

  /**
   * Reads pages one after the other and sends each; the next page is read while the current one is being
   * sent, so at most two pages per reader are in memory.
   */
  async drain(read: (cursor?: string) => Promise<Page<Connection>>): Promise<void> {
    let next: Promise<Page<Connection>> | undefined = read();
    while (next) {
      const page: Page<Connection> = await next;
      next = page.cursor ? read(page.cursor) : undefined;
      try {
        await this.send(page.items);
      } catch (error) {
        // Do not leave the prefetched read unobserved.
        await next?.catch(() => undefined);
        throw error;
      }
    }
  }

  report(): FanOutReport {
    return this.tally.toReport();
  }
}
