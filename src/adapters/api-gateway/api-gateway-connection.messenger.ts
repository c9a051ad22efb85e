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
import type {
  ConnectionMessenger,
  DeleteConnectionResult,
  GetConnectionResult,
  PostResult,
} from '../../ports/connection.messenger.js';
import { failedCall, failedManagementCall, retryAfterMsOf, type ManagementAnswer } from './management-api.outcome.js';

export interface ApiGatewayMessengerOptions {
  /** Static credentials or a provider; the SDK's default chain when absent. */
  credentials?: ApiGatewayManagementApiClientConfig['credentials'];
  /** Whole-request timeout in ms (default 5000). */
  requestTimeoutMs?: number;
  /** Keep-alive sockets per endpoint client (default 64). */
  maxSockets?: number;
}

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
      return failedCall(answerOf(error, endpoint, 'POST'));
    }
  }

  async getConnection(endpoint: ManagementEndpointProps, connectionId: string): Promise<GetConnectionResult> {
    try {
      const out = await this.clientFor(endpoint).send(new GetConnectionCommand({ ConnectionId: connectionId }));
      const connectedAt = out.ConnectedAt?.getTime() ?? 0;
      const identity: { sourceIp: string; userAgent?: string } = { sourceIp: out.Identity?.SourceIp ?? '' };
      if (out.Identity?.UserAgent) identity.userAgent = out.Identity.UserAgent;
      return { status: 'found', connection: { connectedAt, lastActiveAt: out.LastActiveAt?.getTime() ?? connectedAt, identity } };
    } catch (error) {
      return failedManagementCall(answerOf(error, endpoint, 'GET'));
    }
  }

  async deleteConnection(endpoint: ManagementEndpointProps, connectionId: string): Promise<DeleteConnectionResult> {
    try {
      await this.clientFor(endpoint).send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
      return { status: 'deleted' };
    } catch (error) {
      return failedManagementCall(answerOf(error, endpoint, 'DELETE'));
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

/** The fields of an SDK (or network) error we read; everything optional because anything can be thrown. */
interface ThrownShape {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number; headers?: Record<string, string | undefined> };
}

/**
 * What the SDK threw, as an answer: its name is the `x-amzn-ErrorType` the SDK read (an "Unknown" name
 * when the header was absent, so the status decides), plus the status code when there was an answer.
 */
function answerOf(error: unknown, endpoint: ManagementEndpointProps, method: string): ManagementAnswer {
  const thrown = (typeof error === 'object' && error !== null ? error : {}) as ThrownShape;
  const name = typeof thrown.name === 'string' ? thrown.name : 'Error';
  const text = typeof thrown.message === 'string' && thrown.message ? thrown.message : String(error);
  const httpStatus = thrown.$metadata?.httpStatusCode ?? thrown.$response?.statusCode;
  const where = `${method} ${endpoint.url}/@connections (region ${endpoint.region})`;
  const retryAfterMs = retryAfterMsOf(thrown.$response?.headers?.['retry-after'], Date.now());

  if (httpStatus === undefined) {
    // No HTTP answer: refused, reset, DNS or timeout. A missing credential will not fix itself.
    const code = typeof thrown.code === 'string' ? ` ${thrown.code}` : '';
    return { errorType: name, message: `${name}${code} on ${where}: ${text}`, retryable: name !== 'CredentialsProviderError' };
  }
  return {
    errorType: name,
    httpStatus,
    message: `HTTP ${httpStatus} ${name} from ${where}: ${text}`,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
}
