import { describe, expect, it } from 'vitest';
import { PrometheusMetrics } from '../../src/adapters/observability/prometheus.metrics.js';
import { InstrumentedConnectionMessenger } from '../../src/adapters/observability/instrumented-connection.messenger.js';
import { instrumentStorage } from '../../src/adapters/observability/instrumented-storage.js';
import { InMemoryConnectionRepository } from '../../src/adapters/memory/in-memory-connection.repository.js';
import { StorageUnavailableError } from '../../src/domain/errors/domain.error.js';
import { auth, restFixture } from '../http/rest-app.fixture.js';
import { ScriptedMessenger } from '../support/scripted-messenger.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses Prometheus text exposition (format 0.0.4) into samples; comments and blank lines are skipped. */
function parsePrometheus(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line.length === 0 || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1] as string] = (pair[2] as string).replace(/\\(.)/g, '$1');
    samples.push({ name: match[1] as string, labels, value: Number(match[3]) });
  }
  return samples;
}

function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return found.length === 0 ? undefined : found.reduce((sum, s) => sum + s.value, 0);
}

async function meteredFixture(metricsToken?: string) {
  const prometheus = new PrometheusMetrics();
  const fixture = await restFixture({
    metrics: prometheus,
    app: { metrics: prometheus, metricsExposition: prometheus, ...(metricsToken ? { metricsToken } : {}) },
  });
  return { ...fixture, prometheus };
}

describe('GET /metrics (Prometheus)', () => {
  it('should count one delivered, one gone and one forbidden socket of a notify, with bounded labels', async () => {
    const { app, connect, messenger, clock } = await meteredFixture();
    await connect('c-ok', 'alice');
    await connect('c-gone', 'alice');
    await connect('c-403', 'alice', 'prod');
    clock.advance(10_000);
    messenger.script('c-gone', { status: 'gone' });
    messenger.script('c-403', { status: 'forbidden', message: 'Forbidden' });

    const notify = await app.inject({ method: 'POST', url: '/notify', headers: auth, payload: { userId: 'alice', message: 'hi' } });
    expect(notify.json()).toMatchObject({ delivered: 1, gone: 1, failed: 1 });

    const scrape = await app.inject({ method: 'GET', url: '/metrics', headers: auth });
    expect(scrape.statusCode).toBe(200);
    expect(scrape.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const samples = parsePrometheus(scrape.body);
    const route = { route: '/notify' };
    expect(valueOf(samples, 'socketpost_deliveries_total', { ...route, outcome: 'delivered' })).toBe(1);
    expect(valueOf(samples, 'socketpost_deliveries_total', { ...route, outcome: 'gone' })).toBe(1);
    expect(valueOf(samples, 'socketpost_deliveries_total', { ...route, outcome: 'failed', code: 'FORBIDDEN' })).toBe(1);
    expect(valueOf(samples, 'socketpost_deliveries_total', { ...route, outcome: 'failed' })).toBe(1);
    expect(valueOf(samples, 'socketpost_fanout_size_sum', route)).toBe(3);
    expect(valueOf(samples, 'socketpost_fanout_size_count', route)).toBe(1);
    expect(valueOf(samples, 'socketpost_notify_duration_seconds_count', route)).toBe(1);
    expect(valueOf(samples, 'socketpost_process_resident_memory_bytes')).toBeGreaterThan(0);
    // Never a user id or a connection id in a label.
    for (const sample of samples) {
      for (const value of Object.values(sample.labels)) expect(['alice', 'c-ok', 'c-gone', 'c-403']).not.toContain(value);
    }
    await app.close();
  });

  it('should count retries, and nothing for an idempotent replay', async () => {
    const { app, connect, messenger, clock } = await meteredFixture();
    await connect('c1', 'bob');
    clock.advance(10_000);
    messenger.script('c1', { status: 'throttled', message: 'slow down' }, { status: 'delivered' });
    const headers = { ...auth, 'idempotency-key': 'k-1' };
    const first = await app.inject({ method: 'POST', url: '/notify', headers, payload: { userId: 'bob', message: 'hi' } });
    expect(first.json()).toMatchObject({ delivered: 1, connections: [{ attempts: 2 }] });
    const replay = await app.inject({ method: 'POST', url: '/notify', headers, payload: { userId: 'bob', message: 'hi' } });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    // The replay is the first answer, with the first request's id (the one its sends were logged with).
    expect(replay.json()).toEqual(first.json());
    expect(replay.headers['x-request-id']).not.toBe(first.json().requestId);

    const samples = parsePrometheus((await app.inject({ method: 'GET', url: '/metrics', headers: auth })).body);
    expect(valueOf(samples, 'socketpost_post_retries_total', { stage: 'dev' })).toBe(1);
    expect(valueOf(samples, 'socketpost_deliveries_total', { outcome: 'delivered' })).toBe(1);
    await app.close();
  });

  it('should count the retries of a broadcast too, though its report lists only failures', async () => {
    const { app, connect, messenger, clock } = await meteredFixture();
    await connect('c1', 'bob');
    await connect('c2', 'carol', 'prod');
    clock.advance(10_000);
    messenger.script('c1', { status: 'error', message: 'HTTP 502', retryable: true }, { status: 'delivered' });
    messenger.script('c2', { status: 'throttled', message: 'slow down' }, { status: 'throttled', message: 'slow down' }, { status: 'delivered' });
    const broadcast = await app.inject({ method: 'POST', url: '/broadcast', headers: auth, payload: { message: 'hi' } });
    expect(broadcast.json()).toMatchObject({ delivered: 2, failed: 0 });

    const samples = parsePrometheus((await app.inject({ method: 'GET', url: '/metrics', headers: auth })).body);
    expect(valueOf(samples, 'socketpost_post_retries_total', { stage: 'dev' })).toBe(1);
    expect(valueOf(samples, 'socketpost_post_retries_total', { stage: 'prod' })).toBe(2);
    await app.close();
  });

  it('should refuse a scrape without an API key or the metrics token, and accept either', async () => {
    const { app } = await meteredFixture('metrics-token-0123456789');
    const none = await app.inject({ method: 'GET', url: '/metrics' });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringContaining('METRICS_TOKEN') });
    const wrong = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer not-the-token-at-all' } });
    expect(wrong.statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer metrics-token-0123456789' } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/metrics', headers: auth })).statusCode).toBe(200);
    await app.close();
  });

  it('should answer 404 on /metrics when metrics are off', async () => {
    const { app } = await restFixture();
    expect((await app.inject({ method: 'GET', url: '/metrics', headers: auth })).statusCode).toBe(404);
    await app.close();
  });
});

