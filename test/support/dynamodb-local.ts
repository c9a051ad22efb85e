import { DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import {
  createDynamoDbClient,
  createDynamoDbDocumentClient,
  type DynamoDbClientOptions,
} from '../../src/adapters/dynamodb/dynamodb.client.js';
import { ensureTable } from '../../src/adapters/dynamodb/dynamodb-table.js';

export const TEST_REGION = 'eu-west-1';
export const TEST_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** The endpoint of the run's DynamoDB Local (see global-setup.ts); throws the start failure if there is none. */
export function dynamoDbEndpoint(): string {
  const endpoint = inject('dynamoDbEndpoint');
  if (!endpoint) throw new Error(inject('dynamoDbStartError') ?? 'DynamoDB Local was not started by the global setup');
  return endpoint;
}

/** A table name no other suite uses, so test files can run in parallel against one DynamoDB Local. */
export function freshTableName(label = 'test'): string {
  return `socketpost-${label}-${randomUUID().slice(0, 8)}`;
}

/** Client options pointing at the run's DynamoDB Local; `overrides` for e.g. small retries. */
export function localClientOptions(overrides: Partial<DynamoDbClientOptions> = {}): DynamoDbClientOptions {
  return { region: TEST_REGION, endpoint: dynamoDbEndpoint(), credentials: TEST_CREDENTIALS, ...overrides };
}

export interface TestTable {
  tableName: string;
  client: DynamoDBClient;
  documentClient: DynamoDBDocumentClient;
}

/** Creates a fresh table (with `ensureTable`) and its clients. Drop it with `dropTestTable`. */
export async function createTestTable(label?: string): Promise<TestTable> {
  const tableName = freshTableName(label);
  const client = createDynamoDbClient(localClientOptions());
  await ensureTable(client, tableName);
  return { tableName, client, documentClient: createDynamoDbDocumentClient(localClientOptions()) };
}

export async function dropTestTable(table: TestTable): Promise<void> {
  await table.client.send(new DeleteTableCommand({ TableName: table.tableName }));
  table.client.destroy();
  table.documentClient.destroy();
}

/**
 * Registers beforeAll/afterAll hooks of the current file or describe block that create a fresh table and
 * drop it; returns an accessor valid inside tests and later hooks.
 */
export function useTestTable(label?: string): () => TestTable {
  let table: TestTable | undefined;
  beforeAll(async () => {
    table = await createTestTable(label);
  });
  afterAll(async () => {
    if (table) await dropTestTable(table);
  });
  return () => {
    if (!table) throw new Error('the test table exists only once beforeAll has run');
    return table;
  };
}
