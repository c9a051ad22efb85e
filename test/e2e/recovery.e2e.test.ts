import { describe, expect, it } from 'vitest';
import { useLocalStack } from '../support/local-stack.js';
import type { TestSocket } from '../support/ws-client.js';

const e2e = useLocalStack({ label: 'recovery' });

function connect(userId: string, protocols?: string[]): Promise<TestSocket> {
  return e2e.connect(userId, 'dev', protocols ? { protocols } : {});
}

async function notify(userId: string, message: unknown) {
  const { status, body } = await e2e.call('POST', '/notify', { userId, message });
  return { status, body: body as Record<string, unknown> };
}

/** Waits until the emulator has run `$disconnect` and the user's socket records are down to `count`. */
async function untilRecorded(userId: string, count: number): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    const { body } = await e2e.call('GET', `/users/${encodeURIComponent(userId)}/connections`);
    if ((body as { connections: unknown[] }).connections.length === count) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${userId} never had ${count} recorded connections`);
}

const parse = (m: string | Buffer) => JSON.parse(String(m)) as Record<string, unknown>;

describe('message recovery end to end (emulator, real handlers, DynamoDB Local, real ws sockets)', () => {
  it('should select socketpost.v1 among the offered subprotocols, as API Gateway passes on the $connect answer', async () => {
    const socket = await connect('picky', ['chat.v2', 'socketpost.v1']);
    expect(socket.ws.protocol).toBe('socketpost.v1');
    const plain = await connect('picky');
    expect(plain.ws.protocol).toBe('');
  });

  it('should fail the handshake of a client that offers only subprotocols socketpost does not speak, and keep no record of it', async () => {
    await expect(connect('stranger', ['graphql-ws'])).rejects.toThrow(/subprotocol/i);
    await untilRecorded('stranger', 0);
  });

  it('should give a v1 socket that reconnects and resumes every missed message once, in order, while a plain socket gets bare messages', async () => {
    const v1 = await connect('alice', ['socketpost.v1']);
    const plain = await connect('alice');

    expect((await notify('alice', { n: 1 })).body).toMatchObject({ delivered: 2 });
    expect(parse(await v1.nextMessage())).toEqual({ seq: 1, data: { n: 1 } });
    expect(await plain.nextMessage()).toBe('{"n":1}');

    // The v1 socket goes away; messages are sent meanwhile.
    v1.ws.close();
    await untilRecorded('alice', 1);
    expect((await notify('alice', 'two')).body).toMatchObject({ delivered: 1 });
    expect((await notify('alice', { n: 3, text: 'three "quoted"' })).body).toMatchObject({ delivered: 1 });
    expect((await notify('alice', { n: [4] })).body).toMatchObject({ delivered: 1 });
    expect([await plain.nextMessage(), await plain.nextMessage(), await plain.nextMessage()]).toEqual([
      'two',
      '{"n":3,"text":"three \\"quoted\\""}',
      '{"n":[4]}',
    ]);

    // It comes back and asks for what it missed after seq 1.
    const again = await connect('alice', ['socketpost.v1']);
    again.ws.send(JSON.stringify({ action: 'resume', since: 1 }));
    const replayed = [parse(await again.nextMessage()), parse(await again.nextMessage()), parse(await again.nextMessage())];
    expect(replayed).toEqual([
      { seq: 2, data: 'two' },
      { seq: 3, data: { n: 3, text: 'three "quoted"' } },
      { seq: 4, data: { n: [4] } },
    ]);
    expect(parse(await again.nextMessage())).toEqual({ type: 'resumed', since: 1, latestSeq: 4, replayed: 3 });

    // Live messages continue the numbering, and nothing came twice.
    await notify('alice', 'five');
    expect(parse(await again.nextMessage())).toEqual({ seq: 5, data: 'five' });
    expect(await plain.nextMessage()).toBe('five');
    again.ws.send(JSON.stringify({ action: 'ping' }));
    expect(parse(await again.nextMessage())).toEqual({ type: 'pong' });
  });

  it('should answer a resume from a plain socket with RECOVERY_NOT_ENABLED', async () => {
    const plain = await connect('bob');
    plain.ws.send(JSON.stringify({ action: 'resume', since: 0 }));
    expect(parse(await plain.nextMessage())).toMatchObject({ type: 'error', code: 'RECOVERY_NOT_ENABLED' });
  });

  it('should refuse with 413, sending nothing, a notify whose envelope would not fit a v1 socket', async () => {
    const v1 = await connect('carol', ['socketpost.v1']);
    const res = await notify('carol', 'z'.repeat(131_072 - 8));
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ code: 'MESSAGE_TOO_LARGE' });
    await notify('carol', 'small');
    expect(parse(await v1.nextMessage())).toEqual({ seq: 1, data: 'small' });
  });
});