describe('metric decorators', () => {
  it('should count each post by stage and result and time it, without the connection id', async () => {
    const prometheus = new PrometheusMetrics({ defaultMetrics: false });
    const inner = new ScriptedMessenger();
    const endpoint = { url: 'https://a1.execute-api.eu-west-1.amazonaws.com/prod', region: 'eu-west-1' };
    inner.open('c1', endpoint).script('c1', { status: 'delivered' }, { status: 'throttled', message: '429' });
    const messenger = new InstrumentedConnectionMessenger(inner, prometheus);
    const props = { apiId: 'a1', stage: 'prod', domainName: 'a1.execute-api.eu-west-1.amazonaws.com', region: 'eu-west-1', url: endpoint.url };
    await messenger.post(props, 'c1', new Uint8Array([104]));
    await messenger.post(props, 'c1', new Uint8Array([104]));

    const samples = parsePrometheus(await prometheus.text());
    expect(valueOf(samples, 'socketpost_posts_total', { stage: 'prod', result: 'delivered' })).toBe(1);
    expect(valueOf(samples, 'socketpost_posts_total', { stage: 'prod', result: 'throttled' })).toBe(1);
    expect(valueOf(samples, 'socketpost_post_duration_seconds_count', { stage: 'prod' })).toBe(2);
    expect(JSON.stringify(samples)).not.toContain('c1');
  });

  it('should count storage errors by store and operation and pass the error on unchanged', async () => {
    const prometheus = new PrometheusMetrics({ defaultMetrics: false });
    const repository = new InMemoryConnectionRepository();
    const failure = new StorageUnavailableError('down');
    repository.findByUser = async () => {
      throw failure;
    };
    const store = instrumentStorage(repository, 'connections', prometheus);
    await expect(store.findByUser('alice')).rejects.toBe(failure);
    await expect(store.findById('nope')).resolves.toBeUndefined();
    expect(store.stageShards).toBe(repository.stageShards);

    const samples = parsePrometheus(await prometheus.text());
    expect(valueOf(samples, 'socketpost_storage_errors_total', { store: 'connections', operation: 'findByUser' })).toBe(1);
    expect(valueOf(samples, 'socketpost_storage_errors_total', { operation: 'findById' })).toBeUndefined();
  });
});
