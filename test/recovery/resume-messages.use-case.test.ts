import { describe, expect, it } from 'vitest';
import { InMemoryMessageLog } from '../../src/adapters/memory/in-memory-message.log.js';
import { encodeEnvelope } from '../../src/domain/model/recovery.js';
import { AnswerClientMessageUseCase } from '../../src/domain/use-cases/answer-client-message.use-case.js';
import { ResumeMessagesUseCase } from '../../src/domain/use-cases/resume-messages.use-case.js';
import { domainFixture } from '../support/domain-fixture.js';

const text = (s: string) => new TextEncoder().encode(s);
const WINDOW_MS = 120_000;

async function resumeFixture(options: { pageSize?: number } = {}) {
  const f = domainFixture();
  const log = new InMemoryMessageLog();
  const socket = await f.connect({ connectionId: 'v1=', userId: 'alice', offeredProtocols: 'socketpost.v1' });
  // domainFixture's RecordConnection has no log, so the protocol is set here as $connect would have.
  await f.connections.save({ ...socket, protocol: 'socketpost.v1' });
  const resume = new ResumeMessagesUseCase(f.connections, log, f.messenger, f.clock, { windowSeconds: 120, ...options });
  const answer = new AnswerClientMessageUseCase(f.messenger, 'us-east-1', undefined, resume);
  const sender = { apiId: 'apia1', domainName: 'apia1.execute-api.us-east-1.amazonaws.com', stage: 'dev', connectionId: 'v1=' };
  const send = (body: string) => answer.execute({ ...sender, body });
  const append = (data: string, json = false) =>
    log.append('alice', { data: text(data), json }, { nowMs: f.clock.now(), expiresAtMs: f.clock.now() + WINDOW_MS });
  const received = () => f.messenger.posts.map((p) => JSON.parse(p.text) as Record<string, unknown>);
  return { ...f, log, send, append, received };
}

