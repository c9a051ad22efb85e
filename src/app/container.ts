import { container as rootContainer, instanceCachingFactory, type DependencyContainer } from 'tsyringe';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CheckReadinessUseCase } from '../domain/use-cases/check-readiness.use-case.js';
import { ListConnectionsUseCase } from '../domain/use-cases/list-connections.use-case.js';
import { NotifyUserUseCase } from '../domain/use-cases/notify-user.use-case.js';
import { ConnectionSender } from '../domain/services/connection-sender.js';
import { RecordConnectionUseCase } from '../domain/use-cases/record-connection.use-case.js';
import { RegisterEndpointUseCase } from '../domain/use-cases/register-endpoint.use-case.js';
import { RemoveConnectionUseCase } from '../domain/use-cases/remove-connection.use-case.js';
import { AnswerClientMessageUseCase } from '../domain/use-cases/answer-client-message.use-case.js';
import { ResumeMessagesUseCase } from '../domain/use-cases/resume-messages.use-case.js';
import { ApiGatewayConnectionMessenger } from '../adapters/api-gateway/api-gateway-connection.messenger.js';
import { PacedConnectionMessenger } from '../adapters/api-gateway/paced-connection.messenger.js';
import { SignedHttpConnectionMessenger } from '../adapters/api-gateway/signed-http-connection.messenger.js';
import { createDynamoDbDocumentClient } from '../adapters/dynamodb/dynamodb.client.js';
import { DynamoDbConnectionRepository } from '../adapters/dynamodb/dynamodb-connection.repository.js';
import { DynamoDbEndpointRegistry } from '../adapters/dynamodb/dynamodb-endpoint.registry.js';
import { createPinoLogger } from '../adapters/logging/pino.logger.js';
import { InMemoryConnectionRepository } from '../adapters/memory/in-memory-connection.repository.js';
import { InMemoryEndpointRegistry } from '../adapters/memory/in-memory-endpoint.registry.js';
import { SystemClock } from '../adapters/system/system.clock.js';
import { CLOCK, type Clock } from '../ports/clock.js';
import { CONNECTION_MESSENGER, type ConnectionMessenger } from '../ports/connection.messenger.js';
import { CONNECTION_REPOSITORY, type ConnectionRepository } from '../ports/connection.repository.js';
import { ENDPOINT_REGISTRY, type EndpointRegistry } from '../ports/endpoint.registry.js';
import { GROUP_REPOSITORY } from '../ports/group.repository.js';
import { SocketGroupUseCase } from '../domain/use-cases/socket-group.use-case.js';
import { LOGGER, type Logger } from '../ports/logger.js';
import { METRICS, type Metrics } from '../ports/metrics.js';
import { EmfMetrics } from '../adapters/observability/emf.metrics.js';
import { InstrumentedConnectionMessenger } from '../adapters/observability/instrumented-connection.messenger.js';
import { NO_METRICS, teeMetrics } from '../adapters/observability/metric-catalogue.js';
import { PrometheusMetrics } from '../adapters/observability/prometheus.metrics.js';
import type { CoreConfig, ServerConfig } from './config.js';
import { MESSAGE_LOG, type MessageLog } from '../ports/message.log.js';
import { registerMessageLog } from './recovery.container.js';
import { withStorageMetrics } from './storage-metrics.js';
import { registerParity, type ParityOverrides } from './parity.container.js';
import { CORE_CONFIG, DYNAMODB_DOCUMENT_CLIENT, EMF_METRICS, PROMETHEUS_METRICS } from './tokens.js';

/** Adapters a caller may supply instead of the configured ones (tests, the local stack). */
export interface ContainerOverrides extends ParityOverrides {
  connectionRepository?: ConnectionRepository;
  endpointRegistry?: EndpointRegistry;
  messenger?: ConnectionMessenger;
  clock?: Clock;
  logger?: Logger;
  /** Jitter source for retries. */
  random?: () => number;
  messageLog?: MessageLog;
  /** Static AWS credentials for the SDK clients (the local stack); the default provider chain otherwise. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Where metrics are recorded instead of the configured adapters. */
  metrics?: Metrics;
}

/**
 * The composition root: every registration is a factory or a value, so the domain needs no decorators.
 * Singletons are built on first resolve and reused (one SDK client per process).
 */
