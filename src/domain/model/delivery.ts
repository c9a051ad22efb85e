/** What one send came to for one connection. Expected outcomes are values, not exceptions. */
export type DeliveryStatus = 'delivered' | 'gone' | 'failed';

export type DeliveryErrorCode =
  | 'FORBIDDEN'
  | 'THROTTLED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UPSTREAM_ERROR'
  /** 410 from a connection whose `$connect` is still finishing (younger than the connect grace); kept. */
  | 'NOT_YET_OPEN'
  /** The send's deadline passed before this connection's post answered (or before it was tried). */
  | 'DEADLINE_EXCEEDED'
  /** The service shut down before this connection's post answered (or before it was tried). */
  | 'SHUTDOWN';

export interface ConnectionDelivery {
  connectionId: string;
  status: DeliveryStatus;
  attempts: number;
  error?: { code: DeliveryErrorCode; message: string };
}
