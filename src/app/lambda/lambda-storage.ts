import { createDynamoDbDocumentClient } from '../../adapters/dynamodb/dynamodb.client.js';
import { DynamoDbConnectionRepository } from '../../adapters/dynamodb/dynamodb-connection.repository.js';
import { DynamoDbEndpointRegistry } from '../../adapters/dynamodb/dynamodb-endpoint.registry.js';
import { DynamoDbGroupRepository } from '../../adapters/dynamodb/dynamodb-group.repository.js';
import { DynamoDbMessageLog } from '../../adapters/dynamodb/dynamodb-message.log.js';
import { InMemoryGroupRepository } from '../../adapters/memory/in-memory-group.repository.js';
import type { GroupRepository } from '../../ports/group.repository.js';
import { InMemoryMessageLog } from '../../adapters/memory/in-memory-message.log.js';
import type { MessageLog } from '../../ports/message.log.js';
import { InMemoryConnectionRepository } from '../../adapters/memory/in-memory-connection.repository.js';
import { InMemoryEndpointRegistry } from '../../adapters/memory/in-memory-endpoint.registry.js';
import type { ConnectionRepository } from '../../ports/connection.repository.js';
import type { EndpointRegistry } from '../../ports/endpoint.registry.js';
import { withStorageMetrics } from '../storage-metrics.js';
import { lambdaConfig, lambdaMetrics } from './lambda-environment.js';

/** Storage of the handlers that keep connections (connect, disconnect): one DynamoDB client per environment. */
let repository: ConnectionRepository | undefined;
let registry: EndpointRegistry | undefined;
let messageLog: MessageLog | undefined;
let groups: GroupRepository | undefined;
let documentClient: ReturnType<typeof createDynamoDbDocumentClient> | undefined;

function dynamoDb() {
  const config = lambdaConfig();
  return (documentClient ??= createDynamoDbDocumentClient({
    region: config.tableRegion,
    ...(config.dynamoDbEndpoint ? { endpoint: config.dynamoDbEndpoint } : {}),
  }));
}

/** With METRICS=on, every storage call that fails counts in `storage_errors` (DynamoDB; memory is not wrapped). */
function instrumented<T extends object>(store: T, name: string): T {
  return withStorageMetrics(store, name, lambdaConfig(), lambdaMetrics);
}

export function lambdaConnectionRepository(): ConnectionRepository {
  const config = lambdaConfig();
  return (repository ??= instrumented(
    config.storage === 'memory' ? new InMemoryConnectionRepository() : new DynamoDbConnectionRepository(dynamoDb(), config.tableName),
    'connections',
  ));
}

export function lambdaEndpointRegistry(): EndpointRegistry {
  const config = lambdaConfig();
  return (registry ??= instrumented(
    config.storage === 'memory' ? new InMemoryEndpointRegistry() : new DynamoDbEndpointRegistry(dynamoDb(), config.tableName),
    'endpoints',
  ));
}

/** The message log (message recovery) of `$connect` (marks recovering users) and `$default` (resume). */
export function lambdaMessageLog(): MessageLog {
  const config = lambdaConfig();
  return (messageLog ??= instrumented(config.storage === 'memory' ? new InMemoryMessageLog() : new DynamoDbMessageLog(dynamoDb(), config.tableName), 'messages'));
}

/** Group memberships: `$default` (a socket joins or leaves a group) and `$disconnect` (its memberships go). */
export function lambdaGroupRepository(): GroupRepository {
  const config = lambdaConfig();
  return (groups ??= instrumented(
    config.storage === 'memory' ? new InMemoryGroupRepository() : new DynamoDbGroupRepository(dynamoDb(), config.tableName),
    'groups',
  ));
}
