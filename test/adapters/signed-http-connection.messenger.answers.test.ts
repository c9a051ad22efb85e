import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SignedHttpConnectionMessenger } from '../../src/adapters/api-gateway/signed-http-connection.messenger.js';
import type { ManagementEndpointProps } from '../../src/domain/model/management-endpoint.js';
import { refusedPort } from '../support/loopback-sinks.js';

/**
 * What the signed-HTTP messenger makes of each kind of answer the @connections API can give (status, error
 * type, body, Retry-After, GET's connection JSON) and of calls that get no answer, against a loopback server
 * that answers exactly what each test says.
 */

type Reply = (req: IncomingMessage, res: ServerResponse) => void;

interface Seen {
  method: string;
  path: string;
}

const keys = { accessKeyId: 'AKIDANSWERSTEST', secretAccessKey: 'answers-test-secret' };
const REGION = 'eu-west-1';

let server: ReturnType<typeof createServer>;
let port: number;
let reply: Reply;
const seen: Seen[] = [];
const sockets = new Set<Socket>();

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', path: req.url ?? '' });
    req.resume();
    req.on('end', () => reply(req, res));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterEach(() => {
  seen.length = 0;
  vi.unstubAllEnvs();
});
afterAll(async () => {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
});

const endpointAt = (url: string): ManagementEndpointProps => ({ apiId: 'abc123', domainName: '127.0.0.1', stage: 'dev', url, region: REGION });
const endpoint = (stage = 'dev') => endpointAt(`http://127.0.0.1:${port}/${stage}`);
const where = (method: string, stage = 'dev') => `${method} http://127.0.0.1:${port}/${stage}/@connections (region ${REGION})`;
const data = new TextEncoder().encode('{"hello":"world"}');

/** Answers every request with this status, headers and body. */
function answer(status: number, headers: Record<string, string> = {}, body = ''): void {
  reply = (_req, res) => res.writeHead(status, headers).end(body);
}

/** A messenger for one test, closed after it. */
async function using<T>(run: (messenger: SignedHttpConnectionMessenger) => Promise<T>, options: ConstructorParameters<typeof SignedHttpConnectionMessenger>[0] = {}): Promise<T> {
  const messenger = new SignedHttpConnectionMessenger({ credentials: keys, ...options });
  try {
    return await run(messenger);
  } finally {
    await messenger.close();
  }
}

describe('SignedHttpConnectionMessenger options', () => {
  it.each([
    ['requestTimeoutMs', { requestTimeoutMs: 0, connectTimeoutMs: 1_000 }],
    ['connectTimeoutMs', { connectTimeoutMs: 0 }],
    ['keepAliveTimeoutMs', { keepAliveTimeoutMs: 0 }],
    ['maxConnections', { maxConnections: 0 }],
    ['requestTimeoutMs (not a number)', { requestTimeoutMs: Number.NaN }],
  ])('should refuse a bad %s with a RangeError naming the limits', (_name, options) => {
    expect(() => new SignedHttpConnectionMessenger({ credentials: keys, ...options })).toThrow(RangeError);
    expect(() => new SignedHttpConnectionMessenger({ credentials: keys, ...options })).toThrow(/requestTimeoutMs, connectTimeoutMs and keepAliveTimeoutMs must be positive and maxConnections at least 1/);
  });

  it('should accept one connection and 1 ms timeouts', () => {
    expect(() => new SignedHttpConnectionMessenger({ credentials: keys, maxConnections: 1, requestTimeoutMs: 1, connectTimeoutMs: 1, keepAliveTimeoutMs: 1 })).not.toThrow();
  });

  it('should sign with the credentials of the standard AWS chain (the environment here) when given none', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDFROMTHEENVIRONMENT');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret-from-the-environment');
    vi.stubEnv('AWS_SESSION_TOKEN', '');
    let authorization = '';
    reply = (req, res) => {
      authorization = String(req.headers.authorization);
      res.writeHead(200).end();
    };
    const messenger = new SignedHttpConnectionMessenger();
    try {
      expect(await messenger.post(endpoint(), 'c1', data)).toEqual({ status: 'delivered' });
    } finally {
      await messenger.close();
    }
    expect(authorization).toContain('Credential=AKIDFROMTHEENVIRONMENT/');
  });
});

