import { MessageTooLargeError } from '../errors/domain.error.js';
import type { Connection } from './connection.js';
import { MAX_MESSAGE_BYTES } from './limits.js';

/**
 * Message recovery (opt-in): a client that connects with this WebSocket subprotocol gets every message as
 * `{"seq":n,"data":<message>}`, `n` counting the user's messages (1, 2, 3…), and may ask for what it missed
 * with `{"action":"resume","since":n}`.
 */
export const RECOVERY_SUBPROTOCOL = 'socketpost.v1';

/** Default time a user's messages are kept for a resume (`RECOVERY_WINDOW_SECONDS`). */
export const DEFAULT_RECOVERY_WINDOW_SECONDS = 120;

/**
 * The subprotocol `$connect` selects from the client's `Sec-WebSocket-Protocol` header (a comma-separated
 * list, as RFC 6455 writes it): `socketpost.v1` when offered, else none.
 */
export function selectSubprotocol(offered: string | undefined | null): string | undefined {
  if (typeof offered !== 'string') return undefined;
  return offered.split(',').some((p) => p.trim() === RECOVERY_SUBPROTOCOL) ? RECOVERY_SUBPROTOCOL : undefined;
}

export function isRecoverable(connection: Pick<Connection, 'protocol'>): boolean {
  return connection.protocol === RECOVERY_SUBPROTOCOL;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const CLOSE = encoder.encode('}');

/**
 * The envelope of one message for a recovery socket: `{"seq":n,"data":<message>}`, where `<message>` is the
 * JSON the REST API took (a string message becomes a JSON string, an object stays the object). `data` is the
 * message as `encodeMessage` encoded it (a string as-is, anything else as JSON). Refuses (413
 * MESSAGE_TOO_LARGE) an envelope over API Gateway's 128 KB payload limit.
 */
export function encodeEnvelope(seq: number, data: Uint8Array, isJson: boolean): Uint8Array {
  const value = envelopeValue(data, isJson);
  const head = encoder.encode(`{"seq":${seq},"data":`);
  const size = head.byteLength + value.byteLength + CLOSE.byteLength;
  if (size > MAX_MESSAGE_BYTES) throw new MessageTooLargeError(size, MAX_MESSAGE_BYTES, 'its {seq, data} envelope');
  const envelope = new Uint8Array(size);
  envelope.set(head, 0);
  envelope.set(value, head.byteLength);
  envelope.set(CLOSE, head.byteLength + value.byteLength);
  return envelope;
}

/** The largest sequence number the logs give out (15 digits). */
export const MAX_SEQ = 999_999_999_999_999;

/**
 * Refuses (413 MESSAGE_TOO_LARGE) a message whose envelope could exceed 128 KB, checked with the longest
 * sequence number so that it is decided before the message is numbered and logged.
 */
export function assertEnvelopeFits(data: Uint8Array, isJson: boolean): void {
  const size = encoder.encode(`{"seq":${MAX_SEQ},"data":}`).byteLength + envelopeValue(data, isJson).byteLength;
  if (size > MAX_MESSAGE_BYTES) throw new MessageTooLargeError(size, MAX_MESSAGE_BYTES, 'its {seq, data} envelope');
}

/** `data` as the JSON value of the envelope's `data`: JSON as it is, a string message as a JSON string. */
function envelopeValue(data: Uint8Array, isJson: boolean): Uint8Array {
  return isJson ? data : encoder.encode(JSON.stringify(decoder.decode(data)));
}
