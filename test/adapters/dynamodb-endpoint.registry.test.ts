import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoDbEndpointRegistry } from '../../src/adapters/dynamodb/dynamodb-endpoint.registry.js';
import { describeEndpointRegistryContract } from '../contract/endpoint-registry.contract.js';
import { useTestTable } from '../support/dynamodb-local.js';

const table = useTestTable('endpoints');

// A small page size makes list() follow LastEvaluatedKey in the contract's "many endpoints" test.
describeEndpointRegistryContract(
  'DynamoDbEndpointRegistry',
  () => new DynamoDbEndpointRegistry(table().documentClient, table().tableName, { queryPageSize: 7 }),
);

describe('DynamoDbEndpointRegistry table layout', () => {
  it('should store an endpoint in the ENDPOINT partition under apiId#stage', async () => {
    const registry = new DynamoDbEndpointRegistry(table().documentClient, table().tableName);
    const endpoint = {
      apiId: 'layout1',
      domainName: 'layout1.execute-api.eu-west-1.amazonaws.com',
      stage: 'prod',
      url: 'https://layout1.execute-api.eu-west-1.amazonaws.com/prod',
      region: 'eu-west-1',
    };
    await registry.register(endpoint);

    const { Item } = await table().client.send(
      new GetItemCommand({ TableName: table().tableName, Key: { pk: { S: 'ENDPOINT' }, sk: { S: 'layout1#prod' } } }),
    );
    expect(Item?.url).toEqual({ S: endpoint.url });
    expect(Item?.region).toEqual({ S: 'eu-west-1' });
  });
});
