import type { ManagementEndpointProps } from './management-endpoint.js';

/** One open WebSocket of one user, with the endpoint of the API + stage it was opened on. */
export interface Connection {
  connectionId: string;
  userId: string;
  endpoint: ManagementEndpointProps;
  /** Epoch milliseconds, from `requestContext.connectedAt`. */
  connectedAt: number;
  /** Epoch seconds after which the record is stale (DynamoDB TTL): connectedAt + 2 h + grace. */
  expiresAt: number;
  sourceIp?: string;
  userAgent?: string;
  /** The WebSocket subprotocol selected at `$connect` (`socketpost.v1`: messages in `{seq, data}` envelopes); absent for plain sockets. */
  protocol?: string;
}

export function isLive(connection: Connection, nowMs: number): boolean {
  return connection.expiresAt * 1000 > nowMs;
}
