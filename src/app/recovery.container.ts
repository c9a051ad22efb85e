import { instanceCachingFactory, type DependencyContainer } from 'tsyringe';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbMessageLog } from '../adapters/dynamodb/dynamodb-message.log.js';
import { InMemoryMessageLog } from '../adapters/memory/in-memory-message.log.js';
import { MESSAGE_LOG, type MessageLog } from '../ports/message.log.js';
import type { CoreConfig } from './config.js';
import { DYNAMODB_DOCUMENT_CLIENT } from './tokens.js';

/** Registrations of message recovery (`socketpost.v1`), kept apart from `container.ts`. */
export function registerMessageLog(c: DependencyContainer, config: CoreConfig, override?: MessageLog): void {
  c.register<MessageLog>(MESSAGE_LOG, {
    useFactory: instanceCachingFactory<MessageLog>(
      (d) =>
        override ??
        (config.storage === 'memory'
          ? new InMemoryMessageLog()
          : new DynamoDbMessageLog(d.resolve<DynamoDBDocumentClient>(DYNAMODB_DOCUMENT_CLIENT), config.tableName)),
    ),
  });
}
