import { MessageTooLargeError, ValidationError } from '../errors/domain.error.js';
import type { Connection } from '../model/connection.js';
import { MAX_JSON_DEPTH, MAX_MESSAGE_BYTES } from '../model/limits.js';
import { assertEnvelopeFits, encodeEnvelope, isRecoverable } from '../model/recovery.js';
import type { MessageRecovery } from './message-recovery.js';

/** A string is sent as-is; anything else (object, array) as JSON. */
export type NotificationMessage = string | Record<string, unknown> | unknown[];

const encoder = new TextEncoder();

/**
 * One message on its way to many connections: validated and encoded once, before anything is sent. The
 * sender asks `bytesFor(connection)` for every post; that is the one place where what a connection receives
 * is decided, so a per-connection framing (e.g. an envelope for connections that chose a subprotocol) is a
 * change here and nowhere else.
 */
export class OutgoingMessage {
  /** Per user, the envelope of this message once it is numbered (message recovery): one append per user per send. */
  private readonly envelopes = new Map<string, Promise<Uint8Array>>();

  private constructor(
    /** The message, encoded as UTF-8. */
    readonly data: Uint8Array,
    /** True for an object or array message (sent as JSON), false for a string sent as-is. */
    readonly json: boolean,
  ) {}

  /** Validates and encodes `message`; throws ValidationError or MessageTooLargeError before anything is sent. */
  static of(message: NotificationMessage): OutgoingMessage {
    return new OutgoingMessage(encodeMessage(message), typeof message !== 'string');
  }

  get byteLength(): number {
    return this.data.byteLength;
  }

  /**
   * The bytes posted to `connection`: the message itself, or, for a connection that chose `socketpost.v1` when
   * the send path numbers messages (`recovery`), its `{"seq":n,"data":…}` envelope, numbered and logged once
   * for the connection's user. Throws MessageTooLargeError (before the append) when the envelope would not fit.
   */
  bytesFor(connection: Connection, recovery?: MessageRecovery): Uint8Array | Promise<Uint8Array> {
    if (!recovery || !isRecoverable(connection)) return this.data;
    return this.envelopeFor(connection.userId, recovery);
  }

  /** Numbers and logs the message for `userId` (once per send, whoever asks first) and gives its envelope. */
  envelopeFor(userId: string, recovery: MessageRecovery): Promise<Uint8Array> {
    let envelope = this.envelopes.get(userId);
    if (!envelope) {
      envelope = (async () => {
        assertEnvelopeFits(this.data, this.json);
        return encodeEnvelope(await recovery.append(userId, this), this.data, this.json);
      })();
      this.envelopes.set(userId, envelope);
    }
    return envelope;
  }
}

/** Encodes the message as UTF-8 and enforces API Gateway's 128 KB payload limit before any post. */
export function encodeMessage(message: NotificationMessage): Uint8Array {
  let text: string;
  if (typeof message === 'string') {
    text = message;
  } else if (message !== null && typeof message === 'object') {
    if (jsonDepth(message) > MAX_JSON_DEPTH) {
      throw new ValidationError('message', `must not nest objects or arrays more than ${MAX_JSON_DEPTH} levels deep`);
    }
    try {
      text = JSON.stringify(message);
    } catch {
      throw new ValidationError('message', 'must be a JSON value (no cycles, no BigInt)');
    }
  } else {
    throw new ValidationError('message', 'must be a string or a JSON object');
  }
  if (text.length === 0) throw new ValidationError('message', 'must not be empty');
  const data = encoder.encode(text);
  if (data.byteLength > MAX_MESSAGE_BYTES) throw new MessageTooLargeError(data.byteLength, MAX_MESSAGE_BYTES);
  return data;
}

/** Nesting depth of objects and arrays (1 for `{}`), measured without recursion so that no input overflows the stack. */
export function jsonDepth(value: unknown): number {
  let deepest = 0;
  const pending: Array<[unknown, number]> = [[value, 1]];
  while (pending.length > 0) {
    const [item, depth] = pending.pop() as [unknown, number];
    if (item === null || typeof item !== 'object') continue;
    if (depth > deepest) deepest = depth;
    if (deepest > MAX_JSON_DEPTH) return deepest;
    for (const child of Object.values(item)) if (child !== null && typeof child === 'object') pending.push([child, depth + 1]);
  }
  return deepest;
}
