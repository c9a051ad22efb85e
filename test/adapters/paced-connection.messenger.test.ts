import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PacedConnectionMessenger } from '../../src/adapters/api-gateway/paced-connection.messenger.js';
import { SignedHttpConnectionMessenger } from '../../src/adapters/api-gateway/signed-http-connection.messenger.js';
import { InMemoryConnectionRepository } from '../../src/adapters/memory/in-memory-connection.repository.js';
import { SystemClock } from '../../src/adapters/system/system.clock.js';
import type { ManagementEndpointProps } from '../../src/domain/model/management-endpoint.js';
import { NotifyUserUseCase } from '../../src/domain/use-cases/notify-user.use-case.js';
import { startApiGatewayEmulator, type ApiGatewayEmulator } from '../../src/local/emulator/api-gateway-emulator.js';
import type { ConnectionMessenger, PostResult } from '../../src/ports/connection.messenger.js';
import { ScriptedMessenger } from '../support/scripted-messenger.js';
import { MemoryLogger } from '../support/silent-logger.js';

const home = { url: 'https://abc123.execute-api.eu-west-1.amazonaws.com/dev', region: 'eu-west-1' };
const endpoint: ManagementEndpointProps = { apiId: 'abc123', domainName: 'abc123.execute-api.eu-west-1.amazonaws.com', stage: 'dev', ...home };
const data = new Uint8Array([1]);
const throttle = (retryAfterMs?: number): PostResult =>
  retryAfterMs === undefined ? { status: 'throttled', message: 'LimitExceededException' } : { status: 'throttled', message: 'LimitExceededException', retryAfterMs };

