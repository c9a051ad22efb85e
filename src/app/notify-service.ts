import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { DependencyContainer } from 'tsyringe';
import { CheckReadinessUseCase } from '../domain/use-cases/check-readiness.use-case.js';
import { ListConnectionsUseCase } from '../domain/use-cases/list-connections.use-case.js';
import { NotifyUserUseCase } from '../domain/use-cases/notify-user.use-case.js';
import { StopController } from '../domain/shared/stop-signal.js';
import { buildApp } from './app.js';
import { parityUseCases } from './parity.container.js';
import type { CoreConfig, ServerConfig } from './config.js';
import { METRICS, type Metrics } from '../ports/metrics.js';
import type { EmfMetrics } from '../adapters/observability/emf.metrics.js';
import type { PrometheusMetrics } from '../adapters/observability/prometheus.metrics.js';
import { CORE_CONFIG, EMF_METRICS, PROMETHEUS_METRICS } from './tokens.js';

export interface RunningNotifyService {
  app: FastifyInstance;
  /** e.g. `http://127.0.0.1:3000` */
  url: string;
  /**
   * Stops accepting and lets in-flight requests finish. Shortly before the shutdown timeout, in-flight notifies
   * are stopped and answer with what is known (the rest `failed`, `SHUTDOWN`); at the timeout, whatever is
   * still open is cut.
   */
  close(): Promise<void>;
}

/** At most this long (and a quarter of the shutdown timeout) is kept for stopped notifies to answer. */
const SHUTDOWN_FLUSH_MS = 1_000;

/**
 * Builds the REST app on a container's use cases and listens. `extend` registers more routes before it
 * listens (the local stack adds its console there; the deployed service passes nothing).
 */
export async function startNotifyService(
  config: Pick<ServerConfig, 'host' | 'port' | 'apiKeys' | 'bodyLimitBytes' | 'shutdownTimeoutMs'> &
    Partial<Pick<ServerConfig, 'requestTimeoutMs' | 'keepAliveTimeoutMs' | 'rateLimitPerMinute' | 'metricsToken' | 'metricsEmfIntervalSeconds'>>,
  container: DependencyContainer,
  logger?: FastifyBaseLogger,
  extend?: (app: FastifyInstance) => Promise<void>,
): Promise<RunningNotifyService> {
  const shutdown = new StopController();
  const metricsOn = container.resolve<CoreConfig>(CORE_CONFIG).metrics !== 'off';
  const emfIntervalSeconds = metricsOn ? (config.metricsEmfIntervalSeconds ?? 0) : 0;
  const app = await buildApp({
    useCases: {
      notifyUser: container.resolve(NotifyUserUseCase),
      listConnections: container.resolve(ListConnectionsUseCase),
      checkReadiness: container.resolve(CheckReadinessUseCase),
      parity: parityUseCases(container),
    },
    apiKeys: config.apiKeys,
    bodyLimitBytes: config.bodyLimitBytes,
    shutdown: shutdown.signal,
    requestTimeoutMs: config.requestTimeoutMs,
    keepAliveTimeoutMs: config.keepAliveTimeoutMs,
    rateLimitPerMinute: config.rateLimitPerMinute,
    ...(logger ? { logger } : {}),
    ...(metricsOn
      ? {
          metrics: container.resolve<Metrics>(METRICS),
          metricsExposition: container.resolve<PrometheusMetrics>(PROMETHEUS_METRICS),
          ...(config.metricsToken ? { metricsToken: config.metricsToken } : {}),
        }
      : {}),
  });
  // METRICS_EMF_INTERVAL_SECONDS: the same metrics as CloudWatch EMF lines on stdout (ECS ships them to CloudWatch).
  const stopEmf = emfIntervalSeconds > 0 ? container.resolve<EmfMetrics>(EMF_METRICS).flushEvery(emfIntervalSeconds * 1_000) : () => undefined;
  app.addHook('onClose', async () => stopEmf());
  if (extend) await extend(app);
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      // Time left for stopped notifies to write their reports before the connections are cut.
      const flushMs = Math.min(SHUTDOWN_FLUSH_MS, Math.floor(config.shutdownTimeoutMs / 4));
      const stopNotifies = setTimeout(() => shutdown.stop('SHUTDOWN'), config.shutdownTimeoutMs - flushMs);
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          app.server.closeAllConnections();
          resolve();
        }, config.shutdownTimeoutMs);
      });
      await Promise.race([app.close(), deadline]);
      clearTimeout(stopNotifies);
      clearTimeout(timer);
    })());

  return { app, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, close };
}
