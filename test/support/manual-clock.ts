import type { StopSignal } from '../../src/domain/shared/stop-signal.js';
import type { Clock } from '../../src/ports/clock.js';

/**
 * A clock the test moves by hand. `sleep` records the delay and returns at once, advancing time; scheduled
 * callbacks run, in time order, when `sleep` or `advance` moves time past them. A sleep whose stop signal
 * stops on the way (e.g. a deadline falling inside it) ends at that moment.
 */
export class ManualClock implements Clock {
  readonly sleeps: number[] = [];
  private timers: Array<{ at: number; callback: () => void }> = [];

  constructor(private current = Date.UTC(2026, 10, 25, 12, 0, 0)) {}

  now(): number {
    return this.current;
  }

  async sleep(ms: number, stop?: StopSignal<string>): Promise<void> {
    this.sleeps.push(ms);
    if (stop?.reason) return;
    this.moveTo(this.current + Math.max(0, ms), stop);
  }

  advance(ms: number): void {
    this.moveTo(this.current + ms);
  }

  schedule(ms: number, callback: () => void): () => void {
    const timer = { at: this.current + Math.max(0, ms), callback };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Callbacks still scheduled (not run, not cancelled). */
  get pendingTimers(): number {
    return this.timers.length;
  }

  private moveTo(target: number, stop?: StopSignal<string>): void {
    for (;;) {
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.current = Math.max(this.current, due.at);
      due.callback();
      if (stop?.reason) return;
    }
    this.current = target;
  }
}
