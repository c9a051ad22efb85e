import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContainer } from '../../src/app/container.js';
import { createConnectHandler } from '../../src/adapters/lambda/connect.handler.js';
import type { WebSocketEvent } from '../../src/adapters/lambda/lambda-events.js';
import { RecordConnectionUseCase } from '../../src/domain/use-cases/record-connection.use-case.js';
import { NotifyUserUseCase, type DeliveryReport } from '../../src/domain/use-cases/notify-user.use-case.js';
import { CONNECTION_REPOSITORY, type ConnectionRepository } from '../../src/ports/connection.repository.js';
import { startApiGatewayEmulator, type ApiGatewayEmulator } from '../../src/local/emulator/api-gateway-emulator.js';
import { coreConfig } from '../support/core-config.js';
import { MemoryLogger } from '../support/silent-logger.js';
import { openSocket, type TestSocket } from '../support/ws-client.js';
import { CREDENTIALS, EventLog, REGION, TOKENS, fixtureAuthorizer } from '../local/emulator/fixtures.js';

/**
 * The `$connect` race, reproduced with the project's own connect handler: the record is written, a notify
 * lands while `$connect` is still running (the emulator answers 410 then, as API Gateway does), and the
 * handshake finishes a moment later.
 */
describe('a notify that lands while $connect is still running (real connect handler, emulator, signed posts)', () => {
  const log = new EventLog();
  const container = createContainer(coreConfig({ region: REGION, tableRegion: REGION, connectGraceMs: 3_000 }), {
    logger: new MemoryLogger(),
    credentials: CREDENTIALS,
  });
  const notifyUser = container.resolve(NotifyUserUseCase);
  const connections = container.resolve<ConnectionRepository>(CONNECTION_REPOSITORY);
  const realConnect = createConnectHandler(container.resolve(RecordConnectionUseCase), new MemoryLogger());
  let duringConnect: Promise<DeliveryReport> | undefined;
  let emulator: ApiGatewayEmulator;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    emulator = await startApiGatewayEmulator(
      {
        authorizer: (event) => fixtureAuthorizer(event, log),
        connect: async (event: WebSocketEvent) => {
          const result = await realConnect(event);
          duringConnect = notifyUser.execute({ userId: 'alice', message: 'sent during $connect' });
          // The handshake finishes a moment after the record is written (a slow connect Lambda).
          await new Promise((r) => setTimeout(r, 300));
          return result;
        },
      },
      { stages: ['dev'], region: REGION, credentials: CREDENTIALS },
    );
  });

  afterAll(async () => {
    for (const s of sockets) s.ws.terminate();
    await emulator.stop();
  });

  it('should keep the record, deliver the notify once the socket opens, and deliver every later notify', async () => {
    const socket = await openSocket(emulator.wsUrl('dev'), { token: TOKENS.alice });
    sockets.push(socket);

    const first = await duringConnect;
    expect(first).toMatchObject({ delivered: 1, gone: 0, failed: 0 });
    expect(first?.connections[0]?.attempts).toBeGreaterThan(1);
    expect(await socket.nextMessage()).toBe('sent during $connect');
    expect(await connections.findByUser('alice')).toHaveLength(1);

    const later = await notifyUser.execute({ userId: 'alice', message: 'later' });
    expect(later).toMatchObject({ delivered: 1, gone: 0, failed: 0 });
    expect(await socket.nextMessage()).toBe('later');
  });
});
