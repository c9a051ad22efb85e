import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ManagementEndpointProps } from '../../domain/model/management-endpoint.js';
import type { EndpointRegistry } from '../../ports/endpoint.registry.js';
import { queryAll, storageCall } from './dynamodb.client.js';
import { ENDPOINT_PARTITION, endpointKey } from './dynamodb-table.js';

export interface DynamoDbEndpointRegistryOptions {
  /** Items per Query request of `list()`; small values exercise pagination in tests. */
  queryPageSize?: number;
}

/** All endpoints share one partition: there are few (one per API + stage), and `list()` is then one Query. */
export class DynamoDbEndpointRegistry implements EndpointRegistry {
  private readonly queryPageSize: number | undefined;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: DynamoDbEndpointRegistryOptions = {},
  ) {
    this.queryPageSize = options.queryPageSize;
  }

  register(endpoint: ManagementEndpointProps): Promise<void> {
    return storageCall('register', async () => {
      const { apiId, domainName, stage, url, region } = endpoint;
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...endpointKey(apiId, stage), apiId, domainName, stage, url, region },
        }),
      );
    });
  }

  find(apiId: string, stage: string): Promise<ManagementEndpointProps | undefined> {
    return storageCall('find', async () => {
      const { Item } = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: endpointKey(apiId, stage), ConsistentRead: true }),
      );
      return Item && toEndpoint(Item);
    });
  }

  list(): Promise<ManagementEndpointProps[]> {
    return storageCall('list', async () => {
      const items = await queryAll(
        this.client,
        {
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': ENDPOINT_PARTITION },
          ConsistentRead: true,
        },
        this.queryPageSize,
      );
      return items.map(toEndpoint);
    });
  }
}

function toEndpoint(item: Record<string, unknown>): ManagementEndpointProps {
  return {
    apiId: String(item.apiId),
    domainName: String(item.domainName),
    stage: String(item.stage),
    url: String(item.url),
    region: String(item.region),
  };
}
