import type { StopSignal } from '../../domain/shared/stop-signal.js';
import type { Clock } from '../../ports/clock.js';

export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }

  schedule(ms: number, callback: () => void): () => void {
    const timer = setTimeout(callback, Math.max(0, ms));
    return () => clearTimeout(timer);
  }

  async sleep(ms: number, stop?: StopSignal<string>): Promise<void> {
    if (!(ms > 0) || stop?.reason) return;
    await new Promise<void>((resolve) => {
      let unsubscribe: () => void = () => undefined;
      const timer = setTimeout(() => {
        unsubscribe();
        resolve();
      }, ms);
      unsubscribe = stop?.onStop(() => {
        clearTimeout(timer);
        resolve();
      }) ?? unsubscribe;
    });
  }
}
