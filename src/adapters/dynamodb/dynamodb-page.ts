import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../../domain/errors/domain.error.js';
import type { Page, PageRequest } from '../../ports/page.js';

/** A cursor is the page's LastEvaluatedKey (string attributes only), as base64url JSON: opaque to callers. */
export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key), 'utf8').toString('base64url') : undefined;
}

/**
 * Reads a cursor back, refusing anything this query did not hand out: every attribute a string, and the
 * attributes in `expected` equal to their values (so a cursor cannot move a read to another partition).
 */
export function decodeCursor(cursor: string, expected: Record<string, string>): Record<string, string> {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  const valid =
    key !== null &&
    typeof key === 'object' &&
    !Array.isArray(key) &&
    Object.values(key).every((v) => typeof v === 'string') &&
    Object.entries(expected).every(([name, value]) => (key as Record<string, unknown>)[name] === value);
  if (!valid) throw new ValidationError('cursor', 'is not a cursor of this list; pass the `cursor` of the previous page unchanged');
  return key as Record<string, string>;
}

/** One page of a Query. DynamoDB may answer fewer items than `limit` with a cursor: callers follow it. */
export async function queryPage<T>(
  client: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey' | 'Limit'>,
  page: PageRequest,
  expected: Record<string, string>,
  map: (item: Record<string, unknown>) => T,
): Promise<Page<T>> {
  const startKey = page.cursor ? decodeCursor(page.cursor, expected) : undefined;
  const out = await client.send(new QueryCommand({ ...input, Limit: page.limit, ExclusiveStartKey: startKey }));
  const cursor = encodeCursor(out.LastEvaluatedKey);
  return { items: (out.Items ?? []).map(map), ...(cursor ? { cursor } : {}) };
}
