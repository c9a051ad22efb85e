import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PacedConnectionMessenger, type PacingOptions } from '../../src/adapters/api-gateway/paced-connection.messenger.js';
import type { ManagementEndpointProps } from '../../src/domain/model/management-endpoint.js';
import type { ConnectionMessenger, DeleteConnectionResult, GetConnectionResult, PostResult } from '../../src/ports/connection.messenger.js';

/**
 * The pacing rules, step by step, on a fake clock: an inner messenger whose calls stay in flight until the test
 * answers them, so that what is sent when (pauses, doubling, queue order, limit growth) is exact.
 */

type Answer = PostResult | GetConnectionResult | DeleteConnectionResult;

interface PendingCall {
  method: 'POST' | 'GET' | 'DELETE';
  connectionId: string;
  at: number;
  answer(result: Answer): void;
  fail(error: Error): void;
}

/** Each call waits for the test's answer. */
class HeldMessenger implements ConnectionMessenger {
  readonly calls: PendingCall[] = [];
  private readonly open: PendingCall[] = [];

  post(_endpoint: ManagementEndpointProps, connectionId: string): Promise<PostResult> {
    return this.hold('POST', connectionId) as Promise<PostResult>;
  }
  getConnection(_endpoint: ManagementEndpointProps, connectionId: string): Promise<GetConnectionResult> {
    return this.hold('GET', connectionId) as Promise<GetConnectionResult>;
  }
  deleteConnection(_endpoint: ManagementEndpointProps, connectionId: string): Promise<DeleteConnectionResult> {
    return this.hold('DELETE', connectionId) as Promise<DeleteConnectionResult>;
  }

  /** Calls sent and not answered yet, oldest first. */
  get inFlight(): readonly PendingCall[] {
    return this.open;
  }
  /** Connection ids in the order they were sent. */
  get sent(): string[] {
    return this.calls.map((c) => c.connectionId);
  }

  /** Answers the oldest call still in flight (or the one to `connectionId`). */
  async answer(result: Answer, connectionId?: string): Promise<void> {
    const index = connectionId === undefined ? 0 : this.open.findIndex((c) => c.connectionId === connectionId);
    const [call] = this.open.splice(index, 1);
    if (!call) throw new Error(`no call in flight${connectionId ? ` to ${connectionId}` : ''}`);
    call.answer(result);
    await settle();
  }

  async fail(error: Error): Promise<void> {
    const call = this.open.shift();
    if (!call) throw new Error('no call in flight');
    call.fail(error);
    await settle();
  }

  private hold(method: PendingCall['method'], connectionId: string): Promise<Answer> {
    return new Promise<Answer>((resolve, reject) => {
      const call = { method, connectionId, at: Date.now(), answer: resolve, fail: reject };
      this.calls.push(call);
      this.open.push(call);
    });
  }
}

/** Lets every promise continuation that is ready run (no timer moves). */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
}

const endpoint: ManagementEndpointProps = {
  apiId: 'abc123',
  domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
  stage: 'dev',
  url: 'https://abc123.execute-api.eu-west-1.amazonaws.com/dev',
  region: 'eu-west-1',
};
const data = new Uint8Array([1]);
const delivered: PostResult = { status: 'delivered' };
const throttled = (retryAfterMs?: number): PostResult =>
  retryAfterMs === undefined ? { status: 'throttled', message: 'Rate exceeded' } : { status: 'throttled', message: 'Rate exceeded', retryAfterMs };

function pacedOver(options: PacingOptions = {}) {
  const inner = new HeldMessenger();
  const paced = new PacedConnectionMessenger(inner, { now: () => Date.now(), ...options });
  return { inner, paced };
}

