import type { ManagementEndpointProps } from '../domain/model/management-endpoint.js';

/** 403 ForbiddenException: wrong endpoint (stage, API, domain or region) or missing permission. */
export type ForbiddenResult = { status: 'forbidden'; message: string };
/** 429 LimitExceededException; `retryAfterMs` when the answer carried `Retry-After`. */
export type ThrottledResult = { status: 'throttled'; message: string; retryAfterMs?: number };
/** 5xx, network error, anything else; `retryable` says whether trying again may help. */
export type ErrorResult = { status: 'error'; message: string; retryable: boolean; httpStatus?: number };

/** What one post to one connection came to. Expected outcomes are values, not exceptions. */
export type PostResult =
  | { status: 'delivered' }
  /** 410 GoneException: the connection is closed or unknown. */
  | { status: 'gone' }
  | ForbiddenResult
  | ThrottledResult
  /** 413 PayloadTooLargeException. */
  | { status: 'too_large'; message: string }
  | ErrorResult;

/** What `GET @connections/{id}` tells about an open connection. Times are epoch milliseconds. */
export interface ConnectionDetails {
  connectedAt: number;
  lastActiveAt: number;
  identity: { sourceIp: string; userAgent?: string };
}

/** Outcome of `GET @connections/{id}`. */
export type GetConnectionResult =
  | { status: 'found'; connection: ConnectionDetails }
  | { status: 'gone' }
  | ForbiddenResult
  | ThrottledResult
  | ErrorResult;

/** Outcome of `DELETE @connections/{id}` (API Gateway closes the socket and runs `$disconnect`). */
export type DeleteConnectionResult = { status: 'deleted' } | { status: 'gone' } | ForbiddenResult | ThrottledResult | ErrorResult;

/** Talks to a connection through the @connections API of the connection's own endpoint. */
export interface ConnectionMessenger {
  post(endpoint: ManagementEndpointProps, connectionId: string, data: Uint8Array): Promise<PostResult>;
  getConnection(endpoint: ManagementEndpointProps, connectionId: string): Promise<GetConnectionResult>;
  deleteConnection(endpoint: ManagementEndpointProps, connectionId: string): Promise<DeleteConnectionResult>;
}

export const CONNECTION_MESSENGER = Symbol.for('socketpost.ConnectionMessenger');
