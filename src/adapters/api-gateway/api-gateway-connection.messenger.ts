import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  PostToConnectionCommand,
  type ApiGatewayManagementApiClientConfig,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { ManagementEndpointProps } from '../../domain/model/management-endpoint.js';
import type { ConnectionMessenger, ManageConnectionResult, PostResult } from '../../ports/connection.messenger.js';

export interface ApiGatewayMessengerOptions {
  /** Static credentials or a provider; the SDK's default chain when absent. */
  credentials?: ApiGatewayManagementApiClientConfig['credentials'];
  /** Whole-request timeout in ms (default 5000). */
  requestTimeoutMs?: number;
  /** Keep-alive sockets per endpoint client (default 64). */
  maxSockets?: number;
}

/** What `GET @connections/{id}` tells about a connection. Times are epoch milliseconds. */
export interface ManagedConnectionInfo {
  connectedAt?: number;
  lastActiveAt?: number;
  sourceIp?: string;
  userAgent?: string;
}

export type { ManageConnectionResult };

const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;
const DEFAULT_MAX_SOCKETS = 64;

/**
 * Posts through the @connections API of each connection's own endpoint (URL + signing region), with one
 * SDK client per endpoint, created on first use and reused: a client per message would pay for a new TCP/TLS
 * connection and SDK setup on every post.
 */
export class ApiGatewayConnectionMessenger implements ConnectionMessenger {
  private readonly clients = new Map<string, ApiGatewayManagementApiClient>();
  private readonly requestTimeoutMs: number;
  private readonly maxSockets: number;

  constructor(private readonly options: ApiGatewayMessengerOptions = {}) {
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.maxSockets = options.maxSockets ?? DEFAULT_MAX_SOCKETS;
    if (!(this.requestTimeoutMs > 0) || !(this.maxSockets >= 1)) {
      throw new RangeError('requestTimeoutMs must be positive and maxSockets at least 1');
    }
  }

  /** How many SDK clients are cached (one per distinct endpoint URL + region). */
  get clientCount(): number {
    return this.clients.size;
  }

  async post(endpoint: ManagementEndpointProps, connectionId: string, data: Uint8Array): Promise<PostResult> {
    try {
      await this.clientFor(endpoint).send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: data }));
      return { status: 'delivered' };
    } catch (error) {
      const failure = classify(error, endpoint, 'POST');
      switch (failure.kind) {
        case 'gone':
          return { status: 'gone' };
        case 'forbidden':
          return { status: 'forbidden', message: failure.message };
        case 'too_large':
          return { status: 'too_large', message: failure.message };
        case 'throttled':
          return { status: 'throttled', message: failure.message };
        case 'error':
          return errorResult(failure);
      }
    }
  }

  async getConnection(
    endpoint: ManagementEndpointProps,
    connectionId: string,
  ): Promise<ManageConnectionResult<ManagedConnectionInfo>> {
    try {
      const out = await this.clientFor(endpoint).send(new GetConnectionCommand({ ConnectionId: connectionId }));
      const info: ManagedConnectionInfo = {};
      if (out.ConnectedAt) info.connectedAt = out.ConnectedAt.getTime();
      if (out.LastActiveAt) info.lastActiveAt = out.LastActiveAt.getTime();
      if (out.Identity?.SourceIp) info.sourceIp = out.Identity.SourceIp;
      if (out.Identity?.UserAgent) info.userAgent = out.Identity.UserAgent;
      return { status: 'ok', info };
    } catch (error) {
      return manageFailure(classify(error, endpoint, 'GET'));
    }
  }

  async deleteConnection(endpoint: ManagementEndpointProps, connectionId: string): Promise<ManageConnectionResult> {
    try {
      await this.clientFor(endpoint).send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
      return { status: 'ok' };
    } catch (error) {
      return manageFailure(classify(error, endpoint, 'DELETE'));
    }
  }

  /** Destroys every cached client and its sockets. The messenger stays usable: clients are made again on demand. */
  close(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }

  private clientFor(endpoint: ManagementEndpointProps): ApiGatewayManagementApiClient {
    const key = `${endpoint.region} ${endpoint.url}`;
    let client = this.clients.get(key);
    if (!client) {
      const agentOptions = { keepAlive: true, maxSockets: this.maxSockets };
      client = new ApiGatewayManagementApiClient({
        endpoint: endpoint.url,
        // Always the endpoint's region: signing for the caller's region answers 403.
        region: endpoint.region,
        credentials: this.options.credentials,
        // NotifyUserUseCase retries with backoff; SDK retries would multiply the attempts.
        maxAttempts: 1,
        requestHandler: new NodeHttpHandler({
          httpAgent: new HttpAgent(agentOptions),
          httpsAgent: new HttpsAgent(agentOptions),
          connectionTimeout: this.requestTimeoutMs,
          requestTimeout: this.requestTimeoutMs,
          throwOnRequestTimeout: true,
        }),
      });
      this.clients.set(key, client);
    }
    return client;
  }
}

