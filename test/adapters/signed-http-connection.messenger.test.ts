import { createServer as createHttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { ApiGatewayManagementApiClient, PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RefreshingCredentialsSource } from '../../src/adapters/api-gateway/aws-credentials.source.js';
import { SignedHttpConnectionMessenger } from '../../src/adapters/api-gateway/signed-http-connection.messenger.js';
import { SigV4Signer, type AwsCredentials } from '../../src/adapters/api-gateway/sigv4.signer.js';
import type { ManagementEndpointProps } from '../../src/domain/model/management-endpoint.js';
import { describeConnectionMessengerContract } from '../contract/connection-messenger.contract.js';
import { startFakeManagementApi, type FakeManagementApi, type RecordedRequest } from '../support/fake-management-api.js';

describeConnectionMessengerContract('SignedHttpConnectionMessenger', (options) => {
  const adapter = new SignedHttpConnectionMessenger(options);
  return { messenger: adapter, close: () => adapter.close() };
});

describe('SignedHttpConnectionMessenger signature', () => {
  let sink: FakeManagementApi;
  const credentials = { accessKeyId: 'AKIDSIGNATURETEST', secretAccessKey: 'signature-test-secret' };
  const fixedInstant = Date.UTC(2026, 10, 26, 13, 45, 7, 123);

  beforeAll(async () => {
    sink = await startFakeManagementApi();
  });
  afterEach(() => {
    sink.reset();
    vi.useRealTimers();
  });
  afterAll(() => sink.close());

  const endpoint = (): ManagementEndpointProps => ({ apiId: 'abc123', domainName: '127.0.0.1', stage: 'dev', url: sink.endpointUrl('dev'), region: 'ap-southeast-2' });

  /** The request exactly as it reached the sink, reduced to what its Authorization header says was signed. */
  function signedPart(request: RecordedRequest | undefined) {
    const authorization = String(request?.headers.authorization ?? '');
    const names = (/SignedHeaders=([^,\s]+)/.exec(authorization)?.[1] ?? '').split(';');
    const headers: Record<string, string> = {};
    for (const name of names) if (name !== 'host') headers[name] = String(request?.headers[name]);
    return { authorization, host: String(request?.headers.host), path: request?.rawPath ?? '', headers, body: new Uint8Array(request?.body ?? []) };
  }

  for (const sessionToken of [undefined, 'FwoGZXIvYXdzEJr//session+token=']) {
    it(`should sign the SDK's own request to the same Authorization header at the same instant${sessionToken ? ' (with a session token)' : ''}`, async () => {
      const keys = sessionToken ? { ...credentials, sessionToken } : credentials;
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(fixedInstant);
      const sdk = new ApiGatewayManagementApiClient({ endpoint: sink.endpointUrl('dev'), region: 'ap-southeast-2', credentials: keys, maxAttempts: 1 });
      try {
        await sdk.send(new PostToConnectionCommand({ ConnectionId: 'L0S/M9c+OFv=', Data: new TextEncoder().encode('{"a":1}') }));
      } finally {
        sdk.destroy();
      }
      const sent = signedPart(sink.requests[0]);
      expect(sent.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDSIGNATURETEST\/20261126\/ap-southeast-2\/execute-api\/aws4_request/);

      const ours = new SigV4Signer().sign({ method: 'POST', host: sent.host, path: sent.path, headers: sent.headers, body: sent.body }, keys, 'ap-southeast-2', fixedInstant);

      expect(ours.authorization).toBe(sent.authorization);
    });
  }

  it('should send requests the SDK signer signs to the same Authorization header (fixed clock)', async () => {
    const adapter = new SignedHttpConnectionMessenger({ credentials, now: () => fixedInstant });
    try {
      expect(await adapter.post(endpoint(), 'L0S/M9c+OFv=', new TextEncoder().encode('hé'))).toEqual({ status: 'delivered' });
      expect((await adapter.deleteConnection(endpoint(), 'a=b')).status).toBe('deleted');
    } finally {
      await adapter.close();
    }
    const sdkSigner = new SignatureV4({ service: 'execute-api', region: 'ap-southeast-2', credentials, sha256: Sha256, applyChecksum: false });
    for (const request of sink.requests) {
      const sent = signedPart(request);
      const expected = await sdkSigner.sign(
        { method: request.method, protocol: 'http:', hostname: sent.host, path: sent.path, headers: { ...sent.headers, host: sent.host }, body: sent.body },
        { signingDate: new Date(fixedInstant) },
      );
      expect(sent.authorization).toBe(expected.headers.authorization);
    }
    expect(sink.requests.map((r) => r.method)).toEqual(['POST', 'DELETE']);
    expect(sink.requests[0]?.rawPath).toBe('/dev/@connections/L0S%2FM9c%2BOFv%3D');
    expect(sink.requests[0]?.headers['content-type']).toBe('application/octet-stream');
  });
});

/** A loopback server that counts TCP connections and answers every request with `reply`. */
async function countingServer(reply: (res: ServerResponse) => void = (res) => res.writeHead(200, { 'content-length': '0' }).end()) {
  let connections = 0;
  let requests = 0;
  const server = createHttpServer((req, res) => {
    requests += 1;
    req.resume();
    req.on('end', () => reply(res));
  });
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (stage: string) => `http://127.0.0.1:${port}/${stage}`,
    get connections() {
      return connections;
    },
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const loopback = (url: string, stage = 'dev'): ManagementEndpointProps => ({ apiId: 'abc123', domainName: '127.0.0.1', stage, url, region: 'eu-west-1' });
const keys = { accessKeyId: 'AKIDPOOLTEST', secretAccessKey: 'pool-test-secret' };

describe('SignedHttpConnectionMessenger pools', () => {
  it('should reuse one keep-alive pool per endpoint origin, whatever the stage', async () => {
    const a = await countingServer();
    const b = await countingServer();
    const adapter = new SignedHttpConnectionMessenger({ credentials: keys });
    try {
      for (let i = 0; i < 20; i += 1) {
        expect(await adapter.post(loopback(a.url(i % 2 === 0 ? 'dev' : 'prod')), `c${i}`, new Uint8Array([1]))).toEqual({ status: 'delivered' });
      }
      expect(adapter.poolCount).toBe(1);
      expect(a.requests).toBe(20);
      // Keep-alive: the 20 posts share a socket or two (undici may open a second while the first is released).
      expect(a.connections).toBeLessThanOrEqual(2);

      await adapter.post(loopback(b.url('dev')), 'c1', new Uint8Array([1]));
      expect(adapter.poolCount).toBe(2);
    } finally {
      await adapter.close();
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('should open at most maxConnections sockets to one origin however many posts are in flight', async () => {
    const server = await countingServer((res) => setTimeout(() => res.writeHead(200, { 'content-length': '0' }).end(), 5));
    const adapter = new SignedHttpConnectionMessenger({ credentials: keys, maxConnections: 4 });
    try {
      const results = await Promise.all(Array.from({ length: 100 }, (_, i) => adapter.post(loopback(server.url('dev')), `c${i}`, new Uint8Array([1]))));
      expect(results.every((r) => r.status === 'delivered')).toBe(true);
      expect(server.requests).toBe(100);
      expect(server.connections).toBeLessThanOrEqual(4);
    } finally {
      await adapter.close();
      await server.close();
    }
  });

  it("should keep a 429's Retry-After as retryAfterMs", async () => {
    const server = await countingServer((res) =>
      res.writeHead(429, { 'x-amzn-ErrorType': 'LimitExceededException', 'Retry-After': '3', 'content-type': 'application/json' }).end('{"message":"Rate exceeded"}'),
    );
    const adapter = new SignedHttpConnectionMessenger({ credentials: keys });
    try {
      const result = await adapter.post(loopback(server.url('dev')), 'c1', new Uint8Array([1]));
      expect(result).toMatchObject({ status: 'throttled', retryAfterMs: 3_000 });
      expect(result.status === 'throttled' && result.message).toContain('Rate exceeded');
    } finally {
      await adapter.close();
      await server.close();
    }
  });

  it('should read an x-amzn-ErrorType that carries a suffix after a colon', async () => {
    const server = await countingServer((res) =>
      res.writeHead(400, { 'x-amzn-ErrorType': 'GoneException:http://internal.amazon.com/coral/com.amazonaws.apigateway/' }).end('{}'),
    );
    const adapter = new SignedHttpConnectionMessenger({ credentials: keys });
    try {
      expect(await adapter.post(loopback(server.url('dev')), 'c1', new Uint8Array([1]))).toEqual({ status: 'gone' });
    } finally {
      await adapter.close();
      await server.close();
    }
  });
});

describe('SignedHttpConnectionMessenger credentials', () => {
  const accessKeyOf = (request: RecordedRequest | undefined) => /Credential=([^/]+)\//.exec(String(request?.headers.authorization))?.[1];

  it('should sign with rotated credentials once the old ones near their expiry, never reading them only once', async () => {
    const sink = await startFakeManagementApi();
    let now = Date.UTC(2026, 10, 26, 12, 0, 0);
    const issued = [
      { accessKeyId: 'ASIAFIRST', secretAccessKey: 's1', sessionToken: 't1', expiration: new Date(now + 15 * 60_000) },
      { accessKeyId: 'ASIASECOND', secretAccessKey: 's2', sessionToken: 't2', expiration: new Date(now + 75 * 60_000) },
    ];
    let calls = 0;
    const source = new RefreshingCredentialsSource(async () => issued[Math.min(calls++, issued.length - 1)] as AwsCredentials, { now: () => now });
    const adapter = new SignedHttpConnectionMessenger({ credentials: source, now: () => now });
    const endpoint = loopback(sink.endpointUrl('dev'));
    try {
      await adapter.post(endpoint, 'c1', new Uint8Array([1]));
      now += 5 * 60_000;
      await adapter.post(endpoint, 'c1', new Uint8Array([1]));
      expect(calls).toBe(1);

      // 4 minutes left: still signs with the first, while the second is fetched.
      now += 6 * 60_000;
      await adapter.post(endpoint, 'c1', new Uint8Array([1]));
      await new Promise((r) => setImmediate(r));
      await adapter.post(endpoint, 'c1', new Uint8Array([1]));

      expect(calls).toBe(2);
      expect(sink.requests.map(accessKeyOf)).toEqual(['ASIAFIRST', 'ASIAFIRST', 'ASIAFIRST', 'ASIASECOND']);
      expect(sink.requests[3]?.headers['x-amz-security-token']).toBe('t2');
    } finally {
      await adapter.close();
      await sink.close();
    }
  });

  it('should wait for new credentials once the cached ones expired, fetching them once for concurrent posts', async () => {
    let now = 0;
    let calls = 0;
    const source = new RefreshingCredentialsSource(
      async () => {
        calls += 1;
        await new Promise((r) => setTimeout(r, 5));
        return { accessKeyId: `KEY${calls}`, secretAccessKey: 's', expiration: new Date(now + 60 * 60_000) };
      },
      { now: () => now },
    );
    expect((await source.get()).accessKeyId).toBe('KEY1');
    now += 61 * 60_000;
    const all = await Promise.all([source.get(), source.get(), source.get()]);
    expect(all.map((c) => c.accessKeyId)).toEqual(['KEY2', 'KEY2', 'KEY2']);
    expect(calls).toBe(2);
  });

  it('should answer a non-retryable error saying what to set when no credentials can be found, and send nothing', async () => {
    const sink = await startFakeManagementApi();
    const source = new RefreshingCredentialsSource(async () => {
      throw new Error('Could not load credentials from any providers');
    });
    const adapter = new SignedHttpConnectionMessenger({ credentials: source });
    try {
      const result = await adapter.post(loopback(sink.endpointUrl('dev')), 'c1', new Uint8Array([1]));
      expect(result).toMatchObject({ status: 'error', retryable: false });
      expect(result.status === 'error' && result.message).toContain('AWS_ACCESS_KEY_ID');
      expect(sink.requests).toHaveLength(0);
    } finally {
      await adapter.close();
      await sink.close();
    }
  });
});
