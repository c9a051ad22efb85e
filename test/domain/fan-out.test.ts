import { describe, expect, it } from 'vitest';
import { InMemoryConnectionRepository } from '../../src/adapters/memory/in-memory-connection.repository.js';
import type { Connection } from '../../src/domain/model/connection.js';
import type { ManagementEndpointProps } from '../../src/domain/model/management-endpoint.js';
import { ConnectionSender } from '../../src/domain/services/connection-sender.js';
import { FanOut } from '../../src/domain/services/fan-out.js';
import { OutgoingMessage } from '../../src/domain/services/outgoing-message.js';
import { StopController } from '../../src/domain/shared/stop-signal.js';
import type { PostResult } from '../../src/ports/connection.messenger.js';
import type { Page } from '../../src/ports/page.js';
import { ManualClock } from '../support/manual-clock.js';
import { anEndpoint } from '../support/sample-connections.js';
import { ScriptedMessenger } from '../support/scripted-messenger.js';
import { MemoryLogger } from '../support/silent-logger.js';

const endpoint = anEndpoint('apia1', 'dev', 'us-east-1');

/** A messenger whose posts to `hanging` never answer and whose posts to `failing` reject; the others behave as API Gateway. */
class FaultyMessenger extends ScriptedMessenger {
  readonly hanging = new Set<string>();
  readonly failing = new Set<string>();

  override async post(target: ManagementEndpointProps, connectionId: string, data: Uint8Array): Promise<PostResult> {
    if (this.hanging.has(connectionId)) return new Promise<PostResult>(() => undefined);
    if (this.failing.has(connectionId)) throw new Error(`network down for ${connectionId}`);
    return super.post(target, connectionId, data);
  }
}

function fanOutFixture(concurrency = 2) {
  const clock = new ManualClock();
  const connections = new InMemoryConnectionRepository();
  const messenger = new FaultyMessenger();
  const sender = new ConnectionSender(connections, messenger, clock, new MemoryLogger(), undefined, { random: () => 0.5, deadlineMs: Infinity });
  const run = new StopController();
  const fanOut = new FanOut(sender, OutgoingMessage.of('hi'), new Set(), concurrency, run.signal);
  /** An open connection, recorded a minute ago (past its connect grace), or one past its maximum duration. */
  const socket = async (connectionId: string, state: 'open' | 'expired' = 'open'): Promise<Connection> => {
    const connectedAt = clock.now() - (state === 'open' ? 60_000 : 3 * 60 * 60 * 1000);
    const connection = { connectionId, userId: 'alice', endpoint, connectedAt, expiresAt: Math.floor(connectedAt / 1000) + 2 * 60 * 60 + 60 };
    await connections.save(connection);
    if (state === 'open') messenger.open(connectionId, { url: endpoint.url, region: endpoint.region });
    return connection;
  };
  /** Serves `pages` one after the other, counting the reads. */
  const reader = (pages: Connection[][]) => {
    const reads: Array<string | undefined> = [];
    const read = async (cursor?: string): Promise<Page<Connection>> => {
      reads.push(cursor);
      const index = cursor === undefined ? 0 : Number(cursor);
      return { items: pages[index] ?? [], ...(index + 1 < pages.length ? { cursor: String(index + 1) } : {}) };
    };
    return { read, reads };
  };
  return { clock, connections, messenger, fanOut, run, socket, reader };
}

describe('FanOut', () => {
  it('should not report a run stopped when it stopped only after every connection was read and answered', async () => {
    const f = fanOutFixture();
    const pages = [[await f.socket('a'), await f.socket('b')], [await f.socket('c')]];
    const { read, reads } = f.reader(pages);

    await f.fanOut.drain(read);
    f.run.stop('DEADLINE_EXCEEDED');

    expect(reads).toEqual([undefined, '1']);
    expect(f.fanOut.report()).toEqual({ delivered: 3, gone: 0, failed: 0, excluded: 0, failures: [], failuresTruncated: false });
  });

  it('should read nothing when the run has already stopped, and report it stopped', async () => {
    const f = fanOutFixture();
    const { read, reads } = f.reader([[await f.socket('a')]]);
    f.run.stop('SHUTDOWN');

    await f.fanOut.drain(read);

    expect(reads).toEqual([]);
    expect(f.messenger.posts).toEqual([]);
    expect(f.fanOut.report()).toMatchObject({ delivered: 0, failed: 0, stopped: 'SHUTDOWN' });
  });

  it('should stop waiting for a page that does not come when the run stops, and report it stopped', async () => {
    const f = fanOutFixture();
    const draining = f.fanOut.drain(() => new Promise<Page<Connection>>(() => undefined));
    await new Promise((resolve) => setImmediate(resolve));
    f.run.stop('SHUTDOWN');

    await draining;

    expect(f.fanOut.report()).toEqual({ delivered: 0, gone: 0, failed: 0, excluded: 0, failures: [], failuresTruncated: false, stopped: 'SHUTDOWN' });
  });

  it('should count a connection found gone after the run stopped, beside the posts it interrupted', async () => {
    const f = fanOutFixture(1);
    const hanging = await f.socket('hanging');
    f.messenger.hanging.add('hanging');
    const expired = await f.socket('expired', 'expired');

    const sending = f.fanOut.send([hanging, expired]);
    await new Promise((resolve) => setImmediate(resolve));
    f.run.stop('SHUTDOWN');
    await sending;

    expect(f.fanOut.report()).toMatchObject({ delivered: 0, gone: 1, failed: 1, stopped: 'SHUTDOWN', failures: [{ connectionId: 'hanging', code: 'SHUTDOWN' }] });
    expect(await f.connections.findById('expired')).toBeUndefined();
  });

  it.each([1, 2])('should pass on the error of a post that throws (%s page(s) to read)', async (pageCount) => {
    const f = fanOutFixture();
    f.messenger.failing.add('a');
    const pages = [[await f.socket('a')], [await f.socket('b')]].slice(0, pageCount);
    const { read } = f.reader(pages);

    await expect(f.fanOut.drain(read)).rejects.toThrow('network down for a');
    expect(f.messenger.posts.map((p) => p.connectionId)).not.toContain('b');
  });
});
