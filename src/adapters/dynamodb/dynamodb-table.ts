import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Single-table design (shared with the CDK stack):
 * - connection, user view: pk `USER#{userId}`,        sk `CONN#{connectionId}`
 * - connection, id view:   pk `CONN#{connectionId}`,  sk `CONN#{connectionId}`
 * - endpoint:              pk `ENDPOINT`,             sk `{apiId}#{stage}`
 * Prefixes keep the three kinds apart whatever characters user ids contain: partition keys are compared
 * whole, never by prefix.
 */
export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;
/** Epoch seconds; DynamoDB TTL deletes expired connection items (with a lag of up to days). */
export const TTL_ATTRIBUTE = 'expiresAt';

export const USER_PREFIX = 'USER#';
export const CONNECTION_PREFIX = 'CONN#';
export const ENDPOINT_PARTITION = 'ENDPOINT';

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

/** Creates the table if missing (on-demand, pk/sk strings), waits until ACTIVE, then enables TTL on `expiresAt`. */
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
          ],
          KeySchema: [
            { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
            { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
          ],
        }),
      );
    } catch (error) {
      // Someone else (another test file, another instance) created it first: fine.
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }
  await waitUntilActive(client, tableName, options.timeoutMs ?? 60_000);
  await enableTtl(client, tableName);
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
