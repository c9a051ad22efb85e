import type { AuthorizerContext } from '../../adapters/lambda/lambda-events.js';

/**
 * One client connection as the emulator knows it. `connecting` while the authorizer and `$connect` run:
 * the id exists but, as on AWS, the management API answers 410 until `$connect` returned 2xx.
 */
export interface EmulatedConnection {
  readonly connectionId: string;
  readonly stage: string;
  /** Epoch milliseconds. */
  readonly connectedAt: number;
  lastActiveAt: number;
  readonly sourceIp: string;
  readonly userAgent: string | undefined;
  /** The Host header the client used, e.g. `127.0.0.1:3001`. */
  readonly domainName: string;
  /** The handshake's headers (with those API Gateway adds), passed again to `$disconnect`. */
  readonly requestHeaders: { headers: Record<string, string>; multiValueHeaders: Record<string, string[]> };
  authorizer: AuthorizerContext | undefined;
  state: 'connecting' | 'open';
  /** Set once the handshake completed. */
  channel?: ConnectionChannel;
}

/** The live socket of an open connection, as the management API drives it. */
export interface ConnectionChannel {
  /** False when the socket is already closing: the caller answers 410. */
  deliver(data: Buffer): boolean;
  /** Closes with a close frame; `$disconnect` runs with this code and reason. */
  closeFromServer(code: number, reason: string): void;
  /** Cuts TCP without a close frame and without `$disconnect`, like a connection lost inside AWS. */
  drop(): void;
  /** Settles once the socket closed and `$disconnect` (if any) returned. */
  readonly finished: Promise<void>;
}

/** What `ApiGatewayEmulator.connections()` reports: a copy, safe to keep. */
export type ConnectionInfo = Readonly<Omit<EmulatedConnection, 'state' | 'channel'>>;
