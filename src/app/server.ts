import 'reflect-metadata';
import { createPinoLogger } from '../adapters/logging/pino.logger.js';
import { ConfigError, loadServerConfig } from './config.js';
import { createContainer } from './container.js';
import { startNotifyService, type RunningNotifyService } from './notify-service.js';

/** Entry of the notify REST service (container image / `npm run start:server`). */
async function main(): Promise<void> {
  const config = loadServerConfig();
  // A long-running process: log lines are written in batches, and flushed on exit (pino.logger.ts).
  const pinoLogger = createPinoLogger({ level: config.logLevel, batched: true });
  const logger = pinoLogger.instance;
  // Signals are handled from the start: Fastify logs "listening" before startNotifyService returns, and a
  // SIGTERM in between would otherwise kill the process without a graceful shutdown.
  const starting: { service?: Promise<RunningNotifyService> } = {};
  const stop = (signal: string) => {
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    (starting.service ?? Promise.reject(new Error('not started'))).then((service) => service.close()).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));

  starting.service = startNotifyService(config, createContainer(config, { logger: pinoLogger }), logger);
  const service = await starting.service;
  logger.info({ url: service.url, storage: config.storage, table: config.tableName }, 'socketpost notify service listening');
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
