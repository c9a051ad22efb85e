import {
  GetCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { StorageUnavailableError } from '../../domain/errors/domain.error.js';
import type { Connection } from '../../domain/model/connection.js';
import type { ConnectionRepository } from '../../ports/connection.repository.js';
import { queryAll, storageCall } from './dynamodb.client.js';
import type { Page, PageRequest } from '../../ports/page.js';
import { queryPage } from './dynamodb-page.js';
import {
  BROADCAST_INDEX,
  CONNECTION_PREFIX,
  HEALTH_CHECK_KEY,
  STAGE_SHARDS,
  USER_PREFIX,
  connectionIdKey,
  stageShardKey,
  stageShardOf,
  userConnectionKey,
  type TableKey,
} from './dynamodb-table.js';

export interface DynamoDbConnectionRepositoryOptions {
  /** Items per Query request (DynamoDB pages at 1 MB anyway); small values exercise pagination in tests. */
  queryPageSize?: number;
  /** Attempts of a save/remove whose transaction lost a race with another writer of the same connection. */
  maxTransactionAttempts?: number;
}

type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;

/**
 * Each connection is stored twice, written and deleted together in one transaction: under its user (so a
 * user's connections are one Query) and under its id (so findById/remove are one GetItem).
 */
export class DynamoDbConnectionRepository implements ConnectionRepository {
  readonly stageShards = STAGE_SHARDS;
  private readonly queryPageSize: number | undefined;
  private readonly maxTransactionAttempts: number;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: DynamoDbConnectionRepositoryOptions = {},
  ) {
    this.queryPageSize = options.queryPageSize;
    this.maxTransactionAttempts = options.maxTransactionAttempts ?? 5;
  }

  save(connection: Connection): Promise<void> {
    return storageCall('save', async () => {
      for (let attempt = 1; attempt <= this.maxTransactionAttempts; attempt += 1) {
        const previous = await this.readById(connection.connectionId);
        if (await this.tryWrite(this.saveItems(connection, previous))) return;
      }
      throw this.tooManyRaces('save', connection.connectionId);
    });
  }

  findByUser(userId: string): Promise<Connection[]> {
    return storageCall('findByUser', async () => {
      const items = await queryAll(
        this.client,
        {
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :conn)',
          ExpressionAttributeValues: { ':pk': `${USER_PREFIX}${userId}`, ':conn': CONNECTION_PREFIX },
          // A socket opened a moment ago must already get its messages.
          ConsistentRead: true,
        },
        this.queryPageSize,
      );
      return items.map(toConnection);
    });
  }

  findById(connectionId: string): Promise<Connection | undefined> {
    return storageCall('findById', () => this.readById(connectionId));
  }

  remove(connectionId: string): Promise<Connection | undefined> {
    return storageCall('remove', async () => {
      for (let attempt = 1; attempt <= this.maxTransactionAttempts; attempt += 1) {
        const found = await this.readById(connectionId);
        if (!found) return undefined;
        // If another remove or a move to another user got there first, read again and decide anew.
        if (await this.tryWrite(this.removeItems(found))) return found;
      }
      throw this.tooManyRaces('remove', connectionId);
    });
  }

  /** Reads the sparse `broadcast` index (eventually consistent: a socket opened a moment ago may be missed). */
  pageByStage(apiId: string, stage: string, shard: number, page: PageRequest): Promise<Page<Connection>> {
    return storageCall('pageByStage', () => {
      const shardKey = stageShardKey(apiId, stage, shard);
      return queryPage(
        this.client,
        {
          TableName: this.tableName,
          IndexName: BROADCAST_INDEX.indexName,
          KeyConditionExpression: '#shard = :shard',
          ExpressionAttributeNames: { '#shard': BROADCAST_INDEX.partitionKey },
          ExpressionAttributeValues: { ':shard': shardKey },
        },
        page,
        { [BROADCAST_INDEX.partitionKey]: shardKey },
        toConnection,
      );
    });
  }

  ping(): Promise<void> {
    return storageCall('ping', async () => {
      await this.client.send(new GetCommand({ TableName: this.tableName, Key: HEALTH_CHECK_KEY }));
    });
  }

  private async readById(connectionId: string): Promise<Connection | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: connectionIdKey(connectionId), ConsistentRead: true }),
    );
    return Item && toConnection(Item);
  }

  private saveItems(connection: Connection, previous: Connection | undefined): TransactItems {
    const idKey = connectionIdKey(connection.connectionId);
    const items: TransactItems = [
      { Put: { TableName: this.tableName, Item: toItem(userConnectionKey(connection.userId, connection.connectionId), connection) } },
      {
        Put: {
          TableName: this.tableName,
          Item: {
            ...toItem(idKey, connection),
            [BROADCAST_INDEX.partitionKey]: stageShardKey(
              connection.endpoint.apiId,
              connection.endpoint.stage,
              stageShardOf(connection.connectionId, STAGE_SHARDS),
            ),
          },
          // Optimistic lock: the id item must still be what we read, so the old user's item is the right one to delete.
          ...(previous
            ? { ConditionExpression: 'userId = :previousUserId', ExpressionAttributeValues: { ':previousUserId': previous.userId } }
            : { ConditionExpression: 'attribute_not_exists(pk)' }),
        },
      },
    ];
    if (previous && previous.userId !== connection.userId) {
      items.push({ Delete: { TableName: this.tableName, Key: userConnectionKey(previous.userId, previous.connectionId) } });
    }
    return items;
  }

  private removeItems(found: Connection): TransactItems {
    return [
      {
        Delete: {
          TableName: this.tableName,
          Key: connectionIdKey(found.connectionId),
          ConditionExpression: 'userId = :userId',
          ExpressionAttributeValues: { ':userId': found.userId },
        },
      },
      { Delete: { TableName: this.tableName, Key: userConnectionKey(found.userId, found.connectionId) } },
    ];
  }

  /** True when written; false when a concurrent writer changed the connection first (a lost race). */
  private async tryWrite(items: TransactItems): Promise<boolean> {
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      if (isLostRace(error)) return false;
      throw error;
    }
  }

  private tooManyRaces(action: string, connectionId: string): StorageUnavailableError {
    return new StorageUnavailableError(
      `DynamoDB ${action} of connection ${connectionId} kept conflicting with concurrent writes (${this.maxTransactionAttempts} attempts)`,
    );
  }
}

