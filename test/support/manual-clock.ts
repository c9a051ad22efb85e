import type { Clock } from '../../src/ports/clock.js';

/** A clock the test moves by hand; `sleep` records the delay and returns at once (advancing time). */
export class ManualClock implements Clock {
  readonly sleeps: number[] = [];

  constructor(private current = Date.UTC(2026, 10, 25, 12, 0, 0)) {}

  now(): number {
    return this.current;
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.current += ms;
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
