import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiGatewayConnectionMessenger } from '../../src/adapters/api-gateway/api-gateway-connection.messenger.js';
import type { ManagementEndpointProps } from '../../src/domain/model/management-endpoint.js';
import { startFakeManagementApi, type FakeManagementApi } from '../support/fake-management-api.js';

const credentials = { accessKeyId: 'AKIDTESTEXAMPLE', secretAccessKey: 'test-secret' };
const data = new TextEncoder().encode('x');

let api: FakeManagementApi;

function endpoint(stage = 'dev'): ManagementEndpointProps {
  return { apiId: 'abc123', domainName: '127.0.0.1', stage, url: api.endpointUrl(stage), region: 'eu-west-1' };
}

/** How many TCP connections the requests came over. */
function tcpConnections(): number {
  return new Set(api.requests.map((r) => r.remotePort)).size;
}

beforeAll(async () => {
  api = await startFakeManagementApi();
});

afterEach(() => api.reset());

afterAll(async () => {
  await api.close();
});

describe('ApiGatewayConnectionMessenger connection reuse', () => {
  it('should send many posts to one endpoint over one kept-alive TCP connection', async () => {
    const messenger = new ApiGatewayConnectionMessenger({ credentials });
    try {
      for (let i = 0; i < 10; i += 1) expect(await messenger.post(endpoint(), `c${i}`, data)).toEqual({ status: 'delivered' });
      expect(api.requests).toHaveLength(10);
      expect(tcpConnections()).toBe(1);
    } finally {
      messenger.close();
    }
  });

  it('should keep reusing its connection across GET, POST and DELETE', async () => {
    const messenger = new ApiGatewayConnectionMessenger({ credentials });
    try {
      await messenger.post(endpoint(), 'c1', data);
      await messenger.getConnection(endpoint(), 'c1');
      await messenger.deleteConnection(endpoint(), 'c1');
      expect(tcpConnections()).toBe(1);
      expect(messenger.clientCount).toBe(1);
    } finally {
      messenger.close();
    }
  });

  it('should open at most maxSockets connections to one endpoint however many posts run at once', async () => {
    const messenger = new ApiGatewayConnectionMessenger({ credentials, maxSockets: 1 });
    try {
      api.setDefaultBehaviour({ status: 200, delayMs: 20 });
      const results = await Promise.all(Array.from({ length: 5 }, (_, i) => messenger.post(endpoint(), `c${i}`, data)));
      expect(results.every((r) => r.status === 'delivered')).toBe(true);
      expect(tcpConnections()).toBe(1);
    } finally {
      messenger.close();
    }
  });

  it('should open several connections for concurrent posts by default', async () => {
    const messenger = new ApiGatewayConnectionMessenger({ credentials });
    try {
      api.setDefaultBehaviour({ status: 200, delayMs: 50 });
      await Promise.all(Array.from({ length: 3 }, (_, i) => messenger.post(endpoint(), `c${i}`, data)));
      expect(tcpConnections()).toBe(3);
    } finally {
      messenger.close();
    }
  });

  it('should open a new connection after close', async () => {
    const messenger = new ApiGatewayConnectionMessenger({ credentials });
    try {
      await messenger.post(endpoint(), 'c1', data);
      messenger.close();
      await messenger.post(endpoint(), 'c2', data);
      expect(tcpConnections()).toBe(2);
    } finally {
      messenger.close();
    }
  });
});

describe('ApiGatewayConnectionMessenger options', () => {
  it.each([{ requestTimeoutMs: 0 }, { requestTimeoutMs: -1 }, { maxSockets: 0 }, { requestTimeoutMs: Number.NaN }])(
    'should refuse %o',
    (options) => {
      expect(() => new ApiGatewayConnectionMessenger({ credentials, ...options })).toThrow(RangeError);
    },
  );

  it('should accept one socket and a 1 ms timeout', () => {
    expect(() => new ApiGatewayConnectionMessenger({ credentials, maxSockets: 1, requestTimeoutMs: 1 }).close()).not.toThrow();
  });
});
