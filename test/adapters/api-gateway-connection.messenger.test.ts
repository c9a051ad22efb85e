import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ApiGatewayConnectionMessenger } from '../../src/adapters/api-gateway/api-gateway-connection.messenger.js';
import type { ManagementEndpointProps } from '../../src/domain/model/management-endpoint.js';
import { startFakeManagementApi, type FakeManagementApi } from '../support/fake-management-api.js';
import { describeConnectionMessengerContract } from '../contract/connection-messenger.contract.js';
import { refusedPort } from '../support/loopback-sinks.js';

const credentials = { accessKeyId: 'AKIDTESTEXAMPLE', secretAccessKey: 'test-secret' };
const encoder = new TextEncoder();

let api: FakeManagementApi;
let messenger: ApiGatewayConnectionMessenger;

function endpoint(stage: string, region = 'eu-west-1', url = api.endpointUrl(stage)): ManagementEndpointProps {
  return { apiId: 'abc123', domainName: '127.0.0.1', stage, url, region };
}

beforeAll(async () => {
  api = await startFakeManagementApi();
  messenger = new ApiGatewayConnectionMessenger({ credentials, requestTimeoutMs: 2_000 });
});

afterEach(() => {
  api.reset();
  vi.unstubAllEnvs();
});

afterAll(async () => {
  messenger.close();
  await api.close();
});

describe('ApiGatewayConnectionMessenger.post', () => {
  it('should deliver the exact bytes as application/octet-stream to /{stage}/@connections/{encoded id}', async () => {
    const connectionId = 'Ab1=/x+y';
    const data = encoder.encode('{"hello":"wörld"} ✓');

    const result = await messenger.post(endpoint('dev'), connectionId, data);

    expect(result).toEqual({ status: 'delivered' });
    const [request] = api.requests;
    expect(api.requests).toHaveLength(1);
    expect(request?.method).toBe('POST');
    expect(request?.rawPath).toBe(`/dev/@connections/${encodeURIComponent(connectionId)}`);
    expect(request?.rawPath).toContain('%3D');
    expect(request?.rawPath).toContain('%2F');
    expect(request?.connectionId).toBe(connectionId);
    expect(request?.headers['content-type']).toBe('application/octet-stream');
    expect(new Uint8Array(request?.body ?? [])).toEqual(data);
  });

  it('should post through the stage of the endpoint it is given', async () => {
    await messenger.post(endpoint('prod'), 'c1', encoder.encode('a'));
    await messenger.post(endpoint('$default'), 'c1', encoder.encode('b'));

    expect(api.requests.map((r) => r.stage)).toEqual(['prod', '$default']);
  });

  const withHeader = [
    { status: 410, expected: { status: 'gone' } },
    { status: 403, expected: { status: 'forbidden' } },
    { status: 413, expected: { status: 'too_large' } },
    { status: 429, expected: { status: 'throttled' } },
    { status: 500, expected: { status: 'error', retryable: true, httpStatus: 500 } },
    { status: 503, expected: { status: 'error', retryable: true, httpStatus: 503 } },
    { status: 400, expected: { status: 'error', retryable: false, httpStatus: 400 } },
  ] as const;

  for (const { status, expected } of withHeader) {
    it(`should map a ${status} carrying x-amzn-ErrorType to ${expected.status}`, async () => {
      api.setBehaviour('c1', { status });
      const result = await messenger.post(endpoint('dev'), 'c1', encoder.encode('x'));
      expect(result).toMatchObject(expected);
    });

    it(`should map a bare ${status} without x-amzn-ErrorType to ${expected.status} by its status code`, async () => {
      api.setBehaviour('c1', { status, errorTypeHeader: false });
      const result = await messenger.post(endpoint('dev'), 'c1', encoder.encode('x'));
      expect(result).toMatchObject(expected);
    });
  }

  it('should name the endpoint URL and region in a forbidden message', async () => {
    api.setBehaviour('c1', { status: 403 });
    const result = await messenger.post(endpoint('dev'), 'c1', encoder.encode('x'));
    expect(result.status).toBe('forbidden');
    expect(result.status === 'forbidden' && result.message).toContain(`${api.endpointUrl('dev')}/@connections`);
    expect(result.status === 'forbidden' && result.message).toContain('eu-west-1');
  });

  it('should answer 413 for a body over 128 KB sent to the fake API, mapped to too_large', async () => {
    const result = await messenger.post(endpoint('dev'), 'c1', new Uint8Array(131_073));
    expect(result.status).toBe('too_large');
  });

  it('should return a retryable error when nothing listens on the endpoint', async () => {
    const port = await refusedPort();
    const result = await messenger.post(endpoint('dev', 'eu-west-1', `http://127.0.0.1:${port}/dev`), 'c1', encoder.encode('x'));
    expect(result).toMatchObject({ status: 'error', retryable: true });
    expect(result.status === 'error' && result.message).toContain('ECONNREFUSED');
    expect(result.status === 'error' && result.httpStatus).toBeUndefined();
  });

  it('should return a retryable error when the endpoint does not answer within requestTimeoutMs', async () => {
    const impatient = new ApiGatewayConnectionMessenger({ credentials, requestTimeoutMs: 200 });
    try {
      api.setBehaviour('slow', { status: 200, delayMs: 3_000 });
      const result = await impatient.post(endpoint('dev'), 'slow', encoder.encode('x'));
      expect(result).toMatchObject({ status: 'error', retryable: true });
      expect(result.status === 'error' && result.message).toMatch(/timeout/i);
    } finally {
      impatient.close();
    }
  });

  it('should not retry inside the SDK (the use case owns retries)', async () => {
    api.setBehaviour('c1', { status: 500 });
    await messenger.post(endpoint('dev'), 'c1', encoder.encode('x'));
    expect(api.requestsFor('c1')).toHaveLength(1);
  });
});

