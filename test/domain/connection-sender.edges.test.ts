import { describe, expect, it } from 'vitest';
import { InMemoryConnectionRepository } from '../../src/adapters/memory/in-memory-connection.repository.js';
import { InMemoryMessageLog } from '../../src/adapters/memory/in-memory-message.log.js';
import type { Connection } from '../../src/domain/model/connection.js';
import type { ManagementEndpointProps } from '../../src/domain/model/management-endpoint.js';
import { assertEnvelopeFits, MAX_SEQ } from '../../src/domain/model/recovery.js';
import { MAX_MESSAGE_BYTES } from '../../src/domain/model/limits.js';
import { ConnectionSender } from '../../src/domain/services/connection-sender.js';
import { MessageRecovery } from '../../src/domain/services/message-recovery.js';
import { OutgoingMessage } from '../../src/domain/services/outgoing-message.js';
import { StopController } from '../../src/domain/shared/stop-signal.js';
import type { PostResult } from '../../src/ports/connection.messenger.js';
import type { MessageLog } from '../../src/ports/message.log.js';
import { ManualClock } from '../support/manual-clock.js';
import { ScriptedMessenger } from '../support/scripted-messenger.js';
import { MemoryLogger } from '../support/silent-logger.js';

const home = { url: 'https://apia1.execute-api.eu-west-1.amazonaws.com/dev', region: 'eu-west-1' };

/** A messenger that answers the scripted results first, then never answers again. */
class ThenSilentMessenger extends ScriptedMessenger {
  constructor(private readonly first: PostResult[]) {
    super();
  }

  override async post(endpoint: ManagementEndpointProps, connectionId: string, data: Uint8Array): Promise<PostResult> {
    const next = this.first.shift();
    if (next) {
      this.posts.push({ url: endpoint.url, region: endpoint.region, connectionId, text: new TextDecoder().decode(data) });
      return next;
    }
    return new Promise<PostResult>(() => undefined);
  }
}

/** A message log whose appends fail, as a storage outage would. */
class FailingLog extends InMemoryMessageLog {
  override async append(): Promise<number> {
    throw new Error('message log unavailable');
  }
}

function setup(options: { messenger?: ScriptedMessenger; log?: MessageLog } = {}) {
  const clock = new ManualClock();
  const connections = new InMemoryConnectionRepository();
  const messenger = options.messenger ?? new ScriptedMessenger();
  const logger = new MemoryLogger();
  const log = options.log ?? new InMemoryMessageLog();
  const sender = new ConnectionSender(connections, messenger, clock, logger, undefined, { random: () => 0.5 }, new MessageRecovery(log, clock, 120));
  const connection = async (connectionId: string, overrides: Partial<Connection> = {}): Promise<Connection> => {
    const c: Connection = {
      connectionId,
      userId: 'alice',
      endpoint: { apiId: 'apia1', domainName: 'apia1.execute-api.eu-west-1.amazonaws.com', stage: 'dev', ...home },
      connectedAt: clock.now() - 60_000,
      expiresAt: Math.floor(clock.now() / 1000) + 3_600,
      ...overrides,
    };
    await connections.save(c);
    messenger.open(connectionId, home);
    return c;
  };
  return { clock, connections, messenger, logger, log, sender, connection };
}

const settle = async () => {
  for (let i = 0; i < 10; i += 1) await new Promise((resolve) => setImmediate(resolve));
};

describe('ConnectionSender edges', () => {
  it('should neither number nor log a message for a v1 socket once the run has stopped', async () => {
    const f = setup();
    const v1 = await f.connection('v1=', { protocol: 'socketpost.v1' });
    const run = new StopController();
    run.stop('SHUTDOWN');

    expect(await f.sender.send(v1, OutgoingMessage.of('hi'), run.signal)).toMatchObject({ status: 'failed', attempts: 0, error: { code: 'SHUTDOWN' } });

    expect((await f.log.readAfter('alice', 0, { nowMs: f.clock.now(), limit: 10 })).latestSeq).toBe(0);
    expect(f.messenger.posts).toEqual([]);
  });

  it('should pass on a failure of the message log instead of reporting it as a message too large', async () => {
    const f = setup({ log: new FailingLog() });
    const v1 = await f.connection('v1=', { protocol: 'socketpost.v1' });
    await expect(f.sender.send(v1, OutgoingMessage.of('hi'), new StopController().signal)).rejects.toThrow('message log unavailable');
    expect(f.messenger.posts).toEqual([]);
  });

  it('should report NOT_YET_OPEN when the deadline ends a retry of a socket that answered 410 within its grace', async () => {
    const f = setup({ messenger: new ThenSilentMessenger([{ status: 'gone' }]) });
    const young = await f.connection('young=', { connectedAt: f.clock.now() });
    const run = f.sender.start();

    const sending = f.sender.send(young, OutgoingMessage.of('hi'), run.signal);
    await settle();
    f.clock.advance(f.sender.policy.deadlineMs);
    const delivery = await sending;
    run.end();

    expect(delivery).toMatchObject({ status: 'failed', attempts: 2, error: { code: 'NOT_YET_OPEN' } });
    expect(await f.connections.findById('young=')).toBeDefined();
  });

  it('should prune a gone connection without groups to clean, and log no failure', async () => {
    const f = setup();
    const old = await f.connection('old=');
    f.messenger.script('old=', { status: 'gone' });

    expect(await f.sender.send(old, OutgoingMessage.of('hi'), new StopController().signal)).toEqual({ connectionId: 'old=', status: 'gone', attempts: 1 });

    expect(await f.connections.findById('old=')).toBeUndefined();
    expect(f.logger.lines.filter((l) => l.level === 'warn')).toEqual([]);
  });
});

describe('the {seq, data} envelope limit', () => {
  const prefix = new TextEncoder().encode(`{"seq":${MAX_SEQ},"data":}`).byteLength;

  it('should accept a message whose largest envelope is exactly 131,072 bytes, and refuse one byte more', () => {
    const exact = new TextEncoder().encode('x'.repeat(MAX_MESSAGE_BYTES - prefix - 2));
    expect(() => assertEnvelopeFits(exact, false)).not.toThrow();
    const over = new TextEncoder().encode('x'.repeat(MAX_MESSAGE_BYTES - prefix - 1));
    expect(() => assertEnvelopeFits(over, false)).toThrow(expect.objectContaining({ code: 'MESSAGE_TOO_LARGE' }));
  });
});
