import { DeleteCommand, GetCommand, PutCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Connection } from '../../domain/model/connection.js';
import type { GroupRepository } from '../../ports/group.repository.js';
import type { Page, PageRequest } from '../../ports/page.js';
import { toConnection, toItem } from './dynamodb-connection.repository.js';
import { queryAll, storageCall } from './dynamodb.client.js';
import { queryPage } from './dynamodb-page.js';
import { CONNECTION_PREFIX, GROUP_PREFIX, USER_PREFIX, connectionIdKey, type TableKey } from './dynamodb-table.js';

const groupPartition = (group: string) => `${GROUP_PREFIX}${group}`;
const userMemberKey = (group: string, userId: string): TableKey => ({ pk: groupPartition(group), sk: `${USER_PREFIX}${userId}` });
const socketMemberKey = (group: string, connectionId: string): TableKey => ({
  pk: groupPartition(group),
  sk: `${CONNECTION_PREFIX}${connectionId}`,
});
/** Lives in the connection's own partition, beside its id item, so `$disconnect` finds every group with one Query. */
const reverseKey = (group: string, connectionId: string): TableKey => ({
  pk: connectionIdKey(connectionId).pk,
  sk: `${GROUP_PREFIX}${group}`,
});

/**
 * Groups in the single table: one partition per group holding its users and its sockets (sorted by id, so
 * pages are Queries), plus a reverse item per socket membership in the connection's partition.
 */
export class DynamoDbGroupRepository implements GroupRepository {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  addUser(group: string, userId: string): Promise<void> {
    return storageCall('addUser', async () => {
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: { ...userMemberKey(group, userId), group, userId } }));
    });
  }

  removeUser(group: string, userId: string): Promise<boolean> {
    return storageCall('removeUser', async () => {
      const out = await this.client.send(
        new DeleteCommand({ TableName: this.tableName, Key: userMemberKey(group, userId), ReturnValues: 'ALL_OLD' }),
      );
      return out.Attributes !== undefined;
    });
  }

  hasUser(group: string, userId: string): Promise<boolean> {
    return storageCall('hasUser', async () => {
      const out = await this.client.send(new GetCommand({ TableName: this.tableName, Key: userMemberKey(group, userId), ConsistentRead: true }));
      return out.Item !== undefined;
    });
  }

  listUsers(group: string, page: PageRequest): Promise<Page<string>> {
    return storageCall('listUsers', () =>
      this.members(group, USER_PREFIX, page, (item) => String(item.userId)),
    );
  }

  addConnection(group: string, connection: Connection): Promise<void> {
    return storageCall('addConnection', async () => {
      const { connectionId, expiresAt } = connection;
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.tableName, Item: { ...toItem(socketMemberKey(group, connectionId), connection), group } } },
            { Put: { TableName: this.tableName, Item: { ...reverseKey(group, connectionId), group, connectionId, expiresAt } } },
          ],
        }),
      );
    });
  }

  removeConnection(group: string, connectionId: string): Promise<boolean> {
    return storageCall('removeConnection', async () => {
      const out = await this.client.send(
        new DeleteCommand({ TableName: this.tableName, Key: reverseKey(group, connectionId), ReturnValues: 'ALL_OLD' }),
      );
      await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: socketMemberKey(group, connectionId) }));
      return out.Attributes !== undefined;
    });
  }

  listConnections(group: string, page: PageRequest): Promise<Page<Connection>> {
    return storageCall('listConnections', () => this.members(group, CONNECTION_PREFIX, page, toConnection));
  }

  removeConnectionFromAll(connectionId: string): Promise<string[]> {
    return storageCall('removeConnectionFromAll', async () => {
      const reverse = await queryAll(this.client, {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :group)',
        ExpressionAttributeValues: { ':pk': connectionIdKey(connectionId).pk, ':group': GROUP_PREFIX },
        ConsistentRead: true,
      });
      const groups = reverse.map((item) => String(item.group));
      await Promise.all(groups.map((group) => this.removeConnection(group, connectionId)));
      return groups;
    });
  }

  private members<T>(group: string, prefix: string, page: PageRequest, map: (item: Record<string, unknown>) => T): Promise<Page<T>> {
    const pk = groupPartition(group);
    return queryPage(
      this.client,
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :kind)',
        ExpressionAttributeValues: { ':pk': pk, ':kind': prefix },
        ConsistentRead: true,
      },
      page,
      { pk },
      map,
    );
  }
}
