import type { Connection } from '../model/connection.js';
import { DEFAULT_RECOVERY_WINDOW_SECONDS, isRecoverable } from '../model/recovery.js';
import type { Clock } from '../../ports/clock.js';
import type { MessageLog } from '../../ports/message.log.js';

/**
 * Numbers and logs the messages of users who opted into recovery (`socketpost.v1`), for the shared send path:
 * one append per user per send, kept for the window (`RECOVERY_WINDOW_SECONDS`).
 */
export class MessageRecovery {
  constructor(
    private readonly log: MessageLog,
    private readonly clock: Clock,
    readonly windowSeconds = DEFAULT_RECOVERY_WINDOW_SECONDS,
  ) {}

  /**
   * Whether a send to this user is numbered and logged: when one of her sockets (`connections`, all of them,
   * excluded ones too) chose `socketpost.v1` (no storage read), else when one that did is away within its
   * window (one read of the user's log counter; a user who never used recovery has none).
   */
  async wanted(userId: string, connections: readonly Connection[]): Promise<boolean> {
    if (connections.some(isRecoverable)) return true;
    return this.log.isRecovering(userId, this.clock.now());
  }

  /** Appends the message to the user's log; resolves with its sequence number. */
  append(userId: string, message: { data: Uint8Array; json: boolean }): Promise<number> {
    const nowMs = this.clock.now();
    return this.log.append(userId, message, { nowMs, expiresAtMs: nowMs + this.windowSeconds * 1000 });
  }
}
