import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Single-table design (shared with the CDK stack):
 * - connection, user view: pk `USER#{userId}`,        sk `CONN#{connectionId}`
 * - connection, id view:   pk `CONN#{connectionId}`,  sk `CONN#{connectionId}`
 * - endpoint:              pk `ENDPOINT`,             sk `{apiId}#{stage}`
 * - group member (user):   pk `GROUP#{group}`,        sk `USER#{userId}`
 * - group member (socket): pk `GROUP#{group}`,        sk `CONN#{connectionId}`  (a copy of the connection, same TTL)
 *   and its reverse:       pk `CONN#{connectionId}`,  sk `GROUP#{group}`        (so `$disconnect` finds it)
 * - idempotency key:       pk `IDEMPOTENCY#{key}`,    sk the same
 * - message log counter:   pk `MSGLOG#{userId}`,      sk `SEQ`      (last seq given, recovering-until mark; no TTL)
 * - logged message:        pk `MSGLOG#{userId}`,      sk `MSG#{seq, 15 digits}` (expires through the TTL)
 * The id view of a connection also carries `shardKey` = `BCAST#{apiId}#{stage}#{shard}` (shard = a hash of the
 * connection id modulo STAGE_SHARDS): the sparse index `broadcast` (shardKey, connectionId) lists a stage's
 * connections in STAGE_SHARDS partitions that a broadcast reads in parallel.
 * Prefixes keep the three kinds apart whatever characters user ids contain: partition keys are compared
 * whole, never by prefix.
 */
export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;
/** Epoch seconds; DynamoDB TTL deletes expired connection items (with a lag of up to days). */
export const TTL_ATTRIBUTE = 'expiresAt';

export const USER_PREFIX = 'USER#';
export const CONNECTION_PREFIX = 'CONN#';
export const ENDPOINT_PARTITION = 'ENDPOINT';
export const GROUP_PREFIX = 'GROUP#';
export const IDEMPOTENCY_PREFIX = 'IDEMPOTENCY#';
/** A user's message log (message recovery): its counter item and its messages. */
export const MESSAGE_LOG_PREFIX = 'MSGLOG#';
/** The partition keys of the `broadcast` index (`shardKey`), never of the table. */
export const BROADCAST_SHARD_PREFIX = 'BCAST#';

/** The write-sharded index a broadcast reads (projects every attribute: a broadcast needs each endpoint). */
export const BROADCAST_INDEX = { indexName: 'broadcast', partitionKey: 'shardKey', sortKey: 'connectionId' } as const;
/** Shards per API + stage: fixed, since readers must know every shard key. */
export const STAGE_SHARDS = 16;

/** The shard of a connection: FNV-1a of its id, so shards fill evenly whatever the ids look like. */
export function stageShardOf(connectionId: string, shards = STAGE_SHARDS): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < connectionId.length; i += 1) {
    hash ^= connectionId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}

export function stageShardKey(apiId: string, stage: string, shard: number): string {
  return `${BROADCAST_SHARD_PREFIX}${apiId}#${stage}#${shard}`;
}

export interface TableKey {
  pk: string;
  sk: string;
}

export function userConnectionKey(userId: string, connectionId: string): TableKey {
  return { pk: `${USER_PREFIX}${userId}`, sk: `${CONNECTION_PREFIX}${connectionId}` };
}

export function connectionIdKey(connectionId: string): TableKey {
  const id = `${CONNECTION_PREFIX}${connectionId}`;
  return { pk: id, sk: id };
}

export function endpointKey(apiId: string, stage: string): TableKey {
  // apiId is [a-z0-9]+, so the first `#` always ends it.
  return { pk: ENDPOINT_PARTITION, sk: `${apiId}#${stage}` };
}

export interface EnsureTableOptions {
  /** How long to wait for the table to become ACTIVE (AWS takes seconds, DynamoDB Local none). */
  timeoutMs?: number;
}

