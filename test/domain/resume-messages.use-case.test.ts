import { describe, expect, it } from 'vitest';
import { InMemoryMessageLog } from '../../src/adapters/memory/in-memory-message.log.js';
import { ResumeMessagesUseCase } from '../../src/domain/use-cases/resume-messages.use-case.js';
import type { MessageLogPage } from '../../src/ports/message.log.js';
import { domainFixture } from '../support/domain-fixture.js';

const WINDOW_MS = 120_000;

/** Counts the reads of the log. */
class CountingMessageLog extends InMemoryMessageLog {
  readonly reads: number[] = [];

  override async readAfter(userId: string, since: number, options: { nowMs: number; limit: number }): Promise<MessageLogPage> {
    this.reads.push(since);
    return super.readAfter(userId, since, options);
  }
}

/** alice's socketpost.v1 socket `v1=` and her message log; `resume(since)` is her `{"action":"resume","since":…}`. */
async function resumeFixture(pageSize = 100) {
  const f = domainFixture();
  const log = new CountingMessageLog();
  const socket = await f.connect({ connectionId: 'v1=', userId: 'alice' });
  await f.connections.save({ ...socket, protocol: 'socketpost.v1' });
  const useCase = new ResumeMessagesUseCase(f.connections, log, f.messenger, f.clock, { windowSeconds: 120, pageSize });
  const resume = (since: unknown, connectionId = 'v1=') => useCase.execute({ connectionId, endpoint: socket.endpoint, since });
  const append = (data: string) =>
    log.append('alice', { data: new TextEncoder().encode(data), json: false }, { nowMs: f.clock.now(), expiresAtMs: f.clock.now() + WINDOW_MS });
  const received = () => f.messenger.posts.map((p) => JSON.parse(p.text) as Record<string, unknown>);
  return { ...f, log, resume, append, received };
}

describe('ResumeMessagesUseCase refusals', () => {
  it.each([[1.5], ['1'], [Number.NaN]])('should refuse since %j with INVALID_RESUME saying what since must be, even when messages follow it', async (since) => {
    const f = await resumeFixture();
    for (const m of ['a', 'b', 'c']) await f.append(m);

    expect(await f.resume(since)).toEqual({ replayed: 0, result: { status: 'delivered' } });

    expect(f.received()).toEqual([{ type: 'error', code: 'INVALID_RESUME', message: 'since must be the last seq received: a whole number, 0 or more' }]);
    expect(f.log.reads).toEqual([]);
  });

  it('should say how to resume when since is past the last message', async () => {
    const f = await resumeFixture();
    await f.append('a');
    await f.resume(5);
    expect(f.received()).toEqual([
      { type: 'error', code: 'INVALID_RESUME', message: 'since 5 is past the last message sent to you (1): resume from 1', latestSeq: 1 },
    ]);
  });

  it('should tell a socket that did not choose socketpost.v1 how to get numbered messages', async () => {
    const f = await resumeFixture();
    await f.connect({ connectionId: 'plain=', userId: 'alice' });
    await f.resume(0, 'plain=');
    expect(f.received()).toEqual([
      {
        type: 'error',
        code: 'RECOVERY_NOT_ENABLED',
        message: 'connect with the WebSocket subprotocol socketpost.v1 to get numbered messages and resume',
      },
    ]);
  });
});

describe('ResumeMessagesUseCase past the recovery window', () => {
  it('should name the lost messages up to the latest seq when none is kept any more', async () => {
    const f = await resumeFixture();
    for (const m of ['a', 'b', 'c']) await f.append(m);
    f.clock.advance(WINDOW_MS + 1);

    await f.resume(1);

    expect(f.received()).toEqual([
      {
        type: 'error',
        code: 'RECOVERY_WINDOW_EXCEEDED',
        message: 'messages 2 to 3 are older than the recovery window (120 s) and lost: reload your state; the messages still kept follow',
        latestSeq: 3,
      },
      { type: 'resumed', since: 1, latestSeq: 3, replayed: 0 },
    ]);
  });

  it('should stop at once when the socket is gone by the time it is told what it lost', async () => {
    const f = await resumeFixture();
    await f.append('old');
    f.clock.advance(WINDOW_MS + 1);
    await f.append('kept');
    f.messenger.script('v1=', { status: 'gone' });

    expect(await f.resume(0)).toEqual({ replayed: 0, result: { status: 'gone' } });
    expect(f.messenger.posts).toHaveLength(1);
  });
});

describe('ResumeMessagesUseCase replays', () => {
  it('should replay up to the latest seq known when it started, leaving a message sent meanwhile to the direct path', async () => {
    const f = await resumeFixture(2);
    for (const m of ['m1', 'm2', 'm3']) await f.append(m);
    const post = f.messenger.post.bind(f.messenger);
    let sentMeanwhile = false;
    f.messenger.post = async (endpoint, connectionId, data) => {
      if (!sentMeanwhile) {
        sentMeanwhile = true;
        await f.append('m4');
      }
      return post(endpoint, connectionId, data);
    };

    expect(await f.resume(0)).toEqual({ replayed: 3, result: { status: 'delivered' } });

    expect(f.received()).toEqual([
      { seq: 1, data: 'm1' },
      { seq: 2, data: 'm2' },
      { seq: 3, data: 'm3' },
      { type: 'resumed', since: 0, latestSeq: 3, replayed: 3 },
    ]);
  });

  it('should read the log no further once it has replayed the latest seq', async () => {
    const f = await resumeFixture(2);
    for (const m of ['m1', 'm2', 'm3', 'm4']) await f.append(m);

    await f.resume(0);

    expect(f.log.reads).toEqual([0, 2]);
    expect(f.received().at(-1)).toEqual({ type: 'resumed', since: 0, latestSeq: 4, replayed: 4 });
  });
});
