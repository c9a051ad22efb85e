import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  GetItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoDbConnectionRepository } from '../../src/adapters/dynamodb/dynamodb-connection.repository.js';
import { TTL_ATTRIBUTE, ensureTable } from '../../src/adapters/dynamodb/dynamodb-table.js';
import { aConnection as sample } from '../support/sample-connections.js';
import type { Connection } from '../../src/domain/model/connection.js';
import { describeConnectionRepositoryContract } from '../contract/connection-repository.contract.js';
import { useTestTable } from '../support/dynamodb-local.js';

const table = useTestTable('connections');
/** Recent, so that DynamoDB Local's TTL does not remove the items while the test reads them. */
const CONNECTED_AT = Date.now();

// A small page size makes findByUser follow LastEvaluatedKey in the contract's "more than 100" test.
describeConnectionRepositoryContract(
  'DynamoDbConnectionRepository',
  () => new DynamoDbConnectionRepository(table().documentClient, table().tableName, { queryPageSize: 25 }),
);

function aConnection(connectionId: string, userId: string): Connection {
  return sample({ connectionId, userId, connectedAt: CONNECTED_AT, expiresAt: Math.ceil(CONNECTED_AT / 1000) + 7_500, userAgent: 'curl/8.5.0' });
}

async function keysOfPartition(pk: string): Promise<string[]> {
  const { Items = [] } = await table().client.send(
    new QueryCommand({
      TableName: table().tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: pk } },
    }),
  );
  return Items.map((item) => `${item.pk?.S} | ${item.sk?.S}`);
}

describe('DynamoDbConnectionRepository single-table layout', () => {
  it('should store a connection under its user and under its id, with expiresAt as epoch seconds', async () => {
    const repository = new DynamoDbConnectionRepository(table().documentClient, table().tableName);
    await repository.save(aConnection('layoutA=', 'layout-user'));

    expect(await keysOfPartition('USER#layout-user')).toEqual(['USER#layout-user | CONN#layoutA=']);
    const { Item } = await table().client.send(
      new GetItemCommand({ TableName: table().tableName, Key: { pk: { S: 'CONN#layoutA=' }, sk: { S: 'CONN#layoutA=' } } }),
    );
    expect(Item?.[TTL_ATTRIBUTE]).toEqual({ N: String(Math.ceil(CONNECTED_AT / 1000) + 7_500) });
    expect(Item?.endpoint?.M?.url).toEqual({ S: 'https://abc123.execute-api.eu-west-1.amazonaws.com/dev' });
    expect(Item).not.toHaveProperty('sourceIp');
  });

  it('should leave no item behind once a moved connection is removed', async () => {
    const repository = new DynamoDbConnectionRepository(table().documentClient, table().tableName);
    await repository.save(aConnection('movedB=', 'first-owner'));
    await repository.save(aConnection('movedB=', 'second-owner'));
    await repository.remove('movedB=');

    expect(await keysOfPartition('USER#first-owner')).toEqual([]);
    expect(await keysOfPartition('USER#second-owner')).toEqual([]);
    expect(await keysOfPartition('CONN#movedB=')).toEqual([]);
  });
});

describe('ensureTable', () => {
  it('should create the table on demand with pk/sk string keys and TTL on expiresAt', async () => {
    const { client, tableName } = table();
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const { TimeToLiveDescription } = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));

    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });
  });

  it('should leave an existing table and its items alone when called again', async () => {
    const repository = new DynamoDbConnectionRepository(table().documentClient, table().tableName);
    await repository.save(aConnection('keptC=', 'kept-user'));

    await ensureTable(table().client, table().tableName);

    expect(await repository.findById('keptC=')).toEqual(aConnection('keptC=', 'kept-user'));
  });
});
