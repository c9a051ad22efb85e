import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { StorageUnavailableError } from '../../domain/errors/domain.error.js';
import type { LoggedMessage, MessageLog, MessageLogPage } from '../../ports/message.log.js';
import { storageCall } from './dynamodb.client.js';
import { MESSAGE_LOG_PREFIX, TTL_ATTRIBUTE, type TableKey } from './dynamodb-table.js';

const COUNTER_SK = 'SEQ';
const MESSAGE_SK_PREFIX = 'MSG#';
/** Sequence numbers are written with 15 digits so that sort keys order like numbers. */
const SEQ_DIGITS = 15;
const LAST_SEQ = 10 ** SEQ_DIGITS - 1;

const counterKey = (userId: string): TableKey => ({ pk: `${MESSAGE_LOG_PREFIX}${userId}`, sk: COUNTER_SK });
const messageSk = (seq: number): string => `${MESSAGE_SK_PREFIX}${String(seq).padStart(SEQ_DIGITS, '0')}`;

export interface DynamoDbMessageLogOptions {
  /** Attempts of an append that lost the race for the next number to another append of the same user. */
  maxAppendAttempts?: number;
}

/**
 * A user's log is one partition: a counter item (`SEQ`) and one item per message (`MSG#…`, removed by the
 * table's TTL). An append reads the counter, then writes the counter + 1 (on condition it is unchanged) and
 * the message in one transaction: two concurrent appends cannot take one number, no number is skipped, and a
 * number is never visible without its message. The loser of a race reads again and retries.
 */
export class DynamoDbMessageLog implements MessageLog {
  private readonly maxAppendAttempts: number;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: DynamoDbMessageLogOptions = {},
  ) {
    this.maxAppendAttempts = options.maxAppendAttempts ?? 25;
  }

  append(userId: string, message: { data: Uint8Array; json: boolean }, options: { nowMs: number; expiresAtMs: number }): Promise<number> {
    return storageCall('appendMessage', async () => {
      for (let attempt = 1; attempt <= this.maxAppendAttempts; attempt += 1) {
        const current = await this.latestSeq(userId);
        const next = current + 1;
        try {
          await this.client.send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Update: {
                    TableName: this.tableName,
                    Key: counterKey(userId),
                    UpdateExpression: 'SET seq = :next',
                    ConditionExpression: current === 0 ? 'attribute_not_exists(seq)' : 'seq = :current',
                    ExpressionAttributeValues: { ':next': next, ...(current === 0 ? {} : { ':current': current }) },
                  },
                },
                {
                  Put: {
                    TableName: this.tableName,
                    Item: {
                      pk: `${MESSAGE_LOG_PREFIX}${userId}`,
                      sk: messageSk(next),
                      seq: next,
                      data: message.data,
                      json: message.json,
                      [TTL_ATTRIBUTE]: Math.ceil(options.expiresAtMs / 1000),
                    },
                  },
                },
              ],
            }),
          );
          return next;
        } catch (error) {
          if (!isLostRace(error)) throw error;
          // Spread the retries of appends racing for the same user.
          await sleep(Math.floor(Math.random() * 5 * Math.min(attempt, 10)));
        }
      }
      throw new StorageUnavailableError(
        `DynamoDB append to the message log of ${userId} kept conflicting with concurrent appends (${this.maxAppendAttempts} attempts)`,
      );
    });
  }

  readAfter(userId: string, since: number, options: { nowMs: number; limit: number }): Promise<MessageLogPage> {
    return storageCall('readMessages', async () => {
      const latestSeq = await this.latestSeq(userId);
      if (since >= latestSeq) return { messages: [], latestSeq };
      const { Items = [] } = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :first AND :last',
          ExpressionAttributeValues: { ':pk': `${MESSAGE_LOG_PREFIX}${userId}`, ':first': messageSk(since + 1), ':last': messageSk(LAST_SEQ) },
          ConsistentRead: true,
          Limit: options.limit,
        }),
      );
      // TTL deletion lags: an expired item may still be there.
      const nowS = options.nowMs / 1000;
      const messages: LoggedMessage[] = Items.filter((item) => Number(item[TTL_ATTRIBUTE]) > nowS).map((item) => ({
        seq: Number(item.seq),
        data: new Uint8Array(item.data as Uint8Array),
        json: item.json === true,
      }));
      return { messages, latestSeq };
    });
  }

  markRecovering(userId: string, untilMs: number): Promise<void> {
    return storageCall('markRecovering', async () => {
      try {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: counterKey(userId),
            UpdateExpression: 'SET recoveringUntil = :until',
            ConditionExpression: 'attribute_not_exists(recoveringUntil) OR recoveringUntil < :until',
            ExpressionAttributeValues: { ':until': untilMs },
          }),
        );
      } catch (error) {
        // An earlier mark already lasts longer.
        if (!(error instanceof Error) || error.name !== 'ConditionalCheckFailedException') throw error;
      }
    });
  }

  isRecovering(userId: string, nowMs: number): Promise<boolean> {
    return storageCall('isRecovering', async () => {
      const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: counterKey(userId) }));
      return Number(Item?.recoveringUntil ?? 0) > nowMs;
    });
  }

  private async latestSeq(userId: string): Promise<number> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: counterKey(userId), ConsistentRead: true }));
    return Number(Item?.seq ?? 0);
  }
}

function isLostRace(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'TransactionConflictException') return true;
  if (error.name !== 'TransactionCanceledException') return false;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.every((reason) => ['None', 'ConditionalCheckFailed', 'TransactionConflict'].includes(reason.Code ?? 'None'));
}
