import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiGatewayConnectionMessenger } from '../../src/adapters/api-gateway/api-gateway-connection.messenger.js';
import type { ManagementEndpointProps } from '../../src/domain/model/management-endpoint.js';

/**
 * Whatever the SDK throws is classified by its name, status and code. A credentials provider that throws is
 * the one place where a test chooses exactly what reaches the messenger: nothing is sent over the network.
 */
const URL_ = 'http://127.0.0.1:9/dev';
const endpoint: ManagementEndpointProps = { apiId: 'abc123', domainName: '127.0.0.1:9', stage: 'dev', url: URL_, region: 'eu-west-1' };
const where = `on POST ${URL_}/@connections (region eu-west-1)`;
const data = new TextEncoder().encode('x');

function throwing(thrown: unknown): ApiGatewayConnectionMessenger {
  return new ApiGatewayConnectionMessenger({
    credentials: async () => {
      throw thrown;
    },
  });
}

describe('ApiGatewayConnectionMessenger with what the SDK throws', () => {
  it('should describe a failure without an HTTP answer by its name, code and message, with no httpStatus', async () => {
    const result = await throwing(Object.assign(new Error('socket hang up'), { name: 'NetworkError' })).post(endpoint, 'c1', data);
    expect(result).toStrictEqual({ status: 'error', retryable: true, message: `NetworkError ${where}: socket hang up` });
  });

  it('should leave out a code that is not a string', async () => {
    const result = await throwing(Object.assign(new Error('odd'), { name: 'OddError', code: 42 })).post(endpoint, 'c1', data);
    expect(result).toMatchObject({ message: `OddError ${where}: odd` });
  });

  it('should call something thrown without a name an Error, and describe it by its text', async () => {
    const result = await throwing('no credentials today').post(endpoint, 'c1', data);
    expect(result).toMatchObject({ status: 'error', retryable: true, message: `Error ${where}: no credentials today` });
  });

  it('should fall back to the text of an error whose message is empty', async () => {
    const result = await throwing(Object.assign(new Error(''), { name: 'BlankError' })).post(endpoint, 'c1', data);
    expect(result).toMatchObject({ message: `BlankError ${where}: BlankError` });
  });

  it('should read the status from $metadata, or from $response when $metadata has none', async () => {
    const fromMetadata = await throwing({ name: 'ServiceError', message: 'm', $metadata: { httpStatusCode: 503 } }).post(endpoint, 'c1', data);
    expect(fromMetadata).toStrictEqual({
      status: 'error',
      retryable: true,
      httpStatus: 503,
      message: `HTTP 503 ServiceError from POST ${URL_}/@connections (region eu-west-1): m`,
    });
    const fromResponse = await throwing({ name: 'ServiceError', message: 'm', $response: { statusCode: 410 } }).post(endpoint, 'c1', data);
    expect(fromResponse).toEqual({ status: 'gone' });
  });

  it('should classify a known exception name even without any status', async () => {
    expect(await throwing({ name: 'GoneException', message: 'm' }).post(endpoint, 'c1', data)).toEqual({ status: 'gone' });
  });

  it('should report a throttle on GET as throttled and a too-large DELETE as a final 413, even when the error carried no status', async () => {
    expect(await throwing({ name: 'LimitExceededException', message: 'm' }).getConnection(endpoint, 'c1')).toEqual({
      status: 'throttled',
      message: `LimitExceededException ${where.replace('POST', 'GET')}: m`,
    });
    expect(await throwing({ name: 'PayloadTooLargeException', message: 'm' }).deleteConnection(endpoint, 'c1')).toStrictEqual({
      status: 'error',
      retryable: false,
      httpStatus: 413,
      message: `PayloadTooLargeException ${where.replace('POST', 'DELETE')}: m`,
    });
  });

  it('should name both limits when refusing its options', () => {
    expect(() => new ApiGatewayConnectionMessenger({ maxSockets: 0 })).toThrow('requestTimeoutMs must be positive and maxSockets at least 1');
  });
});

describe('ApiGatewayConnectionMessenger GET with a sparse answer', () => {
  const CONNECTED_AT = '2026-11-25T12:00:00.000Z';
  let server: Server;
  let url: string;

  beforeAll(async () => {
    // Answers GET @connections with only the fields a test puts in the path's last segment.
    server = createServer((req, res) => {
      const path = req.url ?? '';
      const sparse = path.endsWith('/empty') ? {} : path.endsWith('/connected-only') ? { connectedAt: CONNECTED_AT } : { identity: {} };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(sparse));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dev`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('should fill in what GET did not answer (no times, no identity) without failing', async () => {
    const messenger = new ApiGatewayConnectionMessenger({ credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } });
    try {
      const local = { ...endpoint, url };
      const unknown = { connectedAt: 0, lastActiveAt: 0, identity: { sourceIp: '' } };
      expect(await messenger.getConnection(local, 'empty')).toStrictEqual({ status: 'found', connection: unknown });
      expect(await messenger.getConnection(local, 'no-identity')).toStrictEqual({ status: 'found', connection: unknown });
      const at = Date.parse(CONNECTED_AT);
      expect(await messenger.getConnection(local, 'connected-only')).toStrictEqual({
        status: 'found',
        connection: { connectedAt: at, lastActiveAt: at, identity: { sourceIp: '' } },
      });
    } finally {
      messenger.close();
    }
  });
});
