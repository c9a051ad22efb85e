import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiGatewayEmulator, type ApiGatewayEmulator } from '../../../src/local/emulator/api-gateway-emulator.js';
import { PostRateLimiter } from '../../../src/local/emulator/post-rate.limiter.js';
import { CREDENTIALS, REGION } from './fixtures.js';
import { signedRequest } from './signed-request.js';

describe('PostRateLimiter', () => {
  it('should let a full bucket through, then refill at the rate', () => {
    const limiter = new PostRateLimiter(10, 10, 0);
    const first = Array.from({ length: 12 }, () => limiter.tryAcquire(0));
    expect(first.filter(Boolean)).toHaveLength(10);
    expect(limiter.tryAcquire(50)).toBe(false);
    expect(limiter.tryAcquire(100)).toBe(true);
    expect(limiter.tryAcquire(100)).toBe(false);
    // A long quiet spell refills the bucket only up to its burst.
    expect(Array.from({ length: 12 }, () => limiter.tryAcquire(60_000)).filter(Boolean)).toHaveLength(10);
  });
});

describe('API Gateway emulator post throttle and virtual connections', () => {
  let emulator: ApiGatewayEmulator;
  const request = (method: string, connectionId: string, stage = 'dev') =>
    signedRequest({
      port: emulator.port,
      method,
      path: `/${stage}/@connections/${encodeURIComponent(connectionId)}`,
      ...(method === 'POST' ? { body: 'x' } : {}),
      region: REGION,
      credentials: CREDENTIALS,
    });

  beforeAll(async () => {
    emulator = await startApiGatewayEmulator({}, { stages: ['dev', 'prod'], region: REGION, credentials: CREDENTIALS, maxPostsPerSecond: 3 });
  });
  afterAll(() => emulator.stop());

  it('should answer 429 LimitExceededException to posts beyond maxPostsPerSecond, and count only what it delivered', async () => {
    const connectionId = emulator.openVirtualConnection('dev');
    const answers = [];
    for (let i = 0; i < 6; i += 1) answers.push(await request('POST', connectionId));

    const throttled = answers.filter((a) => a.status === 429);
    expect(throttled.length).toBeGreaterThan(0);
    expect(throttled.every((a) => a.headers['x-amzn-errortype'] === 'LimitExceededException')).toBe(true);
    expect(emulator.virtualDeliveries(connectionId)).toBe(answers.filter((a) => a.status === 200).length);
  });

  it('should serve a virtual connection like any other: GET, 403 through another stage, DELETE then 410', async () => {
    const connectionId = emulator.openVirtualConnection('dev');
    expect(emulator.connections().map((c) => c.connectionId)).toContain(connectionId);

    const info = await request('GET', connectionId);
    expect(info.status).toBe(200);
    expect(JSON.parse(info.body)).toMatchObject({ identity: { sourceIp: '127.0.0.1' } });
    expect((await request('GET', connectionId, 'prod')).status).toBe(403);
    expect((await request('DELETE', connectionId)).status).toBe(204);
    expect((await request('GET', connectionId)).status).toBe(410);
    expect(emulator.virtualDeliveries('never-opened')).toBeUndefined();
  });
});