const RACE_REASONS = new Set(['None', 'ConditionalCheckFailed', 'TransactionConflict']);

function isLostRace(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'TransactionConflictException') return true;
  if (error.name !== 'TransactionCanceledException') return false;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  // Any other reason (validation, throughput, item size…) is a real failure, not a race.
  return reasons.every((reason) => RACE_REASONS.has(reason.Code ?? 'None'));
}

export function toItem(key: TableKey, connection: Connection): Record<string, unknown> {
  const { apiId, domainName, stage, url, region } = connection.endpoint;
  // Fields are picked one by one: the endpoint may be a class instance, which the marshaller refuses.
  return {
    ...key,
    connectionId: connection.connectionId,
    userId: connection.userId,
    endpoint: { apiId, domainName, stage, url, region },
    connectedAt: connection.connectedAt,
    expiresAt: connection.expiresAt,
    sourceIp: connection.sourceIp,
    userAgent: connection.userAgent,
    protocol: connection.protocol,
  };
}

export function toConnection(item: Record<string, unknown>): Connection {
  const endpoint = item.endpoint as Record<string, string>;
  const connection: Connection = {
    connectionId: String(item.connectionId),
    userId: String(item.userId),
    endpoint: {
      apiId: String(endpoint.apiId),
      domainName: String(endpoint.domainName),
      stage: String(endpoint.stage),
      url: String(endpoint.url),
      region: String(endpoint.region),
    },
    connectedAt: Number(item.connectedAt),
    expiresAt: Number(item.expiresAt),
  };
  if (typeof item.sourceIp === 'string') connection.sourceIp = item.sourceIp;
  if (typeof item.userAgent === 'string') connection.userAgent = item.userAgent;
  if (typeof item.protocol === 'string') connection.protocol = item.protocol;
  return connection;
}
