import { DynamoDbGroupRepository } from '../../src/adapters/dynamodb/dynamodb-group.repository.js';
import { DynamoDbIdempotencyStore } from '../../src/adapters/dynamodb/dynamodb-idempotency.store.js';
import { describeGroupRepositoryContract } from '../contract/group-repository.contract.js';
import { describeIdempotencyStoreContract } from '../contract/idempotency-store.contract.js';
import { useTestTable } from '../support/dynamodb-local.js';

const table = useTestTable('parity');

describeGroupRepositoryContract('DynamoDbGroupRepository', () => new DynamoDbGroupRepository(table().documentClient, table().tableName));
describeIdempotencyStoreContract('DynamoDbIdempotencyStore', () => new DynamoDbIdempotencyStore(table().documentClient, table().tableName));
