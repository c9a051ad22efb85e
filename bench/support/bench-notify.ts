import type { DependencyContainer } from 'tsyringe';
import { loadServerConfig, type ServerConfig } from '../../src/app/config.js';
import { createContainer } from '../../src/app/container.js';
import { createPinoLogger, type PinoLogger } from '../../src/adapters/logging/pino.logger.js';
import { CONNECTION_REPOSITORY, type ConnectionRepository } from '../../src/ports/connection.repository.js';
import type { ManagementEndpointProps } from '../../src/domain/model/management-endpoint.js';
import { BENCH_API_KEY, BENCH_CREDENTIALS } from './bench-row.js';

export interface BenchNotify {
  config: ServerConfig;
  container: DependencyContainer;
  logger: PinoLogger;
}

/**
 * The notify service's own composition root, from the same environment variables as in production
 * (`MESSENGER`, `LOG_LEVEL`, `NOTIFY_CONCURRENCY`…), with in-memory storage and the bench credentials: what is
 * measured is the configured messenger, not a bench copy of it.
 */
export function composeBenchNotify(env: Record<string, string | undefined>): BenchNotify {
  const config = loadServerConfig({
    NOTIFY_API_KEYS: BENCH_API_KEY,
    HOST: '127.0.0.1',
    PORT: '0',
    AWS_REGION: 'eu-west-1',
    // The per-key rate limit (6,000 a minute by default) would answer 429 to the load generator: the bench
    // measures the notify path itself.
    RATE_LIMIT_PER_MINUTE: '0',
    ...env,
    STORAGE: 'memory',
  });
  // The logger the service's entry point (src/app/server.ts) makes: lines to stdout in batches.
  const logger = createPinoLogger({ level: config.logLevel, batched: true });
  return { config, logger, container: createContainer(config, { logger, credentials: BENCH_CREDENTIALS }) };
}

/** Stores `count` connections of `userId`, all on `endpoint`. */
export async function seedConnections(container: DependencyContainer, userId: string, endpoint: ManagementEndpointProps, count: number): Promise<void> {
  const repository = container.resolve<ConnectionRepository>(CONNECTION_REPOSITORY);
  const now = Date.now();
  for (let i = 0; i < count; i += 1) {
    await repository.save({ connectionId: `${userId}-${i}`, userId, endpoint, connectedAt: now, expiresAt: Math.floor(now / 1000) + 7_200 });
  }
}
