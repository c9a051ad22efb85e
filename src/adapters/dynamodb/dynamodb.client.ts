import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { DomainError, StorageUnavailableError } from '../../domain/errors/domain.error.js';

export interface DynamoDbClientOptions {
  region: string;
  /** DynamoDB Local or another emulator, e.g. `http://127.0.0.1:8000`; omit for AWS. */
  endpoint?: string;
  /** Omit to use the default provider chain (Lambda role, profile…). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Total attempts per call, first one included (SDK default: 3). Tests of outages use 1. */
  maxAttempts?: number;
  /** Milliseconds to open a TCP connection before giving up. */
  connectionTimeoutMs?: number;
  /** Milliseconds to wait for a response once the request is sent. */
  requestTimeoutMs?: number;
}

/** A low-level client: for table administration (`ensureTable`) and the document client below. */
export function createDynamoDbClient(opts: DynamoDbClientOptions): DynamoDBClient {
  return new DynamoDBClient({
    region: opts.region,
    endpoint: opts.endpoint,
    credentials: opts.credentials,
    maxAttempts: opts.maxAttempts,
    // Without explicit timeouts a black-holed endpoint hangs a request until the OS gives up.
    requestHandler: new NodeHttpHandler({
      connectionTimeout: opts.connectionTimeoutMs ?? 3_000,
      requestTimeout: opts.requestTimeoutMs ?? 5_000,
      // The SDK's default of 50 sockets queued a 500-connect storm in the client until requests timed out (one
      // process runs every handler locally, and the notify service queries concurrently); keep-alive sockets are cheap.
      httpAgent: { keepAlive: true, maxSockets: 512 },
    }),
  });
}

/**
 * The client the repositories take. Build it once in the composition root and share it: each client owns
 * an HTTP agent with its own keep-alive sockets.
 */
export function createDynamoDbDocumentClient(opts: DynamoDbClientOptions): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(createDynamoDbClient(opts), {
    // Optional Connection fields (sourceIp, userAgent) are simply left out of the item.
    marshallOptions: { removeUndefinedValues: true },
  });
}

/** Runs one storage call; any failure (SDK, network, timeout, missing table) becomes StorageUnavailableError. */
export async function storageCall<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    // A domain error (a bad cursor…) is the caller's, not the storage's.
    if (error instanceof DomainError) throw error;
    throw new StorageUnavailableError(`DynamoDB ${action} failed: ${describe(error)}`, { cause: error });
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** Reads every page of a Query (following LastEvaluatedKey), `pageSize` items per request at most. */
export async function queryAll(
  client: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey' | 'Limit'>,
  pageSize?: number,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new QueryCommand({ ...input, Limit: pageSize, ExclusiveStartKey: startKey }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}
