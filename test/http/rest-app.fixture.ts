import type { FastifyInstance } from 'fastify';
import { buildApp, type BuildAppOptions } from '../../src/app/app.js';
import type { CoreConfig } from '../../src/app/config.js';
import { createContainer, type ContainerOverrides } from '../../src/app/container.js';
import { parityUseCases } from '../../src/app/parity.container.js';
import { InMemoryConnectionRepository } from '../../src/adapters/memory/in-memory-connection.repository.js';
import { CheckReadinessUseCase } from '../../src/domain/use-cases/check-readiness.use-case.js';
import { ListConnectionsUseCase } from '../../src/domain/use-cases/list-connections.use-case.js';
import { NotifyUserUseCase } from '../../src/domain/use-cases/notify-user.use-case.js';
import { RecordConnectionUseCase } from '../../src/domain/use-cases/record-connection.use-case.js';
import { coreConfig, TEST_API_KEY } from '../support/core-config.js';
import { ManualClock } from '../support/manual-clock.js';
import { ScriptedMessenger } from '../support/scripted-messenger.js';
import { MemoryLogger } from '../support/silent-logger.js';

export const auth = { authorization: `Bearer ${TEST_API_KEY}` };

/** The REST app on the real composition root, with in-memory storage and a scripted messenger. */
export async function restFixture(
  overrides: ContainerOverrides & { bodyLimitBytes?: number; app?: Partial<Omit<BuildAppOptions, 'useCases'>>; config?: Partial<CoreConfig> } = {},
) {
  const messenger = new ScriptedMessenger();
  const connections = new InMemoryConnectionRepository();
  const clock = new ManualClock();
  const { config, ...containerOverrides } = overrides;
  const container = createContainer(coreConfig(config), {
    connectionRepository: connections,
    messenger,
    clock,
    logger: new MemoryLogger(),
    random: () => 0,
    ...containerOverrides,
  });
  const app: FastifyInstance = await buildApp({
    useCases: {
      notifyUser: container.resolve(NotifyUserUseCase),
      listConnections: container.resolve(ListConnectionsUseCase),
      checkReadiness: container.resolve(CheckReadinessUseCase),
      parity: parityUseCases(container),
    },
    apiKeys: [TEST_API_KEY, 'second-key-abcdefghijkl'],
    ...(overrides.bodyLimitBytes ? { bodyLimitBytes: overrides.bodyLimitBytes } : {}),
    ...overrides.app,
  });
  const record = container.resolve(RecordConnectionUseCase);
  const connect = async (connectionId: string, userId: string, stage = 'dev') => {
    const c = await record.execute({
      connectionId,
      userId,
      apiId: 'apia1',
      domainName: 'apia1.execute-api.us-east-1.amazonaws.com',
      stage,
      connectedAt: (containerOverrides.clock ?? clock).now(),
    });
    messenger.open(connectionId, { url: c.endpoint.url, region: c.endpoint.region });
    return c;
  };
  return { app, messenger, connections, clock, connect, container };
}

export type RestFixture = Awaited<ReturnType<typeof restFixture>>;

/** `POST url` with the API key and a JSON body (and any extra headers). */
export const post = (f: RestFixture, url: string, payload: object, headers: Record<string, string> = {}) =>
  f.app.inject({ method: 'POST', url, headers: { ...auth, ...headers }, payload });
