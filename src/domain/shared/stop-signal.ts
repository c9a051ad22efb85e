/**
 * Why a piece of work was told to stop before it finished: its own time budget ran out, or the process is
 * shutting down. A plain domain concept (no platform abort types), passed into use cases by the edges.
 */
export type StopReason = 'DEADLINE_EXCEEDED' | 'SHUTDOWN';

/** Read side: whether (and why) work should stop, and a way to hear it once. */
export interface StopSignal<R extends string = StopReason> {
  readonly reason: R | undefined;
  /** Calls `listener` once when stopped (at once if already stopped). Returns a function that unsubscribes. */
  onStop(listener: (reason: R) => void): () => void;
}

/** Write side: the owner of the work calls `stop()`; the first reason wins, later calls are ignored. */
export class StopController<R extends string = StopReason> {
  private stoppedBy: R | undefined;
  private readonly listeners = new Set<(reason: R) => void>();

  readonly signal: StopSignal<R>;

  constructor() {
    const read = () => this.stoppedBy;
    this.signal = {
      get reason() {
        return read();
      },
      onStop: (listener) => this.subscribe(listener),
    };
  }

  get reason(): R | undefined {
    return this.stoppedBy;
  }

  stop(reason: R): void {
    if (this.stoppedBy) return;
    this.stoppedBy = reason;
    const listeners = [...this.listeners];
    this.listeners.clear();
    for (const listener of listeners) listener(reason);
  }

  /** Stops this controller when `other` stops; returns the unsubscribe of that link. */
  follow(other: StopSignal<R> | undefined): () => void {
    return other ? other.onStop((reason) => this.stop(reason)) : () => undefined;
  }

  private subscribe(listener: (reason: R) => void): () => void {
    if (this.stoppedBy) {
      listener(this.stoppedBy);
      return () => undefined;
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/**
 * Settles with the work's value, or with `undefined` as soon as `signal` stops (the work itself is not
 * cancelled: its late result is ignored).
 */
export function unlessStopped<T>(work: Promise<T>, signal: StopSignal<string>): Promise<T | undefined> {
  if (signal.reason) {
    work.catch(() => undefined);
    return Promise.resolve(undefined);
  }
  return new Promise<T | undefined>((resolve, reject) => {
    const unsubscribe = signal.onStop(() => resolve(undefined));
    work.then(
      (value) => {
        unsubscribe();
        resolve(value);
      },
      (error: unknown) => {
        unsubscribe();
        reject(error);
      },
    );
  });
}
