import { createDynamoDbDocumentClient } from '../../adapters/dynamodb/dynamodb.client.js';
import { DynamoDbConnectionRepository } from '../../adapters/dynamodb/dynamodb-connection.repository.js';
import { DynamoDbEndpointRegistry } from '../../adapters/dynamodb/dynamodb-endpoint.registry.js';
import { DynamoDbMessageLog } from '../../adapters/dynamodb/dynamodb-message.log.js';
import { InMemoryMessageLog } from '../../adapters/memory/in-memory-message.log.js';
import type { MessageLog } from '../../ports/message.log.js';
import { InMemoryConnectionRepository } from '../../adapters/memory/in-memory-connection.repository.js';
import { InMemoryEndpointRegistry } from '../../adapters/memory/in-memory-endpoint.registry.js';
import type { ConnectionRepository } from '../../ports/connection.repository.js';
import type { EndpointRegistry } from '../../ports/endpoint.registry.js';
import { lambdaConfig } from './lambda-environment.js';

/** Storage of the handlers that keep connections (connect, disconnect): one DynamoDB client per environment. */
let repository: ConnectionRepository | undefined;
let registry: EndpointRegistry | undefined;
let messageLog: MessageLog | undefined;
let documentClient: ReturnType<typeof createDynamoDbDocumentClient> | undefined;

function dynamoDb() {
  const config = lambdaConfig();
  return (documentClient ??= createDynamoDbDocumentClient({
    region: config.tableRegion,
    ...(config.dynamoDbEndpoint ? { endpoint: config.dynamoDbEndpoint } : {}),
  }));
}

export function lambdaConnectionRepository(): ConnectionRepository {
  const config = lambdaConfig();
  return (repository ??= config.storage === 'memory' ? new InMemoryConnectionRepository() : new DynamoDbConnectionRepository(dynamoDb(), config.tableName));
}

export function lambdaEndpointRegistry(): EndpointRegistry {
  const config = lambdaConfig();
  return (registry ??= config.storage === 'memory' ? new InMemoryEndpointRegistry() : new DynamoDbEndpointRegistry(dynamoDb(), config.tableName));
}

/** The message log (message recovery) of `$connect` (marks recovering users) and `$default` (resume). */
export function lambdaMessageLog(): MessageLog {
  const config = lambdaConfig();
  return (messageLog ??= config.storage === 'memory' ? new InMemoryMessageLog() : new DynamoDbMessageLog(dynamoDb(), config.tableName));
}