describe('SignedHttpConnectionMessenger answers', () => {
  it('should take any 2xx as delivered and deleted, and a 3xx as an error that is not retried', async () => {
    await using(async (messenger) => {
      answer(200);
      expect(await messenger.post(endpoint(), 'c1', data)).toEqual({ status: 'delivered' });
      expect(await messenger.deleteConnection(endpoint(), 'c1')).toEqual({ status: 'deleted' });
      answer(299);
      expect(await messenger.post(endpoint(), 'c1', data)).toEqual({ status: 'delivered' });
      expect(await messenger.deleteConnection(endpoint(), 'c1')).toEqual({ status: 'deleted' });

      answer(300, {}, 'Multiple Choices');
      expect(await messenger.post(endpoint(), 'c1', data)).toEqual({ status: 'error', retryable: false, httpStatus: 300, message: `HTTP 300 Unknown from ${where('POST')}: Multiple Choices` });
      expect(await messenger.deleteConnection(endpoint(), 'c1')).toEqual({ status: 'error', retryable: false, httpStatus: 300, message: `HTTP 300 Unknown from ${where('DELETE')}: Multiple Choices` });
      expect(await messenger.getConnection(endpoint(), 'c1')).toEqual({ status: 'error', retryable: false, httpStatus: 300, message: `HTTP 300 Unknown from ${where('GET')}: Multiple Choices` });
    });
  });

  it("should quote AWS's message from a JSON body, {\"message\"} or {\"Message\"}, after the status, exception, method, URL and region", async () => {
    await using(async (messenger) => {
      answer(403, { 'x-amzn-ErrorType': 'ForbiddenException', 'content-type': 'application/json' }, '{"message":"Forbidden"}');
      expect(await messenger.post(endpoint(), 'c1', data)).toEqual({ status: 'forbidden', message: `HTTP 403 ForbiddenException from ${where('POST')}: Forbidden` });
      answer(403, { 'x-amzn-ErrorType': 'ForbiddenException' }, '{"Message":"User is not authorized to access this resource"}');
      expect(await messenger.getConnection(endpoint(), 'c1')).toEqual({
        status: 'forbidden',
        message: `HTTP 403 ForbiddenException from ${where('GET')}: User is not authorized to access this resource`,
      });
    });
  });

  it('should quote a body that is not an error message as its trimmed text, and end the message at the region when the body is empty', async () => {
    await using(async (messenger) => {
      answer(502, {}, '  <html>Bad Gateway</html>\n');
      expect(await messenger.post(endpoint(), 'c1', data)).toEqual({ status: 'error', retryable: true, httpStatus: 502, message: `HTTP 502 Unknown from ${where('POST')}: <html>Bad Gateway</html>` });
      answer(500, {}, '{"error":"boom"}');
      expect(await messenger.post(endpoint(), 'c1', data)).toMatchObject({ message: `HTTP 500 Unknown from ${where('POST')}: {"error":"boom"}` });
      answer(500, {}, '{"message":42}');
      expect(await messenger.post(endpoint(), 'c1', data)).toMatchObject({ message: `HTTP 500 Unknown from ${where('POST')}: {"message":42}` });
      answer(503, {}, '');
      expect(await messenger.deleteConnection(endpoint(), 'c1')).toEqual({ status: 'error', retryable: true, httpStatus: 503, message: `HTTP 503 Unknown from ${where('DELETE')}` });
    });
  });

  it('should keep at most 4,096 characters of a long error body', async () => {
    await using(async (messenger) => {
      answer(500, {}, 'x'.repeat(100_000));
      const result = await messenger.post(endpoint(), 'c1', data);
      expect(result.status === 'error' && result.message).toBe(`HTTP 500 Unknown from ${where('POST')}: ${'x'.repeat(4_096)}`);
    });
  });

  it('should read Retry-After as seconds or as an HTTP date, from the messenger clock', async () => {
    const now = Date.UTC(2026, 10, 26, 12, 0, 0);
    await using(
      async (messenger) => {
        answer(429, { 'x-amzn-ErrorType': 'LimitExceededException', 'Retry-After': new Date(now + 7_000).toUTCString() });
        expect(await messenger.post(endpoint(), 'c1', data)).toMatchObject({ status: 'throttled', retryAfterMs: 7_000 });
        answer(429, { 'x-amzn-ErrorType': 'LimitExceededException', 'Retry-After': new Date(now - 7_000).toUTCString() });
        expect(await messenger.post(endpoint(), 'c1', data)).toMatchObject({ status: 'throttled', retryAfterMs: 0 });
        answer(429, { 'x-amzn-ErrorType': 'LimitExceededException', 'Retry-After': 'soon' });
        expect(await messenger.post(endpoint(), 'c1', data)).toEqual({ status: 'throttled', message: `HTTP 429 LimitExceededException from ${where('POST')}` });
      },
      { now: () => now },
    );
  });
});

