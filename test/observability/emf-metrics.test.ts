import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { issueLocalToken } from '../../src/adapters/auth/jose-token.issuer.js';
import { createConnectHandler } from '../../src/adapters/lambda/connect.handler.js';
import { observeWebSocketHandler, refusalCategory } from '../../src/adapters/lambda/lambda-observability.js';
import { createPinoLogger } from '../../src/adapters/logging/pino.logger.js';
import { EmfMetrics } from '../../src/adapters/observability/emf.metrics.js';
import { NO_METRICS } from '../../src/adapters/observability/metric-catalogue.js';
import { authorizerEvent, connectEvent, disconnectEvent } from '../support/websocket-events.js';
import { captureLines } from '../support/log-capture.js';
import { restoreEnv } from '../support/process-env.js';

const SECRET = 'emf-test-secret-0123456789abcdefgh';
const saved = { ...process.env };

/** Every EMF line written to stdout while `run` runs (other stdout text is let through untouched). */
async function emfLinesOf(run: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const written: string[] = [];
  const original = process.stdout.write.bind(process.stdout);
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: never[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (text.includes('"_aws"')) written.push(text);
    else return original(chunk, ...rest);
    return true;
  }) as typeof process.stdout.write);
  try {
    await run().catch(() => undefined);
  } finally {
    spy.mockRestore();
  }
  return written.flatMap((text) => text.split('\n').filter((line) => line.trim().length > 0)).map((line) => JSON.parse(line) as Record<string, unknown>);
}

/**
 * The EMF specification's required fields: `_aws.Timestamp` (epoch ms), `_aws.CloudWatchMetrics` as an array of
 * directives each with a `Namespace`, `Dimensions` (arrays of at most 30 names, each a top-level string member)
 * and `Metrics` (`Name` of a top-level number or array of at most 100 numbers, `Unit` optional).
 */
function expectValidEmf(line: Record<string, unknown>): void {
  const aws = line._aws as { Timestamp?: unknown; CloudWatchMetrics?: unknown };
  expect(aws, 'the _aws member').toBeTypeOf('object');
  expect(Number.isInteger(aws.Timestamp) && (aws.Timestamp as number) > Date.UTC(2020, 0, 1)).toBe(true);
  expect(Array.isArray(aws.CloudWatchMetrics) && aws.CloudWatchMetrics.length > 0).toBe(true);
  for (const directive of aws.CloudWatchMetrics as Record<string, unknown>[]) {
    expect(typeof directive.Namespace === 'string' && /^[^:].{0,254}$/.test(directive.Namespace)).toBe(true);
    expect(Array.isArray(directive.Dimensions)).toBe(true);
    for (const set of directive.Dimensions as unknown[]) {
      expect(Array.isArray(set) && set.length <= 30).toBe(true);
      for (const name of set as unknown[]) expect(typeof line[name as string], `dimension ${String(name)}`).toBe('string');
    }
    expect(Array.isArray(directive.Metrics) && directive.Metrics.length > 0 && directive.Metrics.length <= 100).toBe(true);
    for (const metric of directive.Metrics as { Name?: unknown; Unit?: unknown }[]) {
      expect(typeof metric.Name).toBe('string');
      const value = line[metric.Name as string];
      const values = Array.isArray(value) ? value : [value];
      expect(values.length > 0 && values.length <= 100 && values.every((v) => typeof v === 'number' && Number.isFinite(v))).toBe(true);
      if (metric.Unit !== undefined) expect(['Count', 'Milliseconds', 'Seconds', 'None']).toContain(metric.Unit);
    }
  }
}

function metricLine(lines: Record<string, unknown>[], name: string): Record<string, unknown> {
  const line = lines.find((l) => name in l);
  if (!line) throw new Error(`no EMF line with ${name} in ${JSON.stringify(lines)}`);
  return line;
}

