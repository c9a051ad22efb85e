import type { ManagementEndpointProps } from '../../domain/model/management-endpoint.js';
import type {
  ConnectionMessenger,
  DeleteConnectionResult,
  GetConnectionResult,
  PostResult,
} from '../../ports/connection.messenger.js';

export interface PacingOptions {
  /** In-flight calls allowed per endpoint at first (default 64). */
  initialLimit?: number;
  /** The limit never drops below this (default 1). */
  minLimit?: number;
  /** The limit never grows past this (default 1024). */
  maxLimit?: number;
  /**
   * Pause of an endpoint after a 429 without `Retry-After`, in ms (default 100); doubled for each further 429
   * until the endpoint has gone `quietMs` without one.
   */
  throttlePauseMs?: number;
  /** Longest pause chosen without `Retry-After` (default 1000 ms: a longer one would leave API Gateway's burst bucket full and unused). */
  maxPauseMs?: number;
  /** Longest `Retry-After` honoured (default 20,000 ms). */
  maxRetryAfterMs?: number;
  /** A 429 after this long without one starts the pauses from `throttlePauseMs` again (default 1000 ms). */
  quietMs?: number;
  /**
   * The limit grows by at most one per this many ms (default 100): API Gateway's throttle is a rate, so on a
   * fast network a limit that grew once per round trip would overshoot it again at once.
   */
  increaseIntervalMs?: number;
  /** How many times a throttled call is sent again after the pause before the 429 is returned (default 3). */
  maxRequeues?: number;
  now?: () => number;
}

type Call<R> = () => Promise<R>;
type Outcome = { status: string; retryAfterMs?: number };

/** The pacing state of one endpoint. */
class EndpointPace {
  limit: number;
  inFlight = 0;
  /** Callers waiting for a slot, oldest first; requeued throttled calls go to the front. */
  readonly waiting: Array<() => void> = [];
  pausedUntil = 0;
  timer: NodeJS.Timeout | undefined;
  /** Calls sent so far; a 429 of a call sent before the last decrease does not decrease again. */
  sent = 0;
  decreasedAt = 0;
  throttlesInARow = 0;
  lastThrottleAt = Number.NEGATIVE_INFINITY;
  /** Additive-increase credit (1/limit per success) and when the limit last changed. */
  credit = 0;
  changedAt = Number.NEGATIVE_INFINITY;

  constructor(limit: number) {
    this.limit = limit;
  }
}

/**
 * Adaptive pacing per endpoint in front of any messenger (AIMD on the in-flight limit): a 429 halves the
 * endpoint's limit (once per window of calls in flight) and pauses the endpoint — for `Retry-After` when the
 * answer has one, else for a short pause that doubles while 429s keep coming — and the throttled call waits
 * at the front of the queue to be sent again after the pause. Each success while the limit is in use adds
 * 1/limit, so the limit grows by about one per round trip (at most one per `increaseIntervalMs`) once the
 * 429s stop. API Gateway throttles management calls per account and region: a fan-out slows down instead of
 * retrying every socket in a storm.
 */
export class PacedConnectionMessenger implements ConnectionMessenger {
  private readonly paces = new Map<string, EndpointPace>();
  private readonly initialLimit: number;
  private readonly minLimit: number;
  private readonly maxLimit: number;
  private readonly throttlePauseMs: number;
  private readonly maxPauseMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly quietMs: number;
  private readonly increaseIntervalMs: number;
  private readonly maxRequeues: number;
  private readonly now: () => number;

  constructor(
    private readonly inner: ConnectionMessenger,
    options: PacingOptions = {},
  ) {
    this.minLimit = options.minLimit ?? 1;
    this.maxLimit = options.maxLimit ?? 1_024;
    this.initialLimit = Math.min(this.maxLimit, Math.max(this.minLimit, options.initialLimit ?? 64));
    this.throttlePauseMs = options.throttlePauseMs ?? 100;
    this.maxPauseMs = options.maxPauseMs ?? 1_000;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 20_000;
    this.quietMs = options.quietMs ?? 1_000;
    this.increaseIntervalMs = options.increaseIntervalMs ?? 100;
    this.maxRequeues = options.maxRequeues ?? 3;
    this.now = options.now ?? Date.now;
    if (!(this.minLimit >= 1) || this.maxLimit < this.minLimit || !(this.throttlePauseMs >= 0) || !(this.maxRequeues >= 0)) {
      throw new RangeError('pacing needs 1 <= minLimit <= maxLimit, a non-negative pause and requeue count');
    }
  }