type RefusalKind = 'gone' | 'forbidden' | 'too_large' | 'throttled';

type Failure =
  | { kind: RefusalKind; message: string; httpStatus?: number }
  | { kind: 'error'; message: string; retryable: boolean; httpStatus?: number };

/** The fields of an SDK (or network) error we read; everything optional because anything can be thrown. */
interface ThrownShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number };
}

const BY_ERROR_TYPE = new Map<string, RefusalKind>([
  ['GoneException', 'gone'],
  ['ForbiddenException', 'forbidden'],
  ['PayloadTooLargeException', 'too_large'],
  ['LimitExceededException', 'throttled'],
]);

const BY_STATUS = new Map<number, RefusalKind>([
  [410, 'gone'],
  [403, 'forbidden'],
  [413, 'too_large'],
  [429, 'throttled'],
]);

/**
 * Maps what the SDK threw to an outcome: by `x-amzn-ErrorType` (the error's name) first, then by HTTP status,
 * because without that header the SDK only knows the status code.
 */
function classify(error: unknown, endpoint: ManagementEndpointProps, method: string): Failure {
  const thrown = (typeof error === 'object' && error !== null ? error : {}) as ThrownShape;
  const name = typeof thrown.name === 'string' ? thrown.name : 'Error';
  const text = typeof thrown.message === 'string' && thrown.message ? thrown.message : String(error);
  const httpStatus = thrown.$metadata?.httpStatusCode ?? thrown.$response?.statusCode;
  const where = `${method} ${endpoint.url}/@connections (region ${endpoint.region})`;

  const kind = BY_ERROR_TYPE.get(name) ?? (httpStatus !== undefined ? BY_STATUS.get(httpStatus) : undefined);
  if (kind) return { kind, message: `${name} from ${where}: ${text}`, httpStatus };

  if (httpStatus === undefined) {
    // No HTTP answer: refused, reset, DNS or timeout. A missing credential will not fix itself.
    const code = typeof thrown.code === 'string' ? ` ${thrown.code}` : '';
    const retryable = name !== 'CredentialsProviderError';
    return { kind: 'error', retryable, message: `${name}${code} on ${where}: ${text}` };
  }
  return {
    kind: 'error',
    retryable: httpStatus >= 500,
    httpStatus,
    message: `HTTP ${httpStatus} ${name} from ${where}: ${text}`,
  };
}

type ErrorOutcome = Extract<PostResult, { status: 'error' }>;

function errorResult(failure: Failure): ErrorOutcome {
  const retryable = failure.kind === 'error' ? failure.retryable : false;
  const result: ErrorOutcome = { status: 'error', message: failure.message, retryable };
  if (failure.httpStatus !== undefined) result.httpStatus = failure.httpStatus;
  return result;
}

function manageFailure<T>(failure: Failure): ManageConnectionResult<T> {
  switch (failure.kind) {
    case 'gone':
      return { status: 'gone' };
    case 'forbidden':
      return { status: 'forbidden', message: failure.message };
    case 'throttled':
      return { status: 'error', message: failure.message, retryable: true, httpStatus: failure.httpStatus ?? 429 };
    case 'too_large':
      return { status: 'error', message: failure.message, retryable: false, httpStatus: failure.httpStatus ?? 413 };
    case 'error':
      return errorResult(failure);
  }
}
