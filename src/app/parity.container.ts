import { instanceCachingFactory, type DependencyContainer } from 'tsyringe';
import { DynamoDbGroupRepository } from '../adapters/dynamodb/dynamodb-group.repository.js';
import { DynamoDbIdempotencyStore } from '../adapters/dynamodb/dynamodb-idempotency.store.js';
import { BoundedMemo } from '../adapters/observability/bounded-memo.js';
import { InMemoryGroupRepository } from '../adapters/memory/in-memory-group.repository.js';
import { InMemoryIdempotencyStore } from '../adapters/memory/in-memory-idempotency.store.js';
import { ConnectionSender } from '../domain/services/connection-sender.js';
import { BroadcastUseCase } from '../domain/use-cases/broadcast.use-case.js';
import { CloseConnectionUseCase } from '../domain/use-cases/close-connection.use-case.js';
import { CloseUserConnectionsUseCase } from '../domain/use-cases/close-user-connections.use-case.js';
import {
  AddUserToGroupUseCase,
  ListGroupConnectionsUseCase,
  ListGroupUsersUseCase,
  RemoveUserFromGroupUseCase,
} from '../domain/use-cases/group-membership.use-cases.js';
import { IsUserOnlineUseCase } from '../domain/use-cases/is-user-online.use-case.js';
import { NotifyUserUseCase } from '../domain/use-cases/notify-user.use-case.js';
import { NotifyUsersUseCase } from '../domain/use-cases/notify-users.use-case.js';
import { RunIdempotentlyUseCase } from '../domain/use-cases/run-idempotently.use-case.js';
import { SendToConnectionUseCase } from '../domain/use-cases/send-to-connection.use-case.js';
import { SendToGroupUseCase } from '../domain/use-cases/send-to-group.use-case.js';
import { SocketGroupUseCase } from '../domain/use-cases/socket-group.use-case.js';
import { CLOCK } from '../ports/clock.js';
import { CONNECTION_MESSENGER } from '../ports/connection.messenger.js';
import { CONNECTION_REPOSITORY } from '../ports/connection.repository.js';
import { ENDPOINT_REGISTRY } from '../ports/endpoint.registry.js';
import { GROUP_REPOSITORY, type GroupRepository } from '../ports/group.repository.js';
import { IDEMPOTENCY_STORE, type IdempotencyStore } from '../ports/idempotency.store.js';
import { LOGGER } from '../ports/logger.js';
import type { CoreConfig } from './config.js';
import { messageRecovery } from './recovery.container.js';
import { DYNAMODB_DOCUMENT_CLIENT } from './tokens.js';
import { METRICS, type MetricLabels, type Metrics } from '../ports/metrics.js';
import { withStorageMetrics } from './storage-metrics.js';

export interface ParityOverrides {
  groupRepository?: GroupRepository;
  idempotencyStore?: IdempotencyStore;
  random?: () => number;
}

/** Connections read per storage request by group sends and broadcasts. */
const FAN_OUT_PAGE_SIZE = 100;
/** Shards a broadcast reads at once. */
const BROADCAST_READERS = 8;

/** Counts `post_retries{stage}`, with one labels object per stage (a retry allocates none). */
function retryCounter(metrics: Metrics): (stage: string) => void {
  const labels = new BoundedMemo<MetricLabels>();
  return (stage) => metrics.count('post_retries', labels.get(stage) ?? labels.keep(stage, { stage }));
}

/**
 * Registrations of the hosted-service parity features (groups, broadcast, one connection, close, idempotent
 * sends), kept apart from `container.ts` so that each stays short.
 */