describe('PacedConnectionMessenger', () => {
  it('should keep at most the limit of posts in flight to one endpoint', async () => {
    const inner = new ScriptedMessenger();
    inner.latencyMs = 5;
    for (let i = 0; i < 40; i += 1) inner.open(`c${i}`, home);
    const paced = new PacedConnectionMessenger(inner, { initialLimit: 4, maxLimit: 4 });

    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => paced.post(endpoint, `c${i}`, data)));

    expect(results.every((r) => r.status === 'delivered')).toBe(true);
    expect(inner.maxInFlight).toBe(4);
  });

  it('should halve the limit on a 429 and send the throttled post again after the pause', async () => {
    const inner = new ScriptedMessenger().open('c1', home).script('c1', throttle());
    const paced = new PacedConnectionMessenger(inner, { initialLimit: 16, throttlePauseMs: 20 });

    expect(await paced.post(endpoint, 'c1', data)).toEqual({ status: 'delivered' });

    expect(inner.posts).toHaveLength(2);
    expect(paced.limitOf(endpoint)).toBe(8);
  });

  it('should decrease once for 429s of posts that were already in flight together', async () => {
    const inner = new ScriptedMessenger();
    inner.latencyMs = 5;
    for (let i = 0; i < 8; i += 1) inner.open(`c${i}`, home).script(`c${i}`, throttle());
    const paced = new PacedConnectionMessenger(inner, { initialLimit: 8, throttlePauseMs: 10, maxRequeues: 0 });

    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => paced.post(endpoint, `c${i}`, data)));

    expect(results.every((r) => r.status === 'throttled')).toBe(true);
    expect(paced.limitOf(endpoint)).toBe(4);
  });

  it('should wait at least Retry-After before sending to a throttled endpoint again', async () => {
    const inner = new ScriptedMessenger().open('c1', home).open('c2', home).script('c1', throttle(300));
    const paced = new PacedConnectionMessenger(inner, { throttlePauseMs: 1 });
    const started = Date.now();

    await paced.post(endpoint, 'c1', data);
    const second = await paced.post(endpoint, 'c2', data);

    expect(second).toEqual({ status: 'delivered' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('should return the 429 after maxRequeues sends, for the use case to decide', async () => {
    const inner = new ScriptedMessenger().open('c1', home).script('c1', throttle(), throttle(), throttle());
    const paced = new PacedConnectionMessenger(inner, { throttlePauseMs: 1, maxRequeues: 2 });

    expect((await paced.post(endpoint, 'c1', data)).status).toBe('throttled');
    expect(inner.posts).toHaveLength(3);
  });

  it('should grow the limit again by about one per window while posts succeed at the limit', async () => {
    const inner = new ScriptedMessenger();
    inner.latencyMs = 1;
    for (let i = 0; i < 200; i += 1) inner.open(`c${i}`, home);
    inner.script('c0', throttle());
    const paced = new PacedConnectionMessenger(inner, { initialLimit: 8, throttlePauseMs: 1, increaseIntervalMs: 0 });
    await paced.post(endpoint, 'c0', data);
    expect(paced.limitOf(endpoint)).toBe(4);

    await Promise.all(Array.from({ length: 199 }, (_, i) => paced.post(endpoint, `c${i + 1}`, data)));

    expect(paced.limitOf(endpoint)).toBeGreaterThan(8);
    expect(paced.limitOf(endpoint)).toBeLessThan(4 + 199 / 4);
  });

  it('should pace each endpoint on its own', async () => {
    const other = { ...endpoint, stage: 'prod', url: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod' };
    const inner = new ScriptedMessenger().open('c1', home).script('c1', throttle()).open('c2', { url: other.url, region: other.region });
    const paced = new PacedConnectionMessenger(inner, { initialLimit: 8, throttlePauseMs: 1 });

    await paced.post(endpoint, 'c1', data);
    await paced.post(other, 'c2', data);

    expect(paced.limitOf(endpoint)).toBe(4);
    expect(paced.limitOf(other)).toBe(8);
  });
});

/** Counts what the wrapped messenger answered, by status. */
class CountingMessenger implements ConnectionMessenger {
  readonly counts = new Map<string, number>();
  constructor(private readonly inner: ConnectionMessenger) {}
  async post(target: ManagementEndpointProps, connectionId: string, body: Uint8Array): Promise<PostResult> {
    const result = await this.inner.post(target, connectionId, body);
    this.counts.set(result.status, (this.counts.get(result.status) ?? 0) + 1);
    return result;
  }
  getConnection: ConnectionMessenger['getConnection'] = (target, connectionId) => this.inner.getConnection(target, connectionId);
  deleteConnection: ConnectionMessenger['deleteConnection'] = (target, connectionId) => this.inner.deleteConnection(target, connectionId);
}

describe('fan-out against an account throttle (emulator)', () => {
  const credentials = { accessKeyId: 'AKIDPACINGTEST', secretAccessKey: 'pacing-test-secret' };
  const region = 'eu-west-1';
  let http: SignedHttpConnectionMessenger;
  const emulators: ApiGatewayEmulator[] = [];

  beforeAll(() => {
    http = new SignedHttpConnectionMessenger({ credentials });
  });

  afterAll(async () => {
    await http.close();
    await Promise.all(emulators.map((e) => e.stop()));
  });

  /** Notifies one user with `connections` virtual sockets on an emulator that accepts `postsPerSecond`. */
  async function fanOut(connections: number, postsPerSecond: number, messenger: (counting: ConnectionMessenger) => ConnectionMessenger) {
    const emulator = await startApiGatewayEmulator({}, { stages: ['prod'], region, credentials, maxPostsPerSecond: postsPerSecond });
    emulators.push(emulator);
    const target: ManagementEndpointProps = {
      apiId: emulator.apiId,
      domainName: `127.0.0.1:${emulator.port}`,
      stage: 'prod',
      url: emulator.managementEndpoint('prod'),
      region,
    };
    const clock = new SystemClock();
    const repository = new InMemoryConnectionRepository();
    const expiresAt = Math.floor(clock.now() / 1000) + 7_200;
    const ids: string[] = [];
    for (let i = 0; i < connections; i += 1) {
      const connectionId = emulator.openVirtualConnection('prod');
      ids.push(connectionId);
      await repository.save({ connectionId, userId: 'crowd', endpoint: target, connectedAt: clock.now(), expiresAt });
    }
    const counting = new CountingMessenger(http);
    // The service's defaults (32 posts in flight per notify, 3 attempts with backoff), but a deadline long
    // enough for 5,000 posts at the few hundred a second the throttle allows here.
    const notify = new NotifyUserUseCase(repository, messenger(counting), clock, new MemoryLogger(), {
      concurrency: 32,
      backoff: { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 2_000 },
      // Pacing is measured here, not the notify deadline: at the lowest rate 5,000 posts take ~20 s, beyond
      // the default NOTIFY_DEADLINE_MS (10 s), which would fail the rest with DEADLINE_EXCEEDED.
      deadlineMs: 120_000,
    });
    const report = await notify.execute({ userId: 'crowd', message: { kind: 'fan-out' } });
    const posts = [...counting.counts.values()].reduce((a, b) => a + b, 0);
    const delivered = ids.filter((id) => emulator.virtualDeliveries(id) === 1).length;
    return { report, delivered, posts, throttled: counting.counts.get('throttled') ?? 0 };
  }

  /**
   * Posts per second this machine manages unthrottled, right now (the machine is shared: it varies several
   * times over). It only sets the throttles below, so that they bite; nothing asserts on it.
   */
  let capacity = 0;
  beforeAll(async () => {
    await fanOut(300, 1_000_000, (counting) => counting);
    const started = Date.now();
    await fanOut(600, 1_000_000, (counting) => counting);
    capacity = 600 / ((Date.now() - started) / 1_000);
  }, 60_000);

  it('should deliver every message of a 5,000-socket fan-out with fewer than 10 % of posts answered 429', async () => {
    // Half of what the machine can post, but never so low that 5,000 posts would take over ~20 s.
    const rate = Math.max(250, Math.min(2_000, Math.round(capacity / 2)));
    const { report, delivered, posts, throttled } = await fanOut(5_000, rate, (counting) => new PacedConnectionMessenger(counting));

    expect(report).toMatchObject({ delivered: 5_000, failed: 0 });
    expect(delivered).toBe(5_000);
    expect(throttled / posts).toBeLessThan(0.1);
  }, 60_000);

  it('should storm without pacing: the same fan-out unpaced sees over 10 % of posts answered 429', async () => {
    const rate = Math.max(25, Math.round(capacity / 4));
    const { throttled, posts } = await fanOut(Math.max(500, rate * 3), rate, (counting) => counting);

    expect(throttled / posts).toBeGreaterThan(0.1);
  }, 60_000);
});