export function createContainer(
  config: CoreConfig & Pick<Partial<ServerConfig>, 'metricsEmfIntervalSeconds'>,
  overrides: ContainerOverrides = {},
): DependencyContainer {
  const c = rootContainer.createChildContainer();
  /** A singleton: the override when one is given, else built by `factory` on first resolve. */
  const once = <T>(factory: (d: DependencyContainer) => T, override?: T) => ({
    useFactory: instanceCachingFactory<T>((d) => override ?? factory(d)),
  });

  c.register(CORE_CONFIG, { useValue: config });
  c.register<Logger>(LOGGER, once(() => createPinoLogger({ level: config.logLevel }), overrides.logger));
  c.register<Clock>(CLOCK, { useValue: overrides.clock ?? new SystemClock() });
  c.register<DynamoDBDocumentClient>(
    DYNAMODB_DOCUMENT_CLIENT,
    once(() =>
      createDynamoDbDocumentClient({
        region: config.tableRegion,
        ...(config.dynamoDbEndpoint ? { endpoint: config.dynamoDbEndpoint } : {}),
        ...(overrides.credentials ? { credentials: overrides.credentials } : {}),
      }),
    ),
  );

  // METRICS=on: Prometheus (GET /metrics), plus EMF lines when METRICS_EMF_INTERVAL_SECONDS is set; adapters the
  // container builds are decorated to record posts and storage errors.
  const metricsOn = config.metrics !== 'off';
  c.register(PROMETHEUS_METRICS, once(() => new PrometheusMetrics()));
  c.register(EMF_METRICS, once(() => new EmfMetrics({ namespace: config.metricsNamespace ?? 'socketpost' })));
  c.register<Metrics>(
    METRICS,
    once((d) => {
      if (!metricsOn) return NO_METRICS;
      const prometheus = d.resolve<PrometheusMetrics>(PROMETHEUS_METRICS);
      return (config.metricsEmfIntervalSeconds ?? 0) > 0 ? teeMetrics(prometheus, d.resolve<EmfMetrics>(EMF_METRICS)) : prometheus;
    }, overrides.metrics),
  );
  const instrumented = <T extends object>(store: T, name: string, d: DependencyContainer): T => withStorageMetrics(store, name, config, () => d.resolve<Metrics>(METRICS));

  const memory = config.storage === 'memory';
  c.register<ConnectionRepository>(
    CONNECTION_REPOSITORY,
    once(
      (d) =>
        instrumented(
          memory ? new InMemoryConnectionRepository() : new DynamoDbConnectionRepository(d.resolve(DYNAMODB_DOCUMENT_CLIENT), config.tableName),
          'connections',
          d,
        ),
      overrides.connectionRepository,
    ),
  );
  c.register<EndpointRegistry>(
    ENDPOINT_REGISTRY,
    once(
      (d) =>
        instrumented(
          memory ? new InMemoryEndpointRegistry() : new DynamoDbEndpointRegistry(d.resolve(DYNAMODB_DOCUMENT_CLIENT), config.tableName),
          'endpoints',
          d,
        ),
      overrides.endpointRegistry,
    ),
  );
  c.register<ConnectionMessenger>(
    CONNECTION_MESSENGER,
    once((d) => {
      // MESSENGER: signed HTTP over undici by default; the SDK client stays as the reference. Either is paced
      // per endpoint, so that API Gateway's 429s slow a fan-out down instead of multiplying its retries.
      const options = overrides.credentials ? { credentials: overrides.credentials } : {};
      const adapter = config.messenger === 'sdk' ? new ApiGatewayConnectionMessenger(options) : new SignedHttpConnectionMessenger(options);
      const paced = new PacedConnectionMessenger(adapter);
      return metricsOn ? new InstrumentedConnectionMessenger(paced, d.resolve<Metrics>(METRICS)) : paced;
    }, overrides.messenger),
  );

  c.register(RegisterEndpointUseCase, once((d) => new RegisterEndpointUseCase(d.resolve(ENDPOINT_REGISTRY), config.region)));
  registerMessageLog(c, config, overrides.messageLog);
  c.register(
    RecordConnectionUseCase,
    once(
      (d) =>
        new RecordConnectionUseCase(
          d.resolve(CONNECTION_REPOSITORY),
          d.resolve(RegisterEndpointUseCase),
          d.resolve(CLOCK),
          { ttlGraceSeconds: config.connectionTtlGraceSeconds, recoveryWindowSeconds: config.recoveryWindowSeconds },
          d.resolve<MessageLog>(MESSAGE_LOG),
        ),
    ),
  );
  registerParity(c, config, overrides);
  c.register(RemoveConnectionUseCase, once((d) => new RemoveConnectionUseCase(d.resolve(CONNECTION_REPOSITORY), d.resolve(GROUP_REPOSITORY))));
  c.register(ListConnectionsUseCase, once((d) => new ListConnectionsUseCase(d.resolve(CONNECTION_REPOSITORY), d.resolve(CLOCK))));
  c.register(CheckReadinessUseCase, once((d) => new CheckReadinessUseCase(d.resolve(CONNECTION_REPOSITORY))));
  c.register(
    AnswerClientMessageUseCase,
    once(
      (d) =>
        new AnswerClientMessageUseCase(d.resolve(CONNECTION_MESSENGER), config.region, d.resolve(SocketGroupUseCase), d.resolve(ResumeMessagesUseCase)),
    ),
  );
  c.register(
    NotifyUserUseCase,
    once(
      (d) =>
        new NotifyUserUseCase(
          d.resolve(CONNECTION_REPOSITORY),
          d.resolve(CONNECTION_MESSENGER),
          d.resolve(CLOCK),
          d.resolve(LOGGER),
          { concurrency: config.notifyConcurrency },
          // The one send path every send shares (registered with the parity use cases).
          d.resolve(ConnectionSender),
        ),
    ),
  );
  return c;
}