describe('SignedHttpConnectionMessenger GET', () => {
  const connectedAt = '2026-11-26T12:00:00.000Z';
  const lastActiveAt = '2026-11-26T12:05:00.000Z';
  const json = (body: unknown) => answer(200, { 'content-type': 'application/json' }, JSON.stringify(body));

  it('should report the times and identity of the answer', async () => {
    await using(async (messenger) => {
      json({ connectedAt, lastActiveAt, identity: { sourceIp: '203.0.113.7', userAgent: 'curl/8.5' } });
      expect(await messenger.getConnection(endpoint(), 'c1')).toEqual({
        status: 'found',
        connection: { connectedAt: Date.parse(connectedAt), lastActiveAt: Date.parse(lastActiveAt), identity: { sourceIp: '203.0.113.7', userAgent: 'curl/8.5' } },
      });
    });
  });

  it('should fill in what the answer leaves out: lastActiveAt from connectedAt, an empty source IP, no user agent', async () => {
    await using(async (messenger) => {
      json({ connectedAt });
      expect(await messenger.getConnection(endpoint(), 'c1')).toEqual({
        status: 'found',
        connection: { connectedAt: Date.parse(connectedAt), lastActiveAt: Date.parse(connectedAt), identity: { sourceIp: '' } },
      });
      json({ connectedAt, lastActiveAt: 2026, identity: { sourceIp: 7, userAgent: '' } });
      expect(await messenger.getConnection(endpoint(), 'c1')).toEqual({
        status: 'found',
        connection: { connectedAt: Date.parse(connectedAt), lastActiveAt: Date.parse(connectedAt), identity: { sourceIp: '' } },
      });
      json({ connectedAt, lastActiveAt: 'not a date', identity: { sourceIp: '203.0.113.7', userAgent: 42 } });
      expect(await messenger.getConnection(endpoint(), 'c1')).toEqual({
        status: 'found',
        connection: { connectedAt: Date.parse(connectedAt), lastActiveAt: Date.parse(connectedAt), identity: { sourceIp: '203.0.113.7' } },
      });
    });
  });

  it.each([
    ['not JSON', 'hello'],
    ['JSON without connectedAt', '{"identity":{"sourceIp":"203.0.113.7"}}'],
    ['a connectedAt that is a number', '{"connectedAt":12345}'],
    ['a connectedAt that is not a date', '{"connectedAt":"yesterday"}'],
    ['JSON null', 'null'],
  ])('should answer a 200 whose body is %s with an error that is not retried', async (_label, body) => {
    await using(async (messenger) => {
      answer(200, { 'content-type': 'application/json' }, body);
      expect(await messenger.getConnection(endpoint(), 'c1')).toEqual({
        status: 'error',
        retryable: false,
        httpStatus: 200,
        message: `GET http://127.0.0.1:${port}/dev/@connections (region ${REGION}) answered 200 with a body that is not connection JSON`,
      });
    });
  });
});

