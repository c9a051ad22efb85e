import { DynamoDbMessageLog } from '../../src/adapters/dynamodb/dynamodb-message.log.js';
import { InMemoryMessageLog } from '../../src/adapters/memory/in-memory-message.log.js';
import { describeMessageLogContract } from '../contract/message-log.contract.js';
import { useTestTable } from '../support/dynamodb-local.js';

const table = useTestTable('msglog');

describeMessageLogContract('InMemoryMessageLog', () => new InMemoryMessageLog());
describeMessageLogContract('DynamoDbMessageLog', () => new DynamoDbMessageLog(table().documentClient, table().tableName));
