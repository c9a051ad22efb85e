import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiGatewayConnectionMessenger } from '../../src/adapters/api-gateway/api-gateway-connection.messenger.js';
import type { ManagementEndpointProps } from '../../src/domain/model/management-endpoint.js';
import { startFakeManagementApi, type FakeManagementApi } from '../support/fake-management-api.js';

const credentials = { accessKeyId: 'AKIDTESTEXAMPLE', secretAccessKey: 'test-secret' };
const data = new TextEncoder().encode('x');

let api: FakeManagementApi;
let messenger: ApiGatewayConnectionMessenger;

function endpoint(stage = 'dev'): ManagementEndpointProps {
  return { apiId: 'abc123', domainName: '127.0.0.1', stage, url: api.endpointUrl(stage), region: 'eu-west-1' };
}

beforeAll(async () => {
  api = await startFakeManagementApi();
  messenger = new ApiGatewayConnectionMessenger({ credentials, requestTimeoutMs: 2_000 });
});

afterEach(() => api.reset());

afterAll(async () => {
  messenger.close();
  await api.close();
});

describe('ApiGatewayConnectionMessenger classification', () => {
  const disagreeing = [
    { status: 410, errorType: 'ForbiddenException', expected: 'forbidden' },
    { status: 403, errorType: 'GoneException', expected: 'gone' },
    { status: 400, errorType: 'LimitExceededException', expected: 'throttled' },
    { status: 429, errorType: 'PayloadTooLargeException', expected: 'too_large' },
  ] as const;

  for (const { status, errorType, expected } of disagreeing) {
    it(`should trust x-amzn-ErrorType ${errorType} over the status ${status} and answer ${expected}`, async () => {
      api.setBehaviour('c1', { status, errorType });
      expect((await messenger.post(endpoint(), 'c1', data)).status).toBe(expected);
    });
  }

  it('should fall back to the status when x-amzn-ErrorType names an exception it does not know', async () => {
    api.setBehaviour('c1', { status: 410, errorType: 'SomethingNewException' });
    expect(await messenger.post(endpoint(), 'c1', data)).toEqual({ status: 'gone' });
  });

  it('should name the exception, the method, the URL and the region in a refusal message', async () => {
    api.setBehaviour('c1', { status: 429 });
    expect(await messenger.post(endpoint(), 'c1', data)).toEqual({
      status: 'throttled',
      message: `HTTP 429 LimitExceededException from POST ${api.endpointUrl('dev')}/@connections (region eu-west-1): Too Many Requests`,
    });
    api.setBehaviour('c2', { status: 413 });
    expect(await messenger.post(endpoint(), 'c2', data)).toEqual({
      status: 'too_large',
      message: `HTTP 413 PayloadTooLargeException from POST ${api.endpointUrl('dev')}/@connections (region eu-west-1): Request Entity Too Large`,
    });
  });

  it('should describe an unexpected HTTP answer by its status, exception and endpoint, not retryable below 500', async () => {
    api.setBehaviour('c1', { status: 404 });
    expect(await messenger.post(endpoint(), 'c1', data)).toEqual({
      status: 'error',
      retryable: false,
      httpStatus: 404,
      message: `HTTP 404 NotFoundException from POST ${api.endpointUrl('dev')}/@connections (region eu-west-1): Error`,
    });
  });

  it('should retry a 500 and a 599 but not a 499', async () => {
    api.setBehaviour('c500', { status: 500 });
    api.setBehaviour('c599', { status: 599, errorTypeHeader: false });
    api.setBehaviour('c499', { status: 499, errorTypeHeader: false });
    expect(await messenger.post(endpoint(), 'c500', data)).toMatchObject({ status: 'error', retryable: true, httpStatus: 500 });
    expect(await messenger.post(endpoint(), 'c599', data)).toMatchObject({ status: 'error', retryable: true, httpStatus: 599 });
    expect(await messenger.post(endpoint(), 'c499', data)).toMatchObject({ status: 'error', retryable: false, httpStatus: 499 });
  });

  it('should not retry when credentials cannot be found (CredentialsProviderError), and say so', async () => {
    const noCredentials = new ApiGatewayConnectionMessenger({
      credentials: async () => {
        const error = new Error('Could not load credentials from any providers');
        error.name = 'CredentialsProviderError';
        throw error;
      },
    });
    try {
      const result = await noCredentials.post(endpoint(), 'c1', data);
      expect(result).toMatchObject({ status: 'error', retryable: false });
      expect(result.status === 'error' && result.message).toContain('CredentialsProviderError');
      expect(result.status === 'error' && result.message).toContain('Could not load credentials');
      expect(result.status === 'error' && result.httpStatus).toBeUndefined();
      expect(api.requests).toHaveLength(0);
    } finally {
      noCredentials.close();
    }
  });

  it('should keep another credentials failure without an HTTP answer retryable', async () => {
    const flaky = new ApiGatewayConnectionMessenger({
      credentials: async () => {
        throw Object.assign(new Error('metadata service timed out'), { name: 'TimeoutError', code: 'ETIMEDOUT' });
      },
    });
    try {
      const result = await flaky.post(endpoint(), 'c1', data);
      expect(result).toMatchObject({ status: 'error', retryable: true });
      expect(result.status === 'error' && result.message).toBe(
        `TimeoutError ETIMEDOUT on POST ${api.endpointUrl('dev')}/@connections (region eu-west-1): metadata service timed out`,
      );
    } finally {
      flaky.close();
    }
  });

  it('should describe something thrown that is not an Error', async () => {
    const odd = new ApiGatewayConnectionMessenger({
      credentials: async () => {
        throw 'no credentials today';
      },
    });
    try {
      const result = await odd.post(endpoint(), 'c1', data);
      expect(result).toMatchObject({ status: 'error', retryable: true });
      expect(result.status === 'error' && result.message).toContain('no credentials today');
    } finally {
      odd.close();
    }
  });
});