describe('ApiGatewayConnectionMessenger signing', () => {
  function credentialScope(authorization: string | undefined): string[] {
    const match = /Credential=([^,]+)/.exec(authorization ?? '');
    return (match?.[1] ?? '').split('/');
  }

  it("should sign for the endpoint's region and service execute-api, not the process region", async () => {
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_DEFAULT_REGION', 'us-east-1');
    const fresh = new ApiGatewayConnectionMessenger({ credentials });
    try {
      await fresh.post(endpoint('dev', 'eu-west-1'), 'c1', encoder.encode('x'));
      await fresh.post(endpoint('dev', 'ap-southeast-2'), 'c2', encoder.encode('x'));
    } finally {
      fresh.close();
    }

    const [first, second] = api.requests;
    expect(first?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 /);
    const scope1 = credentialScope(first?.headers.authorization);
    const scope2 = credentialScope(second?.headers.authorization);
    expect(scope1[0]).toBe(credentials.accessKeyId);
    expect(scope1.slice(2)).toEqual(['eu-west-1', 'execute-api', 'aws4_request']);
    expect(scope2.slice(2)).toEqual(['ap-southeast-2', 'execute-api', 'aws4_request']);
  });
});

describe('ApiGatewayConnectionMessenger client cache', () => {
  it('should reuse one client for many posts to the same endpoint', async () => {
    const local = new ApiGatewayConnectionMessenger({ credentials });
    try {
      for (let i = 0; i < 20; i += 1) {
        expect(await local.post(endpoint('dev'), `c${i}`, encoder.encode('x'))).toEqual({ status: 'delivered' });
      }
      expect(local.clientCount).toBe(1);
      expect(api.requests).toHaveLength(20);
    } finally {
      local.close();
    }
  });

  it('should keep distinct clients for distinct stages and regions', async () => {
    const local = new ApiGatewayConnectionMessenger({ credentials });
    try {
      await local.post(endpoint('dev', 'eu-west-1'), 'c1', encoder.encode('x'));
      await local.post(endpoint('prod', 'eu-west-1'), 'c1', encoder.encode('x'));
      await local.post(endpoint('prod', 'us-east-1'), 'c1', encoder.encode('x'));
      await local.post(endpoint('prod', 'us-east-1'), 'c2', encoder.encode('x'));
      expect(local.clientCount).toBe(3);
    } finally {
      local.close();
    }
  });

  it('should drop its clients on close and make a new one when used again', async () => {
    const local = new ApiGatewayConnectionMessenger({ credentials });
    await local.post(endpoint('dev'), 'c1', encoder.encode('x'));
    local.close();
    expect(local.clientCount).toBe(0);
    expect(await local.post(endpoint('dev'), 'c1', encoder.encode('x'))).toEqual({ status: 'delivered' });
    expect(local.clientCount).toBe(1);
    local.close();
  });
});

describe('ApiGatewayConnectionMessenger get and delete', () => {
  it('should read connection info with GET', async () => {
    const result = await messenger.getConnection(endpoint('dev'), 'c=1');
    expect(result.status).toBe('found');
    const info = result.status === 'found' ? result.connection : undefined;
    expect(info?.identity).toEqual({ sourceIp: '127.0.0.1', userAgent: 'fake-client' });
    expect(typeof info?.connectedAt).toBe('number');
    expect(api.requests[0]).toMatchObject({ method: 'GET', rawPath: '/dev/@connections/c%3D1' });
  });

  it('should delete a connection with DELETE', async () => {
    expect(await messenger.deleteConnection(endpoint('dev'), 'c1')).toEqual({ status: 'deleted' });
    expect(api.requests[0]).toMatchObject({ method: 'DELETE', connectionId: 'c1' });
  });

  it('should report gone and forbidden as values for GET and DELETE', async () => {
    api.setBehaviour('gone', { status: 410, errorTypeHeader: false });
    api.setBehaviour('denied', { status: 403 });
    expect(await messenger.getConnection(endpoint('dev'), 'gone')).toEqual({ status: 'gone' });
    expect(await messenger.deleteConnection(endpoint('dev'), 'gone')).toEqual({ status: 'gone' });
    expect((await messenger.getConnection(endpoint('dev'), 'denied')).status).toBe('forbidden');
    expect((await messenger.deleteConnection(endpoint('dev'), 'denied')).status).toBe('forbidden');
  });

  it('should report a 500 on DELETE as a retryable error', async () => {
    api.setBehaviour('c1', { status: 500 });
    expect(await messenger.deleteConnection(endpoint('dev'), 'c1')).toMatchObject({
      status: 'error',
      retryable: true,
      httpStatus: 500,
    });
  });
});

describeConnectionMessengerContract('ApiGatewayConnectionMessenger', (options) => {
  const adapter = new ApiGatewayConnectionMessenger(options);
  return { messenger: adapter, close: () => adapter.close() };
});
