import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { Agent as HttpAgent, type ClientRequestArgs } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
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
  /** Milliseconds a TCP connection may take to open, counted from the connect itself (default 3,000). */
  connectionTimeoutMs?: number;
  /** Milliseconds a request may wait without a byte of its answer, once it has a socket (default 5,000). */
  requestTimeoutMs?: number;
}

/** Sockets per client to the DynamoDB endpoint: under the 50 connects DynamoDB Local's accept queue holds. */
export const MAX_SOCKETS = 48;

/** Destroys a socket that has not connected `timeoutMs` after its connect began (a request queued for a socket waits freely). */
function limitConnectTime(socket: Duplex | null | undefined, timeoutMs: number): void {
  if (!(socket instanceof Socket) || !socket.connecting) return;
  const timer = setTimeout(() => {
    socket.destroy(Object.assign(new Error(`connect timed out after ${timeoutMs} ms`), { name: 'TimeoutError', code: 'ETIMEDOUT' }));
  }, timeoutMs);
  timer.unref();
  const clear = () => clearTimeout(timer);
  socket.once('connect', clear);
  socket.once('close', clear);
}

/**
 * The keep-alive agents of a DynamoDB client (http for DynamoDB Local, https for AWS): at most MAX_SOCKETS sockets
 * each, and a connect timeout of their own, counted from each connect.
 */
export function createStorageAgents(connectTimeoutMs: number): { httpAgent: HttpAgent; httpsAgent: HttpsAgent } {
  const withConnectTimeout = <A extends HttpAgent>(agent: A): A => {
    const create = agent.createConnection.bind(agent);
    agent.createConnection = (options: ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void) => {
      const socket = create(options, callback);
      limitConnectTime(socket, connectTimeoutMs);
      return socket;
    };
    return agent;
  };
  const options = { keepAlive: true, maxSockets: MAX_SOCKETS };
  return { httpAgent: withConnectTimeout(new HttpAgent(options)), httpsAgent: withConnectTimeout(new HttpsAgent(options)) };
}

/** A low-level client: for table administration (`ensureTable`) and the document client below. */
export function createDynamoDbClient(opts: DynamoDbClientOptions): DynamoDBClient {
  return new DynamoDBClient({
    region: opts.region,
    endpoint: opts.endpoint,
    credentials: opts.credentials,
    maxAttempts: opts.maxAttempts,
    // Without explicit timeouts a black-holed endpoint hangs a request until the OS gives up. The handler's own
    // `connectionTimeout` counts the time a request waits for a free socket too, and its `requestTimeout` only logs
    // a warning in this version: a burst of requests (2,000 $disconnect at once in the local stack) either opened
    // hundreds of connects at once, more than DynamoDB Local's accept queue holds (Java's default backlog, 50),
    // or, with fewer sockets, failed the requests that waited their turn for over 3 s; their records stayed.
    // So: at most MAX_SOCKETS keep-alive sockets, a connect timeout counted from each connect (createStorageAgents),
    // and the socket timeout for an answer that stalls once the request is sent.
    requestHandler: new NodeHttpHandler({
      ...createStorageAgents(opts.connectionTimeoutMs ?? 3_000),
      socketTimeout: opts.requestTimeoutMs ?? 5_000,
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
