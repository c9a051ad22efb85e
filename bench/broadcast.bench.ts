import { performance } from 'node:perf_hooks';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import type { DependencyContainer } from 'tsyringe';
import { createDynamoDbClient } from '../src/adapters/dynamodb/dynamodb.client.js';
import { ensureTable } from '../src/adapters/dynamodb/dynamodb-table.js';
import { createPinoLogger } from '../src/adapters/logging/pino.logger.js';
import { loadServerConfig } from '../src/app/config.js';
import { createContainer } from '../src/app/container.js';
import { BroadcastUseCase } from '../src/domain/use-cases/broadcast.use-case.js';
import { mapWithConcurrency } from '../src/domain/shared/map-with-concurrency.js';
import { startDynamoDbLocal } from '../src/local/dynamodb-local.launcher.js';
import { CONNECTION_REPOSITORY, type ConnectionRepository } from '../src/ports/connection.repository.js';
import { ENDPOINT_REGISTRY, type EndpointRegistry } from '../src/ports/endpoint.registry.js';
import { BENCH_API_KEY, BENCH_CREDENTIALS, interleaved, median, row, type BenchRow } from './support/bench-row.js';
import type { Sink } from './support/sink.js';

export interface BroadcastBenchOptions {
  /** Connections of the stage broadcast to. */
  connections: number;
  rounds: number;
  /** Service variables (MESSENGER, NOTIFY_CONCURRENCY…). */
  env: Record<string, string | undefined>;
  /** DynamoDB Local to use; the bench starts its own when absent. */
  dynamoDbEndpoint?: string;
}

const STAGE = 'bcast';
const REGION = 'eu-west-1';

/** The service's own composition root on `storage`, posting with the configured messenger (to the sink). */
function compose(env: Record<string, string | undefined>, storage: Record<string, string>): DependencyContainer {
  const config = loadServerConfig({
    NOTIFY_API_KEYS: BENCH_API_KEY,
    AWS_REGION: REGION,
    LOG_LEVEL: 'warn',
    // What is measured is throughput: a slow moment of a shared machine must not cut a round short.
    NOTIFY_DEADLINE_MS: '300000',
    ...env,
    ...storage,
  });
  return createContainer(config, { logger: createPinoLogger({ level: config.logLevel }), credentials: BENCH_CREDENTIALS });
}

/** Records `count` connections of the sink's `bcast` stage (through the repository, so the broadcast index is written). */
async function seed(container: DependencyContainer, sink: Sink, count: number): Promise<void> {
  const endpoint = sink.endpoint(STAGE);
  await container.resolve<EndpointRegistry>(ENDPOINT_REGISTRY).register(endpoint);
  const repository = container.resolve<ConnectionRepository>(CONNECTION_REPOSITORY);
  const now = Date.now();
  const ids = Array.from({ length: count }, (_, i) => `bcast-${String(i).padStart(6, '0')}`);
  await mapWithConcurrency(ids, 8, (connectionId, i) =>
    repository.save({ connectionId, userId: `bcast-user-${i % 100}`, endpoint, connectedAt: now - 60_000, expiresAt: Math.floor(now / 1000) + 7_200 }),
  );
}

/** One broadcast to the whole stage; its throughput in connections per second. */
async function broadcastOnce(container: DependencyContainer, count: number): Promise<number> {
  const broadcast = container.resolve(BroadcastUseCase);
  const started = performance.now();
  const report = await broadcast.execute({ message: { bench: 'broadcast' }, apiId: 'bench1', stage: STAGE });
  const seconds = (performance.now() - started) / 1000;
  if (report.delivered !== count) throw new Error(`broadcast bench: ${report.delivered} of ${count} delivered (${JSON.stringify(report.failures.slice(0, 3))})`);
  return count / seconds;
}

/**
 * Broadcast throughput of one task: a broadcast reading the stage's connections from DynamoDB Local through the
 * sharded `broadcast` index (16 shards, 8 read at once, 100 per page) and posting each, signed, to the loopback
 * sink — against the same broadcast with in-memory storage, interleaved round by round. connections/s, median
 * of the warm rounds.
 */
export async function benchBroadcast(sink: Sink, options: BroadcastBenchOptions): Promise<BenchRow[]> {
  const local = options.dynamoDbEndpoint ? undefined : await startDynamoDbLocal();
  const dynamoDbEndpoint = options.dynamoDbEndpoint ?? (local?.endpoint as string);
  const tableName = `bench-broadcast-${Date.now()}`;
  const client = createDynamoDbClient({ region: REGION, endpoint: dynamoDbEndpoint, credentials: BENCH_CREDENTIALS });
  try {
    await ensureTable(client, tableName);
    const dynamo = compose(options.env, { STORAGE: 'dynamodb', DYNAMODB_ENDPOINT: dynamoDbEndpoint, TABLE_NAME: tableName });
    const memory = compose(options.env, { STORAGE: 'memory' });
    await seed(dynamo, sink, options.connections);
    await seed(memory, sink, options.connections);

    const samples = await interleaved(Math.max(1, options.rounds), {
      dynamo: () => broadcastOnce(dynamo, options.connections),
      memory: () => broadcastOnce(memory, options.connections),
    });
    return [
      row('broadcast: DynamoDB sharded index', median(samples.dynamo), 'connections/s', {
        name: 'same broadcast, in-memory storage',
        value: median(samples.memory),
      }),
    ];
  } finally {
    await client.send(new DeleteTableCommand({ TableName: tableName })).catch(() => undefined);
    client.destroy();
    await local?.stop();
  }
}