describe('ApiGatewayConnectionMessenger GET and DELETE outcomes', () => {
  it('should report the connection times and identity that GET answers', async () => {
    const before = Date.now() - 1_000;
    const result = await messenger.getConnection(endpoint(), 'c1');
    expect(result.status).toBe('found');
    const info = result.status === 'found' ? result.connection : undefined;
    expect(info?.connectedAt).toBeGreaterThanOrEqual(before);
    expect(info?.lastActiveAt).toBeGreaterThanOrEqual(before);
    expect(info?.identity).toMatchObject({ sourceIp: '127.0.0.1', userAgent: 'fake-client' });
  });

  it('should report a throttled GET as throttled and a too-large DELETE as a final 413', async () => {
    api.setBehaviour('busy', { status: 429 });
    api.setBehaviour('big', { status: 413 });
    expect(await messenger.getConnection(endpoint(), 'busy')).toMatchObject({ status: 'throttled' });
    expect(await messenger.deleteConnection(endpoint(), 'big')).toMatchObject({ status: 'error', retryable: false, httpStatus: 413 });
  });

  it('should say which method failed', async () => {
    api.setBehaviour('c1', { status: 403 });
    const get = await messenger.getConnection(endpoint(), 'c1');
    const del = await messenger.deleteConnection(endpoint(), 'c1');
    expect(get.status === 'forbidden' && get.message).toContain(`GET ${api.endpointUrl('dev')}/@connections`);
    expect(del.status === 'forbidden' && del.message).toContain(`DELETE ${api.endpointUrl('dev')}/@connections`);
  });

  it('should report a 400 on GET as an error that is not retryable', async () => {
    api.setBehaviour('c1', { status: 400 });
    expect(await messenger.getConnection(endpoint(), 'c1')).toMatchObject({ status: 'error', retryable: false, httpStatus: 400 });
  });
});
