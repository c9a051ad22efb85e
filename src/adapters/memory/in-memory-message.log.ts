import type { LoggedMessage, MessageLog, MessageLogPage } from '../../ports/message.log.js';

interface UserLog {
  latestSeq: number;
  recoveringUntilMs: number;
  /** Oldest first; expired entries are dropped from the front on each append. */
  entries: Array<LoggedMessage & { expiresAtMs: number }>;
}

/** Process-local message log (tests and `STORAGE=memory`). JavaScript runs one append at a time: no gaps. */
export class InMemoryMessageLog implements MessageLog {
  private readonly users = new Map<string, UserLog>();

  async append(userId: string, message: { data: Uint8Array; json: boolean }, options: { nowMs: number; expiresAtMs: number }): Promise<number> {
    const log = this.logOf(userId);
    while (log.entries.length > 0 && (log.entries[0] as { expiresAtMs: number }).expiresAtMs <= options.nowMs) log.entries.shift();
    log.latestSeq += 1;
    log.entries.push({ seq: log.latestSeq, data: message.data.slice(), json: message.json, expiresAtMs: options.expiresAtMs });
    return log.latestSeq;
  }

  async readAfter(userId: string, since: number, options: { nowMs: number; limit: number }): Promise<MessageLogPage> {
    const log = this.users.get(userId);
    if (!log) return { messages: [], latestSeq: 0 };
    const messages = log.entries
      .filter((e) => e.seq > since && e.expiresAtMs > options.nowMs)
      .slice(0, options.limit)
      .map(({ seq, data, json }) => ({ seq, data: data.slice(), json }));
    return { messages, latestSeq: log.latestSeq };
  }

  async markRecovering(userId: string, untilMs: number): Promise<void> {
    const log = this.logOf(userId);
    log.recoveringUntilMs = Math.max(log.recoveringUntilMs, untilMs);
  }

  async isRecovering(userId: string, nowMs: number): Promise<boolean> {
    return (this.users.get(userId)?.recoveringUntilMs ?? 0) > nowMs;
  }

  private logOf(userId: string): UserLog {
    let log = this.users.get(userId);
    if (!log) this.users.set(userId, (log = { latestSeq: 0, recoveringUntilMs: 0, entries: [] }));
    return log;
  }
}