describe('SignedHttpConnectionMessenger without an answer', () => {
  it('should answer a retryable error naming the error, its code, the method, URL and region when nothing listens', async () => {
    const closed = await refusedPort();
    const at = endpointAt(`http://127.0.0.1:${closed}/dev`);
    const prefix = (method: string) => new RegExp(`^Error ECONNREFUSED on ${method} http://127\\.0\\.0\\.1:${closed}/dev/@connections \\(region ${REGION}\\): `);
    await using(async (messenger) => {
      const post = await messenger.post(at, 'c1', data);
      const get = await messenger.getConnection(at, 'c1');
      const del = await messenger.deleteConnection(at, 'c1');
      for (const [result, method] of [[post, 'POST'], [get, 'GET'], [del, 'DELETE']] as const) {
        expect(result).toMatchObject({ status: 'error', retryable: true });
        expect(result.status === 'error' && result.httpStatus).toBeUndefined();
        expect(result.status === 'error' && result.message).toMatch(prefix(method));
      }
    });
  });

  it('should call an https endpoint (nothing listens here: a retryable refusal, not an unsupported URL)', async () => {
    const closed = await refusedPort();
    await using(async (messenger) => {
      const result = await messenger.post(endpointAt(`https://127.0.0.1:${closed}/dev`), 'c1', data);
      expect(result).toMatchObject({ status: 'error', retryable: true });
      expect(result.status === 'error' && result.message).toContain('ECONNREFUSED');
      expect(messenger.poolCount).toBe(1);
    });
  });

  it('should name a timeout by its error and code', async () => {
    reply = () => undefined;
    await using(
      async (messenger) => {
        const result = await messenger.post(endpoint(), 'slow', data);
        expect(result).toMatchObject({ status: 'error', retryable: true });
        expect(result.status === 'error' && result.message).toMatch(new RegExp(`^HeadersTimeoutError UND_ERR_HEADERS_TIMEOUT on POST http://127\\.0\\.0\\.1:${port}/dev/@connections`));
      },
      { requestTimeoutMs: 100 },
    );
  });

  it.each([
    ['a URL of another scheme', 'ftp://127.0.0.1/dev', /unsupported protocol ftp:/],
    ['something that is not a URL', 'not a url', /Invalid URL/],
  ])('should refuse an endpoint that is %s without sending anything, and not retry it', async (_label, url, why) => {
    await using(async (messenger) => {
      for (const call of [() => messenger.post(endpointAt(url), 'c1', data), () => messenger.getConnection(endpointAt(url), 'c1'), () => messenger.deleteConnection(endpointAt(url), 'c1')]) {
        const result = await call();
        expect(result).toMatchObject({ status: 'error', retryable: false });
        expect(result.status === 'error' && result.message).toContain(`${url}/@connections: the endpoint URL is not usable (`);
        expect(result.status === 'error' && result.message).toMatch(why);
        expect(result.status === 'error' && result.message).toContain("check the connection's stored endpoint");
      }
      expect(messenger.poolCount).toBe(0);
    });
  });

  it('should say why no credentials could be found, and what to set', async () => {
    const messenger = new SignedHttpConnectionMessenger({
      credentials: {
        get: () => Promise.reject(new Error('Could not load credentials from any providers')),
      },
    });
    try {
      const result = await messenger.post(endpoint(), 'c1', data);
      expect(result).toEqual({
        status: 'error',
        retryable: false,
        message:
          `POST http://127.0.0.1:${port}/dev/@connections: no AWS credentials (Could not load credentials from any providers); ` +
          'give the service a role or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
      });
      expect(seen).toEqual([]);
    } finally {
      await messenger.close();
    }
  });
});

describe('SignedHttpConnectionMessenger paths and pools', () => {
  it("should post to the stage's path whatever slashes end the endpoint URL", async () => {
    answer(200);
    await using(async (messenger) => {
      await messenger.post(endpointAt(`http://127.0.0.1:${port}/dev/`), 'c1', data);
      await messenger.post(endpointAt(`http://127.0.0.1:${port}/prod//`), 'c1', data);
    });
    expect(seen.map((s) => s.path)).toEqual(['/dev/@connections/c1', '/prod/@connections/c1']);
  });

  it("should percent-encode !, ', (, ) and * of a connection id in upper case, as the SDK does", async () => {
    answer(200);
    await using(async (messenger) => {
      await messenger.post(endpoint(), "a!b'c(d)e*f", data);
      await messenger.post(endpoint(), 'plain-Id_1.~', data);
    });
    expect(seen.map((s) => s.path)).toEqual(['/dev/@connections/a%21b%27c%28d%29e%2Af', '/dev/@connections/plain-Id_1.~']);
  });

  it('should close every socket it opened, to every stage of an origin, on close', async () => {
    answer(200);
    const messenger = new SignedHttpConnectionMessenger({ credentials: keys });
    await Promise.all([messenger.post(endpoint('dev'), 'c1', data), messenger.post(endpoint('prod'), 'c2', data)]);
    await messenger.post(endpoint('dev'), 'c3', data);
    expect(sockets.size).toBeGreaterThan(0);

    await messenger.close();
    const deadline = Date.now() + 2_000;
    while (sockets.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(sockets.size).toBe(0);
    expect(messenger.poolCount).toBe(0);
  });
});
