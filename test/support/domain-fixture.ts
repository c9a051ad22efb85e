import { InMemoryConnectionRepository } from '../../src/adapters/memory/in-memory-connection.repository.js';
import { InMemoryEndpointRegistry } from '../../src/adapters/memory/in-memory-endpoint.registry.js';
import { NotifyUserUseCase, type NotifyUserOptions } from '../../src/domain/use-cases/notify-user.use-case.js';
import { RecordConnectionUseCase, type RecordConnectionCommand } from '../../src/domain/use-cases/record-connection.use-case.js';
import { RegisterEndpointUseCase } from '../../src/domain/use-cases/register-endpoint.use-case.js';
import { ManualClock } from './manual-clock.js';
import { ScriptedMessenger } from './scripted-messenger.js';
import { MemoryLogger } from './silent-logger.js';

/** The core wired on in-memory adapters, as the domain tests use it. */
export function domainFixture(options: Partial<NotifyUserOptions> = {}, defaultRegion = 'us-east-1') {
  const connections = new InMemoryConnectionRepository();
  const registry = new InMemoryEndpointRegistry();
  const clock = new ManualClock();
  const logger = new MemoryLogger();
  const messenger = new ScriptedMessenger();
  const registerEndpoint = new RegisterEndpointUseCase(registry, defaultRegion);
  const recordConnection = new RecordConnectionUseCase(connections, registerEndpoint, clock, { ttlGraceSeconds: 600 });
  const notifyUser = new NotifyUserUseCase(connections, messenger, clock, logger, { random: () => 0.5, ...options });

  /** Records a connection and declares it open at the endpoint it was recorded with. */
  const connect = async (command: Partial<RecordConnectionCommand> & { connectionId: string; userId: string }) => {
    const connection = await recordConnection.execute({
      apiId: 'apia1',
      domainName: 'apia1.execute-api.us-east-1.amazonaws.com',
      stage: 'dev',
      connectedAt: clock.now(),
      ...command,
    });
    messenger.open(connection.connectionId, { url: connection.endpoint.url, region: connection.endpoint.region });
    return connection;
  };

  return { connections, registry, clock, logger, messenger, registerEndpoint, recordConnection, notifyUser, connect };
}
