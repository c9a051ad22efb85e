import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiGatewayConnectionMessenger } from '../../src/adapters/api-gateway/api-gateway-connection.messenger.js';
import type { ManagementEndpointProps } from '../../src/domain/model/management-endpoint.js';

/** The SDK messenger passes a 429's Retry-After on, as the signed-HTTP one does, for the pacing to honour. */
describe('ApiGatewayConnectionMessenger Retry-After', () => {
  let retryAfter: string | undefined;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () =>
      res
        .writeHead(429, { 'x-amzn-ErrorType': 'LimitExceededException', 'content-type': 'application/json', ...(retryAfter ? { 'Retry-After': retryAfter } : {}) })
        .end('{"message":"Rate exceeded"}'),
    );
  });
  let endpoint: ManagementEndpointProps;
  const messenger = new ApiGatewayConnectionMessenger({ credentials: { accessKeyId: 'AKIDRETRYAFTER', secretAccessKey: 'retry-after-secret' }, requestTimeoutMs: 2_000 });

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dev`;
    endpoint = { apiId: 'abc123', domainName: '127.0.0.1', stage: 'dev', url, region: 'eu-west-1' };
  });
  afterAll(async () => {
    messenger.close();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  });

  it("should keep a 429's Retry-After as retryAfterMs", async () => {
    retryAfter = '3';
    expect(await messenger.post(endpoint, 'c1', new Uint8Array([1]))).toMatchObject({ status: 'throttled', retryAfterMs: 3_000 });
  });

  it('should leave retryAfterMs out when the 429 has no Retry-After', async () => {
    retryAfter = undefined;
    const result = await messenger.post(endpoint, 'c1', new Uint8Array([1]));
    expect(result.status).toBe('throttled');
    expect(result).not.toHaveProperty('retryAfterMs');
  });
});
