/**
 * Orders and de-duplicates the `{seq, data}` envelopes of the `socketpost.v1` subprotocol. It keeps the last
 * sequence number delivered; a number already delivered (a replay, or the copy of a message that reached both
 * sockets while one replaced the other) is dropped; one that arrives ahead of a missing number is held until the
 * gap is filled (by a replay after `resume`) or until `gapTimeoutMs` passes, then delivered in order anyway.
 */
export interface SequencedMessage {
  seq: number;
  data: unknown;
}

export interface SequencerTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export class Sequencer {
  private last: number | undefined;
  private readonly held = new Map<number, unknown>();
  private gapTimer: unknown;
  /** How many sequence numbers were given up on, so far. */
  skipped = 0;

  constructor(
    private readonly deliver: (message: SequencedMessage) => void,
    private readonly timers: SequencerTimers,
    private readonly gapTimeoutMs: number,
    /** At most this many messages are held while waiting for a gap; more delivers what is held at once. */
    private readonly maxHeld = 1_000,
  ) {}

  /** The last sequence number delivered to the application (what `resume` asks to continue after). */
  get lastSeq(): number | undefined {
    return this.last;
  }

  /** True when the message is new (delivered now or held); false for a duplicate. */
  accept(seq: number, data: unknown): boolean {
    if (this.last === undefined) {
      this.last = seq - 1;
    }
    if (seq <= this.last || this.held.has(seq)) return false;
    if (seq === this.last + 1) {
      this.last = seq;
      this.deliver({ seq, data });
      this.drain();
    } else {
      this.held.set(seq, data);
      if (this.held.size > this.maxHeld) this.giveUpOnGap();
      else this.gapTimer ??= this.timers.setTimeout(() => this.giveUpOnGap(), this.gapTimeoutMs);
    }
    return true;
  }

  /**
   * The service replayed everything up to `seq` (its `resumed` answer): a number up to it that has not come is
   * lost (older than the recovery window). Delivers what is held up to it, then carries on after it.
   */
  settleThrough(seq: number): void {
    if (this.last === undefined || seq <= this.last) return;
    for (const held of [...this.held.keys()].filter((s) => s <= seq).sort((a, b) => a - b)) {
      this.skipped += held - this.last - 1;
      this.last = held;
      const data = this.held.get(held);
      this.held.delete(held);
      this.deliver({ seq: held, data });
    }
    if (seq > this.last) {
      this.skipped += seq - this.last;
      this.last = seq;
    }
    this.drain();
  }

  /** The messages before `seq` are lost for good (`RECOVERY_WINDOW_EXCEEDED`): stop waiting for them. */
  skipBefore(seq: number): void {
    if (this.last !== undefined && seq - 1 > this.last) this.settleThrough(seq - 1);
  }

  /** The service's numbering is behind ours (its log was reset): continue from its last number. */
  restartAfter(seq: number): void {
    this.last = seq;
    for (const held of [...this.held.keys()]) if (held <= seq) this.held.delete(held);
    this.drain();
  }

  /** Stops the gap timer (the client is closing). Held messages are dropped. */
  dispose(): void {
    this.clearGapTimer();
    this.held.clear();
  }

  private drain(): void {
    while (this.last !== undefined && this.held.has(this.last + 1)) {
      const seq = this.last + 1;
      const data = this.held.get(seq);
      this.held.delete(seq);
      this.last = seq;
      this.deliver({ seq, data });
    }
    if (this.held.size === 0) this.clearGapTimer();
  }

  /** Delivers what is held, in order, skipping the numbers that never came. */
  private giveUpOnGap(): void {
    this.clearGapTimer();
    const next = Math.min(...this.held.keys());
    if (!Number.isFinite(next) || this.last === undefined) return;
    this.skipped += next - this.last - 1;
    this.last = next - 1;
    this.drain();
    if (this.held.size > 0) this.gapTimer = this.timers.setTimeout(() => this.giveUpOnGap(), this.gapTimeoutMs);
  }

  private clearGapTimer(): void {
    if (this.gapTimer !== undefined) this.timers.clearTimeout(this.gapTimer);
    this.gapTimer = undefined;
  }
}
