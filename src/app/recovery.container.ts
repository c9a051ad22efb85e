import { instanceCachingFactory, type DependencyContainer } from 'tsyringe';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbMessageLog } from '../adapters/dynamodb/dynamodb-message.log.js';
import { InMemoryMessageLog } from '../adapters/memory/in-memory-message.log.js';
import { MessageRecovery } from '../domain/services/message-recovery.js';
import { ResumeMessagesUseCase } from '../domain/use-cases/resume-messages.use-case.js';
import { CLOCK } from '../ports/clock.js';
import { CONNECTION_MESSENGER } from '../ports/connection.messenger.js';
import { CONNECTION_REPOSITORY } from '../ports/connection.repository.js';
import { MESSAGE_LOG, type MessageLog } from '../ports/message.log.js';
import { METRICS, type Metrics } from '../ports/metrics.js';
import type { CoreConfig } from './config.js';
import { DYNAMODB_DOCUMENT_CLIENT } from './tokens.js';
import { withStorageMetrics } from './storage-metrics.js';

/** Registrations of message recovery (`socketpost.v1`): the message log and the resume use case, kept apart from `container.ts`. */
export function registerMessageLog(c: DependencyContainer, config: CoreConfig, override?: MessageLog): void {
  c.register<MessageLog>(MESSAGE_LOG, {
    useFactory: instanceCachingFactory<MessageLog>(
      (d) =>
        override ??
        withStorageMetrics(
          config.storage === 'memory'
            ? new InMemoryMessageLog()
            : new DynamoDbMessageLog(d.resolve<DynamoDBDocumentClient>(DYNAMODB_DOCUMENT_CLIENT), config.tableName),
          'messages',
          config,
          () => d.resolve<Metrics>(METRICS),
        ),
    ),
  });
  c.register(ResumeMessagesUseCase, {
    useFactory: instanceCachingFactory(
      (d) =>
        new ResumeMessagesUseCase(d.resolve(CONNECTION_REPOSITORY), d.resolve(MESSAGE_LOG), d.resolve(CONNECTION_MESSENGER), d.resolve(CLOCK), {
          windowSeconds: config.recoveryWindowSeconds,
        }),
    ),
  });
}

/** What the shared send path numbers and logs messages with (the registered message log and clock). */
export function messageRecovery(d: DependencyContainer, config: CoreConfig): MessageRecovery {
  return new MessageRecovery(d.resolve<MessageLog>(MESSAGE_LOG), d.resolve(CLOCK), config.recoveryWindowSeconds);
}