describe('resume ({"action":"resume","since":n} on the default route)', () => {
  it('should replay every message after since, in order, in envelopes, through the socket\'s own endpoint, then say resumed', async () => {
    const f = await resumeFixture();
    await f.append('{"n":1}', true);
    await f.append('two');
    await f.append('{"n":3}', true);

    expect(await f.send('{"action":"resume","since":1}')).toEqual({ answered: true, result: { status: 'delivered' } });

    expect(f.received()).toEqual([
      { seq: 2, data: 'two' },
      { seq: 3, data: { n: 3 } },
      { type: 'resumed', since: 1, latestSeq: 3, replayed: 2 },
    ]);
    expect(new Set(f.messenger.posts.map((p) => `${p.url} ${p.region} ${p.connectionId}`))).toEqual(
      new Set(['https://apia1.execute-api.us-east-1.amazonaws.com/dev us-east-1 v1=']),
    );
  });

  it('should read a long log page by page and replay all of it once', async () => {
    const f = await resumeFixture({ pageSize: 3 });
    for (let i = 1; i <= 10; i += 1) await f.append(`m${i}`);
    await f.send('{"action":"resume","since":0}');
    const seqs = f.received().map((m) => m.seq).filter((s) => s !== undefined);
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('should answer resumed with nothing replayed when the client is up to date', async () => {
    const f = await resumeFixture();
    await f.append('x');
    await f.send('{"action":"resume","since":1}');
    expect(f.received()).toEqual([{ type: 'resumed', since: 1, latestSeq: 1, replayed: 0 }]);
  });

  it('should answer RECOVERY_WINDOW_EXCEEDED when since is older than the window, then replay what is kept', async () => {
    const f = await resumeFixture();
    await f.append('old-1');
    await f.append('old-2');
    f.clock.advance(90_000);
    await f.append('kept-3');
    f.clock.advance(60_000); // 1 and 2 are 150 s old, 3 is 60 s old

    await f.send('{"action":"resume","since":0}');

    const [error, ...rest] = f.received();
    expect(error).toMatchObject({ type: 'error', code: 'RECOVERY_WINDOW_EXCEEDED', latestSeq: 3, firstKeptSeq: 3 });
    expect(String(error?.message)).toMatch(/messages 1 to 2 are older than the recovery window \(120 s\)/);
    expect(rest).toEqual([{ seq: 3, data: 'kept-3' }, { type: 'resumed', since: 0, latestSeq: 3, replayed: 1 }]);
  });

  it('should answer RECOVERY_WINDOW_EXCEEDED when every message after since has expired', async () => {
    const f = await resumeFixture();
    await f.append('a');
    await f.append('b');
    f.clock.advance(WINDOW_MS + 1);
    await f.send('{"action":"resume","since":1}');
    expect(f.received()[0]).toMatchObject({ type: 'error', code: 'RECOVERY_WINDOW_EXCEEDED', latestSeq: 2 });
    expect(f.received()[0]).not.toHaveProperty('firstKeptSeq');
  });

  it.each(['-1', '1.5', '"3"', 'null', '9007199254740993'])('should answer INVALID_RESUME for since %s', async (since) => {
    const f = await resumeFixture();
    await f.send(`{"action":"resume","since":${since}}`);
    expect(f.received()).toEqual([expect.objectContaining({ type: 'error', code: 'INVALID_RESUME' })]);
  });

  it('should answer INVALID_RESUME with the latest seq when since is past it', async () => {
    const f = await resumeFixture();
    await f.append('a');
    await f.send('{"action":"resume","since":5}');
    expect(f.received()).toEqual([expect.objectContaining({ type: 'error', code: 'INVALID_RESUME', latestSeq: 1 })]);
  });

  it('should answer RECOVERY_NOT_ENABLED to a plain socket and replay nothing', async () => {
    const f = await resumeFixture();
    await f.append('a');
    await f.connect({ connectionId: 'plain=', userId: 'alice' });
    const resume = new ResumeMessagesUseCase(f.connections, f.log, f.messenger, f.clock);
    const answer = new AnswerClientMessageUseCase(f.messenger, 'us-east-1', undefined, resume);
    await answer.execute({ apiId: 'apia1', domainName: 'apia1.execute-api.us-east-1.amazonaws.com', stage: 'dev', connectionId: 'plain=', body: '{"action":"resume","since":0}' });
    expect(f.received()).toEqual([expect.objectContaining({ type: 'error', code: 'RECOVERY_NOT_ENABLED' })]);
  });

  it('should stop replaying at the first post that is not delivered and report it', async () => {
    const f = await resumeFixture();
    await f.append('a');
    await f.append('b');
    f.messenger.script('v1=', { status: 'delivered' }, { status: 'gone' });
    expect(await f.send('{"action":"resume","since":0}')).toEqual({ answered: true, result: { status: 'gone' } });
    expect(f.received()).toEqual([{ seq: 1, data: 'a' }, { seq: 2, data: 'b' }]);
  });
});

describe('the {seq, data} envelope', () => {
  it('should embed JSON as JSON and a string as a JSON string, escapes included', () => {
    const decode = (b: Uint8Array) => new TextDecoder().decode(b);
    expect(decode(encodeEnvelope(7, text('{"a":[1,2]}'), true))).toBe('{"seq":7,"data":{"a":[1,2]}}');
    expect(JSON.parse(decode(encodeEnvelope(8, text('say "hi"\n\u0001é'), false)))).toEqual({ seq: 8, data: 'say "hi"\n\u0001é' });
  });

  it('should refuse with MESSAGE_TOO_LARGE an envelope over 131,072 bytes, even when the message alone fits', () => {
    const fits = 'x'.repeat(131_072 - '{"seq":1,"data":""}'.length);
    expect(encodeEnvelope(1, text(fits), false).byteLength).toBe(131_072);
    expect(() => encodeEnvelope(10, text(fits), false)).toThrow(/131073 bytes in its \{seq, data\} envelope/);
    // A string of quotes doubles once escaped.
    expect(() => encodeEnvelope(1, text('"'.repeat(70_000)), false)).toThrow(expect.objectContaining({ code: 'MESSAGE_TOO_LARGE' }));
  });
});
