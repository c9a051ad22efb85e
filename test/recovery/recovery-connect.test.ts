import { describe, expect, it } from 'vitest';
import { createConnectHandler } from '../../src/adapters/lambda/connect.handler.js';
import { InMemoryMessageLog } from '../../src/adapters/memory/in-memory-message.log.js';
import { selectSubprotocol } from '../../src/domain/model/recovery.js';
import { RecordConnectionUseCase } from '../../src/domain/use-cases/record-connection.use-case.js';
import { domainFixture } from '../support/domain-fixture.js';
import { connectEvent } from '../support/websocket-events.js';

const alice = { authorizer: { principalId: 'alice', userId: 'alice' } };
const CONNECTION_ID = 'L0SM9cOFvHcCIhw=';
const TWO_HOURS_MS = 2 * 60 * 60 * 1000;

function withProtocols(offered: string) {
  const event = connectEvent(alice);
  event.headers = { ...event.headers, 'Sec-WebSocket-Protocol': offered };
  event.multiValueHeaders = { ...event.multiValueHeaders, 'Sec-WebSocket-Protocol': [offered] };
  return event;
}

function recoveringFixture() {
  const f = domainFixture();
  const log = new InMemoryMessageLog();
  const record = new RecordConnectionUseCase(f.connections, f.registerEndpoint, f.clock, { ttlGraceSeconds: 600, recoveryWindowSeconds: 90 }, log);
  return { ...f, log, connect: createConnectHandler(record, f.logger) };
}

describe('selecting the socketpost.v1 subprotocol', () => {
  it.each([
    ['socketpost.v1', 'socketpost.v1'],
    ['chat, socketpost.v1', 'socketpost.v1'],
    ['socketpost.v1,chat', 'socketpost.v1'],
    ['chat', undefined],
    ['socketpost.v2', undefined],
    ['Socketpost.V1', undefined],
    ['', undefined],
  ])('should select from %j: %s', (offered, selected) => {
    expect(selectSubprotocol(offered)).toBe(selected);
  });
});

describe('connect handler with message recovery', () => {
  it('should answer socketpost.v1 in Sec-WebSocket-Protocol when the client offers it among others, and store it', async () => {
    const f = recoveringFixture();
    const event = withProtocols('chat.v2, socketpost.v1');

    expect(await f.connect(event)).toEqual({ statusCode: 200, headers: { 'Sec-WebSocket-Protocol': 'socketpost.v1' } });
    expect(await f.connections.findById(CONNECTION_ID)).toMatchObject({ userId: 'alice', protocol: 'socketpost.v1' });
  });

  it('should mark the user recovering until the socket\'s maximum duration plus the window', async () => {
    const f = recoveringFixture();
    const event = withProtocols('socketpost.v1');
    await f.connect(event);
    const connectedAt = event.requestContext.connectedAt;

    expect(await f.log.isRecovering('alice', connectedAt + TWO_HOURS_MS + 89_000)).toBe(true);
    expect(await f.log.isRecovering('alice', connectedAt + TWO_HOURS_MS + 90_000)).toBe(false);
  });

  it('should answer no subprotocol, store none and mark nothing for a client that offers only others or none', async () => {
    const f = recoveringFixture();
    expect(await f.connect(withProtocols('graphql-ws'))).toEqual({ statusCode: 200 });
    expect(await f.connections.findById(CONNECTION_ID)).not.toHaveProperty('protocol');
    expect(await f.connect(connectEvent(alice))).toEqual({ statusCode: 200 });
    expect(await f.connections.findById(CONNECTION_ID)).not.toHaveProperty('protocol');
    expect(await f.log.isRecovering('alice', Date.UTC(2026, 10, 25, 12, 0, 0))).toBe(false);
  });

  it('should select no subprotocol when the service runs without a message log', async () => {
    const f = domainFixture();
    expect(await createConnectHandler(f.recordConnection, f.logger)(withProtocols('socketpost.v1'))).toEqual({ statusCode: 200 });
    expect(await f.connections.findById(CONNECTION_ID)).not.toHaveProperty('protocol');
  });
});