/**
 * Creates the table if missing (on-demand, pk/sk strings, the broadcast index), waits until ACTIVE, adds the
 * broadcast index to a table made before it existed, then enables TTL on `expiresAt`.
 */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
  options: EnsureTableOptions = {},
): Promise<void> {
  if (!(await tableExists(client, tableName))) {
    try {
      await client.send(
        new CreateTableCommand({
          TableName: tableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: TABLE_KEYS.partitionKey, AttributeType: 'S' },
            { AttributeName: TABLE_KEYS.sortKey, AttributeType: 'S' },
            ...BROADCAST_INDEX_ATTRIBUTES,
          ],
          KeySchema: [
            { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
            { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
          ],
          GlobalSecondaryIndexes: [BROADCAST_INDEX_SPEC],
        }),
      );
    } catch (error) {
      // Someone else (another test file, another instance) created it first: fine.
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }
  await waitUntilActive(client, tableName, options.timeoutMs ?? 60_000);
  await ensureBroadcastIndex(client, tableName, options.timeoutMs ?? 60_000);
  await enableTtl(client, tableName);
}

const BROADCAST_INDEX_ATTRIBUTES = [
  { AttributeName: BROADCAST_INDEX.partitionKey, AttributeType: 'S' as const },
  { AttributeName: BROADCAST_INDEX.sortKey, AttributeType: 'S' as const },
];

const BROADCAST_INDEX_SPEC = {
  IndexName: BROADCAST_INDEX.indexName,
  KeySchema: [
    { AttributeName: BROADCAST_INDEX.partitionKey, KeyType: 'HASH' as const },
    { AttributeName: BROADCAST_INDEX.sortKey, KeyType: 'RANGE' as const },
  ],
  Projection: { ProjectionType: 'ALL' as const },
};

async function ensureBroadcastIndex(client: DynamoDBClient, tableName: string, timeoutMs: number): Promise<void> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  if (!Table?.GlobalSecondaryIndexes?.some((i) => i.IndexName === BROADCAST_INDEX.indexName)) {
    try {
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          AttributeDefinitions: BROADCAST_INDEX_ATTRIBUTES,
          GlobalSecondaryIndexUpdates: [{ Create: BROADCAST_INDEX_SPEC }],
        }),
      );
    } catch (error) {
      // Another process added it first.
      if (!(error instanceof ResourceInUseException) && !(error instanceof Error && /already exists/i.test(error.message))) throw error;
    }
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Table: now } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const index = now?.GlobalSecondaryIndexes?.find((i) => i.IndexName === BROADCAST_INDEX.indexName);
    if (index?.IndexStatus === 'ACTIVE' && now?.TableStatus === 'ACTIVE') return;
    if (Date.now() > deadline) throw new Error(`index ${BROADCAST_INDEX.indexName} of ${tableName} is still ${index?.IndexStatus ?? 'missing'}`);
    await sleep(250);
  }
}

async function tableExists(client: DynamoDBClient, tableName: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return true;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false;
    throw error;
  }
}

async function waitUntilActive(client: DynamoDBClient, tableName: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    if (Date.now() > deadline) {
      throw new Error(`table ${tableName} is still ${Table?.TableStatus ?? 'unknown'} after ${timeoutMs} ms`);
    }
    await sleep(250);
  }
}

async function enableTtl(client: DynamoDBClient, tableName: string): Promise<void> {
  const { TimeToLiveDescription: ttl } = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  // AWS refuses UpdateTimeToLive when TTL is already on (or being turned on).
  if (ttl?.TimeToLiveStatus === 'ENABLED' || ttl?.TimeToLiveStatus === 'ENABLING') {
    if (ttl.AttributeName === TTL_ATTRIBUTE) return;
    throw new Error(`table ${tableName} already has TTL on "${ttl.AttributeName}", expected "${TTL_ATTRIBUTE}"`);
  }
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    }),
  );
}

/** Never written: `ping()` reads it to prove the table answers. */
export const HEALTH_CHECK_KEY: TableKey = { pk: 'HEALTH', sk: 'HEALTH' };