describe('PacedConnectionMessenger options', () => {
  it.each([
    ['a minLimit under 1', { minLimit: 0 }],
    ['a maxLimit under the minLimit', { minLimit: 4, maxLimit: 3 }],
    ['a negative pause', { throttlePauseMs: -1 }],
    ['a negative requeue count', { maxRequeues: -1 }],
    ['a minLimit that is not a number', { minLimit: Number.NaN }],
  ])('should refuse %s with a RangeError that says what pacing needs', (_label, options) => {
    expect(() => new PacedConnectionMessenger(new HeldMessenger(), options)).toThrow(RangeError);
    expect(() => new PacedConnectionMessenger(new HeldMessenger(), options)).toThrow(/1 <= minLimit <= maxLimit/);
  });

  it('should accept the tightest valid options: one call at a time, no pause, no requeue', () => {
    const paced = new PacedConnectionMessenger(new HeldMessenger(), { minLimit: 1, maxLimit: 1, initialLimit: 1, throttlePauseMs: 0, maxRequeues: 0 });
    expect(paced.limitOf(endpoint)).toBe(1);
  });

  it('should report the initial limit, kept between minLimit and maxLimit, for an endpoint it never called', () => {
    expect(new PacedConnectionMessenger(new HeldMessenger()).limitOf(endpoint)).toBe(64);
    expect(new PacedConnectionMessenger(new HeldMessenger(), { initialLimit: 500, maxLimit: 10 }).limitOf(endpoint)).toBe(10);
    expect(new PacedConnectionMessenger(new HeldMessenger(), { initialLimit: 1, minLimit: 3 }).limitOf(endpoint)).toBe(3);
  });
});