  /** The current in-flight limit of an endpoint (the initial one before its first call). */
  limitOf(endpoint: ManagementEndpointProps): number {
    return this.paces.get(keyOf(endpoint))?.limit ?? this.initialLimit;
  }

  post(endpoint: ManagementEndpointProps, connectionId: string, data: Uint8Array): Promise<PostResult> {
    return this.paced(endpoint, () => this.inner.post(endpoint, connectionId, data));
  }

  getConnection(endpoint: ManagementEndpointProps, connectionId: string): Promise<GetConnectionResult> {
    return this.paced(endpoint, () => this.inner.getConnection(endpoint, connectionId));
  }

  deleteConnection(endpoint: ManagementEndpointProps, connectionId: string): Promise<DeleteConnectionResult> {
    return this.paced(endpoint, () => this.inner.deleteConnection(endpoint, connectionId));
  }

  private async paced<R extends Outcome>(endpoint: ManagementEndpointProps, call: Call<R>): Promise<R> {
    const key = keyOf(endpoint);
    let pace = this.paces.get(key);
    if (!pace) {
      pace = new EndpointPace(this.initialLimit);
      this.paces.set(key, pace);
    }
    let requeues = 0;
    for (;;) {
      await this.acquire(pace, requeues > 0);
      pace.sent += 1;
      const sentAs = pace.sent;
      let result: R;
      try {
        result = await call();
      } catch (error) {
        this.release(pace);
        throw error;
      }
      if (result.status === 'throttled') {
        this.onThrottled(pace, sentAs, result.retryAfterMs);
        this.release(pace);
        if (requeues >= this.maxRequeues) return result;
        requeues += 1;
        continue;
      }
      if (result.status !== 'error') this.onAnswered(pace);
      this.release(pace);
      return result;
    }
  }

  private acquire(pace: EndpointPace, front: boolean): Promise<void> {
    if (pace.waiting.length === 0 && this.hasRoom(pace)) {
      pace.inFlight += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const start = () => {
        pace.inFlight += 1;
        resolve();
      };
      if (front) pace.waiting.unshift(start);
      else pace.waiting.push(start);
      this.drain(pace);
    });
  }

  private release(pace: EndpointPace): void {
    pace.inFlight -= 1;
    this.drain(pace);
  }

  private hasRoom(pace: EndpointPace): boolean {
    return pace.inFlight < Math.floor(pace.limit) && this.now() >= pace.pausedUntil;
  }

  private drain(pace: EndpointPace): void {
    while (pace.waiting.length > 0 && this.hasRoom(pace)) (pace.waiting.shift() as () => void)();
    const wait = pace.pausedUntil - this.now();
    if (pace.waiting.length > 0 && wait > 0 && !pace.timer) {
      pace.timer = setTimeout(() => {
        pace.timer = undefined;
        this.drain(pace);
      }, wait);
    }
  }

  /**
   * Multiplicative decrease, once per window: 429s of calls already in flight at the last decrease only extend
   * the pause. The pause doubles while 429s keep coming; `Retry-After`, when given, is the pause.
   */
  private onThrottled(pace: EndpointPace, sentAs: number, retryAfterMs: number | undefined): void {
    const now = this.now();
    if (sentAs > pace.decreasedAt) {
      pace.limit = Math.max(this.minLimit, Math.floor(pace.limit / 2));
      pace.decreasedAt = pace.sent;
      pace.credit = 0;
      pace.changedAt = now;
      pace.throttlesInARow = now - pace.lastThrottleAt > this.quietMs ? 1 : pace.throttlesInARow + 1;
    }
    pace.lastThrottleAt = now;
    const pause =
      retryAfterMs !== undefined
        ? Math.min(this.maxRetryAfterMs, retryAfterMs)
        : Math.min(this.maxPauseMs, this.throttlePauseMs * 2 ** Math.min(pace.throttlesInARow - 1, 16));
    pace.pausedUntil = Math.max(pace.pausedUntil, now + pause);
  }

  /** Additive increase while the limit is in use: 1/limit per success, at most one a `increaseIntervalMs`. */
  private onAnswered(pace: EndpointPace): void {
    if (pace.inFlight < Math.floor(pace.limit) || pace.limit >= this.maxLimit) return;
    pace.credit += 1 / pace.limit;
    if (pace.credit < 1) return;
    const now = this.now();
    if (now - pace.changedAt < this.increaseIntervalMs) return;
    pace.limit = Math.min(this.maxLimit, pace.limit + 1);
    pace.credit = 0;
    pace.changedAt = now;
  }
}

function keyOf(endpoint: ManagementEndpointProps): string {
  return `${endpoint.region} ${endpoint.url}`;
}
