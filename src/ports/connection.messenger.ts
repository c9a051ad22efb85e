import type { ManagementEndpointProps } from '../domain/model/management-endpoint.js';

/** What one post to one connection came to. Expected outcomes are values, not exceptions. */
export type PostResult =
  | { status: 'delivered' }
  /** 410 GoneException: the connection is closed or unknown. */
  | { status: 'gone' }
  /** 403 ForbiddenException: wrong endpoint (stage, API, domain or region) or missing permission. */
  | { status: 'forbidden'; message: string }
  /** 429 LimitExceededException. */
  | { status: 'throttled'; message: string }
  /** 413 PayloadTooLargeException. */
  | { status: 'too_large'; message: string }
  /** 5xx, network error, anything else; `retryable` says whether trying again may help. */
  | { status: 'error'; message: string; retryable: boolean; httpStatus?: number };

/** Outcome of a DELETE (or GET) on `@connections/{id}`; HTTP outcomes are values, never exceptions. */
export type ManageConnectionResult<T = undefined> =
  | { status: 'ok'; info?: T }
  | { status: 'gone' }
  | { status: 'forbidden'; message: string }
  | { status: 'error'; message: string; retryable: boolean; httpStatus?: number };

/** Posts data to a connection through the @connections API of the connection's own endpoint. */
export interface ConnectionMessenger {
  post(endpoint: ManagementEndpointProps, connectionId: string, data: Uint8Array): Promise<PostResult>;
  /** Closes the socket (`DELETE @connections/{id}` on the connection's own endpoint). */
  deleteConnection(endpoint: ManagementEndpointProps, connectionId: string): Promise<ManageConnectionResult>;
}

export const CONNECTION_MESSENGER = Symbol.for('socketpost.ConnectionMessenger');
