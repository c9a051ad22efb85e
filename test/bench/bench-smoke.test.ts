/**
 * `npm run bench` is never run by the tests; this smoke test runs it once on a tiny load (one round, a few
 * sockets, a few hundred notifies) and checks that every row is written to results.json with the agreed shape.
 * The figures of a smoke run mean nothing and are not checked.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBench } from '../../bench/index.js';
import { dynamoDbEndpoint } from '../support/dynamodb-local.js';

const ROWS = [
  'sign PostToConnection: socketpost signer',
  'sign PostToConnection: socketpost signer, vs aws4',
  'fan-out: notifyUser',
  'fan-out: notifyUser, vs naive',
  'fan-out: notifyUser, CPU per post',
  'REST: POST /notify',
  'REST: POST /notify, LOG_LEVEL=info',
  'REST: POST /notify, server CPU per request',
  'REST: POST /notify, LOG_LEVEL=info, server CPU per request',
  'connect storm: successes (worst round)',
  'connect storm: handshake p50',
  'connect storm: handshake p99',
  ...['authorizer', 'connect', 'disconnect', 'default'].flatMap((h) => [`cold start: ${h} bundle`, `cold start: ${h} import`]),
  'container: production install',
  'memory: RSS after warm-up',
  'memory: RSS after all notifies',
  'broadcast: DynamoDB sharded index',
  'metrics: POST /notify, METRICS=on',
  'metrics: hello route, correlation hooks',
  'metrics: info log line with requestId',
];

const scratch = mkdtempSync(path.join(tmpdir(), 'socketpost-bench-smoke-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('npm run bench (smoke)', () => {
  it('should write every row, each with a value, a unit and its baseline, to the results file', async () => {
    const out = path.join(scratch, 'results.json');
    await runBench({ mode: 'smoke', out, dynamoDbEndpoint: dynamoDbEndpoint(), env: {} });

    const rows = JSON.parse(readFileSync(out, 'utf8')) as Array<Record<string, unknown>>;
    expect(rows.map((r) => r.name)).toEqual(ROWS);
    for (const r of rows) {
      expect(Object.keys(r).sort(), String(r.name)).toEqual(['baseline', 'baselineValue', 'name', 'ratio', 'unit', 'value']);
      expect(Number.isFinite(r.value), `${String(r.name)} value`).toBe(true);
      expect(typeof r.unit).toBe('string');
      if (r.baseline !== null) expect(r.ratio, String(r.name)).toBeCloseTo((r.value as number) / (r.baselineValue as number), 2);
    }
    expect(rows.find((r) => r.name === 'fan-out: notifyUser')?.baseline).toBe('raw undici');
    expect(rows.find((r) => r.name === 'fan-out: notifyUser, vs naive')?.baseline).toBe('naive');
    expect(rows.find((r) => r.name === 'REST: POST /notify')?.baseline).toBe('hello');
    expect(rows.find((r) => r.name === 'broadcast: DynamoDB sharded index')).toMatchObject({ unit: 'connections/s', baseline: 'same broadcast, in-memory storage' });
  }, 180_000);
});