export function registerParity(c: DependencyContainer, config: CoreConfig, overrides: ParityOverrides = {}): void {
  const once = <T>(factory: (d: DependencyContainer) => T, override?: T) => ({
    useFactory: instanceCachingFactory<T>((d) => override ?? factory(d)),
  });
  const memory = config.storage === 'memory';
  const fanOut = { concurrency: config.notifyConcurrency, pageSize: FAN_OUT_PAGE_SIZE };

  c.register<GroupRepository>(
    GROUP_REPOSITORY,
    once(
      (d) =>
        withStorageMetrics(
          memory ? new InMemoryGroupRepository() : new DynamoDbGroupRepository(d.resolve(DYNAMODB_DOCUMENT_CLIENT), config.tableName),
          'groups',
          config,
          () => d.resolve<Metrics>(METRICS),
        ),
      overrides.groupRepository,
    ),
  );
  c.register<IdempotencyStore>(
    IDEMPOTENCY_STORE,
    once(
      (d) =>
        withStorageMetrics(
          memory ? new InMemoryIdempotencyStore() : new DynamoDbIdempotencyStore(d.resolve(DYNAMODB_DOCUMENT_CLIENT), config.tableName),
          'idempotency',
          config,
          () => d.resolve<Metrics>(METRICS),
        ),
      overrides.idempotencyStore,
    ),
  );
  c.register(
    ConnectionSender,
    once(
      (d) =>
        new ConnectionSender(d.resolve(CONNECTION_REPOSITORY), d.resolve(CONNECTION_MESSENGER), d.resolve(CLOCK), d.resolve(LOGGER), d.resolve(GROUP_REPOSITORY), {
          backoff: { maxAttempts: config.notifyMaxAttempts, baseDelayMs: 50, maxDelayMs: 2_000 },
          deadlineMs: config.notifyDeadlineMs,
          connectGraceMs: config.connectGraceMs,
          ...(overrides.random ? { random: overrides.random } : {}),
          ...(config.metrics === 'off' ? {} : { onRetry: retryCounter(d.resolve<Metrics>(METRICS)) }),
        }, messageRecovery(d, config)),
    ),
  );
  c.register(NotifyUsersUseCase, once((d) => new NotifyUsersUseCase(d.resolve(NotifyUserUseCase))));
  c.register(SendToConnectionUseCase, once((d) => new SendToConnectionUseCase(d.resolve(CONNECTION_REPOSITORY), d.resolve(ConnectionSender))));
  c.register(
    CloseConnectionUseCase,
    once((d) => new CloseConnectionUseCase(d.resolve(CONNECTION_REPOSITORY), d.resolve(CONNECTION_MESSENGER), d.resolve(GROUP_REPOSITORY))),
  );
  c.register(
    CloseUserConnectionsUseCase,
    once((d) => new CloseUserConnectionsUseCase(d.resolve(CONNECTION_REPOSITORY), d.resolve(CloseConnectionUseCase), config.notifyConcurrency)),
  );
  c.register(IsUserOnlineUseCase, once((d) => new IsUserOnlineUseCase(d.resolve(CONNECTION_REPOSITORY), d.resolve(CLOCK))));
  c.register(AddUserToGroupUseCase, once((d) => new AddUserToGroupUseCase(d.resolve(GROUP_REPOSITORY))));
  c.register(RemoveUserFromGroupUseCase, once((d) => new RemoveUserFromGroupUseCase(d.resolve(GROUP_REPOSITORY))));
  c.register(ListGroupUsersUseCase, once((d) => new ListGroupUsersUseCase(d.resolve(GROUP_REPOSITORY))));
  c.register(ListGroupConnectionsUseCase, once((d) => new ListGroupConnectionsUseCase(d.resolve(GROUP_REPOSITORY), d.resolve(CLOCK))));
  c.register(SocketGroupUseCase, once((d) => new SocketGroupUseCase(d.resolve(CONNECTION_REPOSITORY), d.resolve(GROUP_REPOSITORY))));
  c.register(
    SendToGroupUseCase,
    once((d) => new SendToGroupUseCase(d.resolve(GROUP_REPOSITORY), d.resolve(CONNECTION_REPOSITORY), d.resolve(ConnectionSender), d.resolve(LOGGER), fanOut)),
  );
  c.register(
    BroadcastUseCase,
    once(
      (d) =>
        new BroadcastUseCase(d.resolve(CONNECTION_REPOSITORY), d.resolve(ENDPOINT_REGISTRY), d.resolve(ConnectionSender), d.resolve(LOGGER), {
          ...fanOut,
          readers: BROADCAST_READERS,
        }),
    ),
  );
  c.register(RunIdempotentlyUseCase, once((d) => new RunIdempotentlyUseCase(d.resolve(IDEMPOTENCY_STORE), d.resolve(CLOCK))));
}

/** The use cases the parity routes need, resolved from a container that `registerParity` filled. */
export function parityUseCases(c: DependencyContainer) {
  return {
    notifyUsers: c.resolve(NotifyUsersUseCase),
    sendToConnection: c.resolve(SendToConnectionUseCase),
    closeConnection: c.resolve(CloseConnectionUseCase),
    closeUserConnections: c.resolve(CloseUserConnectionsUseCase),
    isUserOnline: c.resolve(IsUserOnlineUseCase),
    addUserToGroup: c.resolve(AddUserToGroupUseCase),
    removeUserFromGroup: c.resolve(RemoveUserFromGroupUseCase),
    listGroupUsers: c.resolve(ListGroupUsersUseCase),
    listGroupConnections: c.resolve(ListGroupConnectionsUseCase),
    sendToGroup: c.resolve(SendToGroupUseCase),
    broadcast: c.resolve(BroadcastUseCase),
    runIdempotently: c.resolve(RunIdempotentlyUseCase),
  };
}

export type ParityUseCases = ReturnType<typeof parityUseCases>;