describe('CloudWatch EMF from the Lambda handlers', () => {
  beforeAll(() => {
    Object.assign(process.env, { STORAGE: 'memory', JWT_SECRET: SECRET, LOG_LEVEL: 'silent', AWS_REGION: 'eu-west-1', METRICS_NAMESPACE: 'socketpost-test' });
    // The Lambda entry points compose their adapters once, from the environment, when first imported: fresh modules
    // here, since the test files of a worker share their modules (vitest.config.ts, isolate: false).
    vi.resetModules();
  });
  afterAll(() => {
    restoreEnv(saved);
    vi.resetModules();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('should write one valid EMF line per metric after a $connect, with the stage and outcome as dimensions', async () => {
    const { handler: authorizer } = await import('../../src/adapters/lambda/authorizer.handler.js');
    const { handler: connect } = await import('../../src/adapters/lambda/connect.handler.js');
    const allowed = await authorizer(authorizerEvent({ token: await issueLocalToken(SECRET, 'erin') }));
    const event = connectEvent({ stage: 'prod', authorizer: { ...allowed.context, principalId: allowed.principalId }, connectedAt: Date.now() });

    const lines = await emfLinesOf(() => connect(event));

    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expectValidEmf(line);
    const connects = metricLine(lines, 'Connects');
    expect(connects).toMatchObject({ Connects: 1, stage: 'prod', outcome: 'accepted', service: 'socketpost' });
    const [directive] = (connects._aws as { CloudWatchMetrics: Record<string, unknown>[] }).CloudWatchMetrics;
    expect(directive).toMatchObject({ Namespace: 'socketpost-test', Metrics: [{ Name: 'Connects', Unit: 'Count' }] });
    expect(directive?.Dimensions).toEqual(expect.arrayContaining([['service', 'outcome'], ['service', 'stage', 'outcome']]));
    expect(JSON.stringify(lines)).not.toContain('erin');
    expect(JSON.stringify(lines)).not.toContain(event.requestContext.connectionId);
  });

  it('should count an authorizer refusal by its reason category, and a disconnect by stage', async () => {
    const { handler: authorizer } = await import('../../src/adapters/lambda/authorizer.handler.js');
    const { handler: disconnect } = await import('../../src/adapters/lambda/disconnect.handler.js');

    const refused = await emfLinesOf(() => authorizer(authorizerEvent({})));
    for (const line of refused) expectValidEmf(line);
    expect(metricLine(refused, 'AuthorizerRefusals')).toMatchObject({ AuthorizerRefusals: 1, reason: 'missing_token' });

    const forged = await emfLinesOf(() => authorizer(authorizerEvent({ token: 'not.a.jwt' })));
    expect(metricLine(forged, 'AuthorizerRefusals')).toMatchObject({ reason: 'invalid_token' });

    const gone = await emfLinesOf(() => disconnect(disconnectEvent({ stage: 'dev' })));
    for (const line of gone) expectValidEmf(line);
    expect(metricLine(gone, 'Disconnects')).toMatchObject({ Disconnects: 1, stage: 'dev' });
  });

  it('should keep histogram values as an array of at most 100 per line, and sum counters', async () => {
    const metrics = new EmfMetrics({ namespace: 'socketpost-test' });
    const lines = await emfLinesOf(async () => {
      for (let i = 0; i < 150; i += 1) metrics.observe('post_latency_ms', i, { stage: 'dev', result: 'delivered' });
      metrics.count('deliveries', { route: '/notify', outcome: 'failed', code: 'FORBIDDEN' }, 2);
      metrics.count('deliveries', { route: '/notify', outcome: 'failed', code: 'FORBIDDEN' });
      metrics.flush();
    });
    for (const line of lines) expectValidEmf(line);
    const latencies = lines.filter((l) => 'PostLatency' in l).map((l) => l.PostLatency as number[]);
    expect(latencies.map((values) => values.length)).toEqual([100, 50]);
    expect(metricLine(lines, 'Deliveries')).toMatchObject({ Deliveries: 3, outcome: 'failed', code: 'FORBIDDEN' });
    expect(await emfLinesOf(async () => metrics.flush())).toEqual([]);
  });
});

describe('Lambda request context', () => {
  it('should log every line of an event with API Gateway requestId and the trace id of X-Amzn-Trace-Id', async () => {
    const { stream, lines } = captureLines();
    const logger = createPinoLogger({ level: 'info', destination: stream });
    const record = { execute: async () => Promise.reject(new Error('table missing')) };
    const handler = observeWebSocketHandler('connect', createConnectHandler(record as never, logger), NO_METRICS);
    const event = connectEvent({ authorizer: { userId: 'fay', principalId: 'fay' } });
    event.headers = { ...event.headers, 'X-Amzn-Trace-Id': 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1' };

    expect(await handler(event)).toEqual({ statusCode: 500, body: 'INTERNAL_ERROR' });
    expect(lines().length).toBeGreaterThan(0);
    for (const line of lines()) expect(line).toMatchObject({ requestId: 'L0SM9FtNDoEFW6w=', traceId: '5759e988bd862e3fe1be46a994272793' });
  });

  it('should put refusal reasons in a few bounded categories', () => {
    expect(refusalCategory('no token')).toBe('missing_token');
    expect(refusalCategory('"exp" claim timestamp check failed')).toBe('expired');
    expect(refusalCategory('token lives 90000 s, more than the 86400 s allowed')).toBe('lifetime_too_long');
    expect(refusalCategory('signature verification failed')).toBe('bad_signature');
    expect(refusalCategory('sub must not be empty')).toBe('bad_subject');
    expect(refusalCategory('unexpected "iss" claim value')).toBe('wrong_issuer_or_audience');
    expect(refusalCategory('anything else, e.g. Invalid Compact JWS')).toBe('invalid_token');
  });
});