describe('PacedConnectionMessenger pacing (fake clock)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: Date.UTC(2026, 10, 26, 12, 0, 0) });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('should pace GET and DELETE like posts: one slot each, in order', async () => {
    const { inner, paced } = pacedOver({ initialLimit: 1, maxLimit: 1 });
    const get = paced.getConnection(endpoint, 'g1');
    const del = paced.deleteConnection(endpoint, 'd1');
    await settle();
    expect(inner.calls.map((c) => `${c.method} ${c.connectionId}`)).toEqual(['GET g1']);

    await inner.answer({ status: 'gone' });
    expect(await get).toEqual({ status: 'gone' });
    expect(inner.calls.map((c) => `${c.method} ${c.connectionId}`)).toEqual(['GET g1', 'DELETE d1']);
    await inner.answer({ status: 'deleted' });
    expect(await del).toEqual({ status: 'deleted' });
  });

  it('should pass on what the inner messenger throws and free its slot for the next call', async () => {
    const { inner, paced } = pacedOver({ initialLimit: 1, maxLimit: 1 });
    const first = paced.post(endpoint, 'c1', data);
    const second = paced.post(endpoint, 'c2', data);
    const rejected = expect(first).rejects.toThrow('socket hang up');
    await settle();

    await inner.fail(new Error('socket hang up'));
    await rejected;
    expect(inner.sent).toEqual(['c1', 'c2']);
    await inner.answer(delivered);
    expect(await second).toEqual(delivered);
  });

  it('should send waiting calls first come, first served', async () => {
    const { inner, paced } = pacedOver({ initialLimit: 1, maxLimit: 1 });
    const posts = ['c1', 'c2', 'c3', 'c4'].map((id) => paced.post(endpoint, id, data));
    await settle();
    for (let i = 0; i < 4; i += 1) await inner.answer(delivered);
    await Promise.all(posts);
    expect(inner.sent).toEqual(['c1', 'c2', 'c3', 'c4']);
  });

  it('should send nothing during the pause after a 429, then the throttled call again before those that waited', async () => {
    const { inner, paced } = pacedOver({ initialLimit: 2, maxLimit: 2, throttlePauseMs: 100 });
    const posts = ['c1', 'c2', 'c3'].map((id) => paced.post(endpoint, id, data));
    await settle();
    expect(inner.sent).toEqual(['c1', 'c2']);

    await inner.answer(throttled(), 'c1');
    await inner.answer(delivered, 'c2');
    expect(paced.limitOf(endpoint)).toBe(1);
    await vi.advanceTimersByTimeAsync(99);
    expect(inner.sent).toEqual(['c1', 'c2']);

    await vi.advanceTimersByTimeAsync(1);
    expect(inner.sent).toEqual(['c1', 'c2', 'c1']);
    await inner.answer(delivered);
    await inner.answer(delivered);
    expect(await Promise.all(posts)).toEqual([delivered, delivered, delivered]);
    expect(inner.sent).toEqual(['c1', 'c2', 'c1', 'c3']);
  });

  it('should not let a new call overtake the calls waiting for a pause to end, even when the timer runs late', async () => {
    const { inner, paced } = pacedOver({ initialLimit: 2, maxLimit: 2, throttlePauseMs: 100 });
    const first = paced.post(endpoint, 'c1', data);
    await settle();
    await inner.answer(throttled());
    // The pause is over, but its timer has not run yet (a busy event loop): c1 still waits.
    vi.setSystemTime(Date.now() + 150);
    const late = paced.post(endpoint, 'c2', data);
    await settle();
    // The 429 halved the limit to one: the throttled c1 goes first, c2 after it.
    expect(inner.sent).toEqual(['c1', 'c1']);
    await inner.answer(delivered);
    expect(inner.sent).toEqual(['c1', 'c1', 'c2']);
    await inner.answer(delivered);
    expect(await Promise.all([first, late])).toEqual([delivered, delivered]);
  });

  /** The pause after each of a row of 429s to one call, read from when the call is sent again. */
  async function pausesOf(paced: PacedConnectionMessenger, inner: HeldMessenger, answers: PostResult[]): Promise<number[]> {
    const post = paced.post(endpoint, 'c1', data);
    await settle();
    const pauses: number[] = [];
    for (const answer of answers) {
      const answeredAt = Date.now();
      const before = inner.calls.length;
      await inner.answer(answer);
      while (inner.calls.length === before) await vi.advanceTimersByTimeAsync(1);
      pauses.push(Date.now() - answeredAt);
    }
    await inner.answer(delivered);
    expect(await post).toEqual(delivered);
    return pauses;
  }

  it('should double the pause for each further 429 in a row, up to maxPauseMs', async () => {
    const { inner, paced } = pacedOver({ throttlePauseMs: 100, maxPauseMs: 500, maxRequeues: 5 });
    expect(await pausesOf(paced, inner, [throttled(), throttled(), throttled(), throttled()])).toEqual([100, 200, 400, 500]);
  });

  it('should pause for the first 429 without Retry-After by throttlePauseMs, by default 100 ms', async () => {
    const { inner, paced } = pacedOver();
    expect(await pausesOf(paced, inner, [throttled()])).toEqual([100]);
  });

  it('should pause for Retry-After when the 429 has one, at most maxRetryAfterMs', async () => {
    const { inner, paced } = pacedOver({ throttlePauseMs: 10, maxRetryAfterMs: 2_000 });
    expect(await pausesOf(paced, inner, [throttled(1_500), throttled(60_000)])).toEqual([1_500, 2_000]);
  });

  it('should start the pauses from throttlePauseMs again after quietMs without a 429 (default 1 s)', async () => {
    const { inner, paced } = pacedOver({ throttlePauseMs: 100, maxPauseMs: 10_000 });
    expect(await pausesOf(paced, inner, [throttled(), throttled()])).toEqual([100, 200]);
    await vi.advanceTimersByTimeAsync(1_001);
    expect(await pausesOf(paced, inner, [throttled()])).toEqual([100]);
  });

  it('should keep doubling for a 429 that comes exactly quietMs after the last one', async () => {
    const { inner, paced } = pacedOver({ throttlePauseMs: 100, maxPauseMs: 10_000, quietMs: 2_000 });
    // The second 429 comes 100 ms after the first: within the quiet time of 2 s, so the row goes on.
    expect(await pausesOf(paced, inner, [throttled(), throttled(1_400)])).toEqual([100, 1_400]);
    await vi.advanceTimersByTimeAsync(600);
    // 2,000 ms after the last 429 exactly (1,400 of pause + 600): still the same row, so 2 × 2 × 100.
    expect(await pausesOf(paced, inner, [throttled()])).toEqual([400]);
  });

  it('should cut the limit once for a window of 429s, but pause for the last one', async () => {
    const { inner, paced } = pacedOver({ initialLimit: 4, maxLimit: 4, throttlePauseMs: 100, maxRequeues: 0 });
    const posts = ['c1', 'c2', 'c3', 'c4'].map((id) => paced.post(endpoint, id, data));
    await settle();
    for (let i = 0; i < 4; i += 1) await inner.answer(throttled());
    expect(await Promise.all(posts)).toEqual([throttled(), throttled(), throttled(), throttled()]);
    expect(paced.limitOf(endpoint)).toBe(2);
  });

  it('should leave no timer running when a pause has nothing waiting', async () => {
    const { inner, paced } = pacedOver({ throttlePauseMs: 100, maxRequeues: 0 });
    const post = paced.post(endpoint, 'c1', data);
    await settle();
    await inner.answer(throttled());
    expect((await post).status).toBe('throttled');
    expect(vi.getTimerCount()).toBe(0);
  });

  /** Keeps `limit` posts in flight and answers them `delivered` one by one, `count` times. */
  async function succeedAtTheLimit(paced: PacedConnectionMessenger, inner: HeldMessenger, count: number, stepMs = 0): Promise<void> {
    for (let i = 0; i < count; i += 1) {
      while (inner.inFlight.length < Math.floor(paced.limitOf(endpoint))) {
        void paced.post(endpoint, `c${inner.calls.length}`, data);
        await settle();
      }
      await inner.answer(delivered);
      if (stepMs > 0) await vi.advanceTimersByTimeAsync(stepMs);
    }
  }

  it('should grow the limit by one after as many successes at the limit as the limit', async () => {
    const { inner, paced } = pacedOver({ initialLimit: 4, maxLimit: 8 });
    await succeedAtTheLimit(paced, inner, 3);
    expect(paced.limitOf(endpoint)).toBe(4);
    await succeedAtTheLimit(paced, inner, 1);
    expect(paced.limitOf(endpoint)).toBe(5);
  });

  it('should not grow the limit while calls stay under it', async () => {
    const { inner, paced } = pacedOver({ initialLimit: 4, maxLimit: 8, increaseIntervalMs: 0 });
    for (let i = 0; i < 20; i += 1) {
      const a = paced.post(endpoint, `a${i}`, data);
      const b = paced.post(endpoint, `b${i}`, data);
      await settle();
      await inner.answer(delivered);
      await inner.answer(delivered);
      await Promise.all([a, b]);
    }
    expect(paced.limitOf(endpoint)).toBe(4);
  });

  it('should not count errors as successes that grow the limit', async () => {
    const { inner, paced } = pacedOver({ initialLimit: 2, maxLimit: 8, increaseIntervalMs: 0 });
    for (let i = 0; i < 10; i += 1) {
      const posts = [paced.post(endpoint, `a${i}`, data), paced.post(endpoint, `b${i}`, data)];
      await settle();
      await inner.answer({ status: 'error', message: 'HTTP 500', retryable: true, httpStatus: 500 });
      await inner.answer({ status: 'error', message: 'HTTP 500', retryable: true, httpStatus: 500 });
      await Promise.all(posts);
    }
    expect(paced.limitOf(endpoint)).toBe(2);
  });

  it('should never grow the limit past maxLimit', async () => {
    const { inner, paced } = pacedOver({ initialLimit: 2, maxLimit: 3, increaseIntervalMs: 0 });
    await succeedAtTheLimit(paced, inner, 30);
    expect(paced.limitOf(endpoint)).toBe(3);
  });

  it('should grow the limit at most once per increaseIntervalMs (default 100 ms)', async () => {
    const { inner, paced } = pacedOver({ initialLimit: 2, maxLimit: 100 });
    await succeedAtTheLimit(paced, inner, 2);
    expect(paced.limitOf(endpoint)).toBe(3);
    // Enough successes for several more steps, all within 99 ms of the last one.
    await succeedAtTheLimit(paced, inner, 20, 4);
    expect(Date.now() - inner.calls[0]!.at).toBeLessThan(100);
    expect(paced.limitOf(endpoint)).toBe(3);
    await vi.advanceTimersByTimeAsync(100 - (Date.now() - inner.calls[0]!.at));
    await succeedAtTheLimit(paced, inner, 1);
    expect(paced.limitOf(endpoint)).toBe(4);
  });

  it('should grow the limit again exactly increaseIntervalMs after it last changed, not before', async () => {
    const { inner, paced } = pacedOver({ initialLimit: 2, maxLimit: 100, increaseIntervalMs: 50 });
    await succeedAtTheLimit(paced, inner, 2);
    expect(paced.limitOf(endpoint)).toBe(3);
    const grewAt = Date.now();
    await vi.advanceTimersByTimeAsync(49);
    await succeedAtTheLimit(paced, inner, 3);
    expect(paced.limitOf(endpoint)).toBe(3);
    await vi.advanceTimersByTimeAsync(grewAt + 50 - Date.now());
    await succeedAtTheLimit(paced, inner, 1);
    expect(paced.limitOf(endpoint)).toBe(4);
  });
});
