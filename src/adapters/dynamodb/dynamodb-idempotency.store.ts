import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { IdempotencyClaim, IdempotencyCompletion, IdempotencyStore } from '../../ports/idempotency.store.js';
import { packAnswer, unpackAnswer } from '../system/stored-answer.js';
import { storageCall } from './dynamodb.client.js';
import { IDEMPOTENCY_PREFIX, TTL_ATTRIBUTE, type TableKey } from './dynamodb-table.js';

const keyOf = (key: string): TableKey => ({ pk: `${IDEMPOTENCY_PREFIX}${key}`, sk: `${IDEMPOTENCY_PREFIX}${key}` });

/**
 * One item per key, claimed with a conditional Put (only one of two concurrent requests wins), removed by
 * the table's TTL a day after its request. The answer is stored gzip-compressed (a Binary attribute), so that
 * reports of several MB fit the 400 KB item; a larger one is refused (`too_large`) and summarized by the caller.
 */
export class DynamoDbIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  claim(key: string, fingerprint: string, options: { nowMs: number; lockedUntilMs: number; expiresAtMs: number }): Promise<IdempotencyClaim> {
    return storageCall('claimIdempotencyKey', async () => {
      // Twice at most: the item may expire (or be released) between the failed Put and the read.
      for (let attempt = 0; attempt < 2; attempt += 1) {
        try {
          await this.client.send(
            new PutCommand({
              TableName: this.tableName,
              Item: {
                ...keyOf(key),
                fingerprint,
                state: 'in_progress',
                lockedUntil: options.lockedUntilMs,
                [TTL_ATTRIBUTE]: Math.ceil(options.expiresAtMs / 1000),
              },
              // Free, expired (TTL deletion lags), or held by a request that died.
              ConditionExpression: 'attribute_not_exists(pk) OR #ttl < :nowS OR (#state = :busy AND lockedUntil < :nowMs)',
              ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE, '#state': 'state' },
              ExpressionAttributeValues: { ':nowS': Math.floor(options.nowMs / 1000), ':nowMs': options.nowMs, ':busy': 'in_progress' },
            }),
          );
          return { status: 'claimed' };
        } catch (error) {
          if (!(error instanceof Error) || error.name !== 'ConditionalCheckFailedException') throw error;
        }
        const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: keyOf(key), ConsistentRead: true }));
        if (!Item) continue;
        const held = String(Item.fingerprint);
        if (Item.state === 'done') {
          // Answers are stored compressed (`answer`); items written before that kept the plain `response`.
          const response = Item.answer instanceof Uint8Array ? unpackAnswer(Item.answer) : String(Item.response);
          return { status: 'completed', fingerprint: held, response, ...(Item.summary === true ? { summary: true as const } : {}) };
        }
        return { status: 'in_progress', fingerprint: held };
      }
      return { status: 'in_progress', fingerprint };
    });
  }

  complete(key: string, response: string, options: { summary?: boolean } = {}): Promise<IdempotencyCompletion> {
    return storageCall('completeIdempotencyKey', async () => {
      const answer = packAnswer(response);
      if (!answer) return 'too_large';
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyOf(key),
          UpdateExpression: 'SET #state = :done, #answer = :answer, #summary = :summary REMOVE lockedUntil, #response',
          ExpressionAttributeNames: { '#state': 'state', '#answer': 'answer', '#summary': 'summary', '#response': 'response' },
          ExpressionAttributeValues: { ':done': 'done', ':answer': answer, ':summary': options.summary === true },
        }),
      );
      return 'stored';
    });
  }

  release(key: string): Promise<void> {
    return storageCall('releaseIdempotencyKey', async () => {
      await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: keyOf(key) }));
    });
  }
}
