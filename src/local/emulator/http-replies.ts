import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/** An error answer of the management API: the SDK maps it to an exception by `x-amzn-ErrorType`. */
export interface AwsErrorReply {
  status: number;
  errorType: string;
  message: string;
}

export const forbidden = (message = 'Forbidden'): AwsErrorReply => ({
  status: 403,
  errorType: 'ForbiddenException',
  message,
});
export const gone = (): AwsErrorReply => ({ status: 410, errorType: 'GoneException', message: 'Gone' });

export function writeAwsError(res: ServerResponse, reply: AwsErrorReply): void {
  const body = JSON.stringify({ message: reply.message });
  res.writeHead(reply.status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    'x-amzn-RequestId': randomUUID(),
    'x-amzn-ErrorType': reply.errorType,
  });
  res.end(body);
}

export function writeSuccess(res: ServerResponse, status: number, body?: unknown): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-RequestId': randomUUID(),
  });
  res.end(text);
}

/** Answers a WebSocket handshake with a plain HTTP status instead of 101, then closes the socket. */
export function refuseHandshake(socket: Duplex, status: number, errorType?: string, message?: string): void {
  if (socket.destroyed) return;
  const body = JSON.stringify({ message: message ?? STATUS_CODES[status] ?? 'Error' });
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `x-amzn-RequestId: ${randomUUID()}`,
    ...(errorType ? [`x-amzn-ErrorType: ${errorType}`] : []),
    'Connection: close',
  ];
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}
