/** One message of a user's log: its per-user sequence number and the bytes that were sent. */
export interface LoggedMessage {
  seq: number;
  /** The message as encoded for a plain socket (`encodeMessage`). */
  data: Uint8Array;
  /** True when `data` is JSON (an object or array message); false for a string message sent as-is. */
  json: boolean;
}

/** What a read of the log found. */
export interface MessageLogPage {
  /** Messages after the `since` asked for, oldest first, not expired; at most `limit`. */
  messages: LoggedMessage[];
  /** The last sequence number given to the user (0 when none ever was), whether or not it is still kept. */
  latestSeq: number;
}

/**
 * Each user's recent messages, for clients that resume after a reconnect. Sequence numbers are per user,
 * start at 1 and grow by exactly 1 per append, even under concurrent appends; a message and its number are
 * written together, so a reader never sees a number without its message. Messages are kept until their
 * `expiresAtMs` (DynamoDB TTL, or in memory); the counter is kept for good, so numbers never restart.
 */
export interface MessageLog {
  /** Appends one message to the user's log and returns its sequence number. */
  append(userId: string, message: { data: Uint8Array; json: boolean }, options: { nowMs: number; expiresAtMs: number }): Promise<number>;
  /** The user's messages with `seq > since` not expired at `nowMs`, oldest first, at most `limit`. */
  readAfter(userId: string, since: number, options: { nowMs: number; limit: number }): Promise<MessageLogPage>;
  /**
   * Marks the user as recovering until `untilMs` (a recovery socket opened: until its maximum duration plus the
   * window), so that messages sent while that socket is away are logged. Never shortens an earlier mark.
   */
  markRecovering(userId: string, untilMs: number): Promise<void>;
  /** Whether the user is marked recovering at `nowMs`. */
  isRecovering(userId: string, nowMs: number): Promise<boolean>;
}

export const MESSAGE_LOG = Symbol.for('socketpost.MessageLog');
