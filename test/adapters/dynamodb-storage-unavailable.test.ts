import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbDocumentClient } from '../../src/adapters/dynamodb/dynamodb.client.js';
import { DynamoDbConnectionRepository } from '../../src/adapters/dynamodb/dynamodb-connection.repository.js';
import { DynamoDbEndpointRegistry } from '../../src/adapters/dynamodb/dynamodb-endpoint.registry.js';
import { StorageUnavailableError } from '../../src/domain/errors/domain.error.js';
import { aConnection } from '../support/sample-connections.js';
import type { Connection } from '../../src/domain/model/connection.js';
import { TEST_CREDENTIALS, TEST_REGION, freshTableName, localClientOptions } from '../support/dynamodb-local.js';
import { refusedPort, startBlackHole } from '../support/loopback-sinks.js';

const connection: Connection = aConnection({ connectionId: 'down1=', userId: 'user-1' });

async function expectStorageUnavailable(call: Promise<unknown>): Promise<StorageUnavailableError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StorageUnavailableError);
  const storageError = error as StorageUnavailableError;
  expect(storageError.code).toBe('STORAGE_UNAVAILABLE');
  expect(storageError.cause).toBeInstanceOf(Error);
  return storageError;
}

function describeUnavailable(label: string, makeClient: () => Promise<{ client: DynamoDBDocumentClient; tableName: string }>) {
  describe(label, () => {
    let client: DynamoDBDocumentClient;
    let repository: DynamoDbConnectionRepository;
    let registry: DynamoDbEndpointRegistry;

    beforeAll(async () => {
      const made = await makeClient();
      client = made.client;
      repository = new DynamoDbConnectionRepository(client, made.tableName);
      registry = new DynamoDbEndpointRegistry(client, made.tableName);
    });

    afterAll(() => client.destroy());

    it('should reject ping with StorageUnavailableError', async () => {
      await expectStorageUnavailable(repository.ping());
    });

    it('should reject every connection repository call with StorageUnavailableError', async () => {
      await expectStorageUnavailable(repository.save(connection));
      await expectStorageUnavailable(repository.findByUser('user-1'));
      await expectStorageUnavailable(repository.findById('down1='));
      await expectStorageUnavailable(repository.remove('down1='));
    });

    it('should reject every endpoint registry call with StorageUnavailableError', async () => {
      await expectStorageUnavailable(registry.register(connection.endpoint));
      await expectStorageUnavailable(registry.find('abc123', 'dev'));
      await expectStorageUnavailable(registry.list());
    });
  });
}

describeUnavailable('DynamoDB adapters when nothing listens on the endpoint', async () => ({
  client: createDynamoDbDocumentClient({
    region: TEST_REGION,
    endpoint: `http://127.0.0.1:${await refusedPort()}`,
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
    connectionTimeoutMs: 500,
    requestTimeoutMs: 1_000,
  }),
  tableName: 'socketpost-unreachable',
}));

describe('DynamoDB adapters when the endpoint accepts connections and never answers', () => {
  it('should fail a call whose answer stalls past requestTimeoutMs with StorageUnavailableError, not hang', async () => {
    const blackHole = await startBlackHole();
    const client = createDynamoDbDocumentClient({
      region: TEST_REGION,
      endpoint: blackHole.url,
      credentials: TEST_CREDENTIALS,
      maxAttempts: 1,
      requestTimeoutMs: 300,
    });
    try {
      const error = await expectStorageUnavailable(new DynamoDbConnectionRepository(client, 'socketpost-black-hole').findById('x'));
      expect((error.cause as Error).name).toBe('TimeoutError');
    } finally {
      client.destroy();
      await blackHole.close();
    }
  });
});

describeUnavailable('DynamoDB adapters when the table does not exist', async () => ({
  client: createDynamoDbDocumentClient(localClientOptions({ maxAttempts: 1 })),
  tableName: freshTableName('missing'),
}));

describe('StorageUnavailableError from a missing table', () => {
  it('should name the failed call and keep the SDK error as cause', async () => {
    const client = createDynamoDbDocumentClient(localClientOptions({ maxAttempts: 1 }));
    try {
      const repository = new DynamoDbConnectionRepository(client, freshTableName('missing'));
      const error = await expectStorageUnavailable(repository.findById('x'));
      expect(error.message).toContain('findById');
      expect((error.cause as Error).name).toBe('ResourceNotFoundException');
    } finally {
      client.destroy();
    }
  });
});
