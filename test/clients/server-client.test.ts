import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { InMemoryConnectionRepository } from '../../src/adapters/memory/in-memory-connection.repository.js';
import type { Connection } from '../../src/domain/model/connection.js';
import { StorageUnavailableError } from '../../src/domain/errors/domain.error.js';
import {
  ServerClientTimeoutError,
  createServerClient,
  retryAfterMs,
  type ServerClientOptions,
} from '../../src/clients/server-client.js';
import { CLIENT_TYPES_COMMAND, CLIENT_TYPES_FILE, fetchOpenApiDocument, generateClientTypes } from '../../src/local/client-types.js';
import { TEST_API_KEY } from '../support/core-config.js';
import { restFixture } from '../http/rest-app.fixture.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Storage that does not answer the first `failures` reads of a user's connections (→ 503 with Retry-After). */
class UnavailableAtFirstRepository extends InMemoryConnectionRepository {
  reads = 0;
  constructor(private failures: number) {
    super();
  }
  override async findByUser(userId: string): Promise<Connection[]> {
    this.reads += 1;
    if (this.failures > 0) {
      this.failures -= 1;
      throw new StorageUnavailableError('the table does not answer (on purpose)');
    }
    return super.findByUser(userId);
  }
}

/** The REST app on the real composition root, listening on a free loopback port. */
async function listeningApp(overrides: Parameters<typeof restFixture>[0] = {}) {
  const f = await restFixture(overrides);
  await f.app.listen({ host: '127.0.0.1', port: 0 });
  cleanups.push(() => f.app.close());
  const { port } = f.app.server.address() as AddressInfo;
  return { ...f, url: `http://127.0.0.1:${port}` };
}

/** Records the waits asked for between attempts, and waits none of them. */
function recordedSleep(): { waits: number[]; sleep: NonNullable<ServerClientOptions['sleep']> } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => void waits.push(ms) };
}

describe('the server client against the real app', () => {
  it('should call the routes of the REST API with the API key, typed from the OpenAPI document', async () => {
    const f = await listeningApp();
    await f.connect('conn-1', 'alice');
    const client = createServerClient({ baseUrl: f.url, apiKey: TEST_API_KEY });

    const notified = await client.POST('/notify', { body: { userId: 'alice', message: { hello: 'world' } } });
    expect(notified.data).toMatchObject({ userId: 'alice', delivered: 1 });
    const listed = await client.GET('/users/{userId}/connections', { params: { path: { userId: 'alice' } } });
    expect(listed.data?.connections.map((c) => c.connectionId)).toEqual(['conn-1']);
    expect((await client.HEAD('/users/{userId}/connections', { params: { path: { userId: 'alice' } } })).response.status).toBe(200);
    expect((await client.PUT('/groups/{group}/users/{userId}', { params: { path: { group: 'room:1', userId: 'alice' } } })).response.status).toBe(204);
    const members = await client.GET('/groups/{group}/users', { params: { path: { group: 'room:1' }, query: { limit: '10' } } });
    expect(members.data?.users).toEqual(['alice']);
    const group = await client.POST('/groups/{group}/messages', { params: { path: { group: 'room:1' } }, body: { message: 'hi room' } });
    expect(group.data).toMatchObject({ delivered: 1 });
    const one = await client.POST('/connections/{connectionId}/messages', { params: { path: { connectionId: 'conn-1' } }, body: { message: 'just you' } });
    expect(one.data).toMatchObject({ status: 'delivered' });
    expect((await client.POST('/broadcast', { body: { message: 'everyone' } })).data).toMatchObject({ delivered: 1 });
    expect((await client.GET('/healthz')).data).toEqual({ status: 'ok' });
    expect(f.messenger.posts.map((p) => p.text)).toEqual(['{"hello":"world"}', 'hi room', 'just you', 'everyone']);

    const refused = await createServerClient({ baseUrl: f.url, apiKey: 'not-a-key-0123456789' }).GET('/users/{userId}/connections', {
      params: { path: { userId: 'alice' } },
    });
    expect(refused.response.status).toBe(401);
    expect(refused.error).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
  });

  it('should retry a 503 after its Retry-After and deliver once', async () => {
    const repository = new UnavailableAtFirstRepository(1);
    const f = await listeningApp({ connectionRepository: repository });
    await f.connect('conn-1', 'alice');
    const { waits, sleep } = recordedSleep();
    const client = createServerClient({ baseUrl: f.url, apiKey: TEST_API_KEY, sleep, random: () => 0.5 });

    const { data, response } = await client.POST('/notify', { body: { userId: 'alice', message: 'after a 503' } });

    expect(response.status).toBe(200);
    expect(data).toMatchObject({ delivered: 1 });
    expect(repository.reads).toBe(2);
    expect(f.messenger.posts).toHaveLength(1);
    // Retry-After: 5 → at least 5 s, plus the jitter of the first backoff step (0.5 × 200 ms).
    expect(waits).toEqual([5_100]);
  });

  it('should give up after maxRetries and return the last answer', async () => {
    const f = await listeningApp({ connectionRepository: new UnavailableAtFirstRepository(10) });
    const { waits, sleep } = recordedSleep();
    const client = createServerClient({ baseUrl: f.url, apiKey: TEST_API_KEY, sleep, maxRetries: 2, random: () => 0 });
    const { error, response } = await client.POST('/notify', { body: { userId: 'alice', message: 'never' } });
    expect(response.status).toBe(503);
    expect(error).toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
    expect(waits).toEqual([5_000, 5_000]);
  });

  it('should send the same Idempotency-Key on every retry of a send, so a timed-out send is not delivered twice', async () => {
    const f = await listeningApp();
    await f.connect('conn-1', 'alice');
    f.messenger.latencyMs = 400; // the first attempt is still posting when the client gives up on it
    const keys: Array<string | null> = [];
    const client = createServerClient({
      baseUrl: f.url,
      apiKey: TEST_API_KEY,
      timeoutMs: 100,
      maxRetries: 20,
      backoff: { initialDelayMs: 50, maxDelayMs: 50 },
      random: () => 1,
      fetch: (request) => {
        keys.push(request.headers.get('idempotency-key'));
        return fetch(request);
      },
    });

    const { data, response } = await client.POST('/notify', { body: { userId: 'alice', message: 'exactly once' } });

    expect(response.status).toBe(200);
    expect(response.headers.get('idempotent-replayed')).toBe('true');
    expect(data).toMatchObject({ delivered: 1 });
    expect(keys.length).toBeGreaterThan(1);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(f.messenger.posts).toHaveLength(1);
  });

  it('should deliver twice when the key is turned off: what the key prevents', async () => {
    const f = await listeningApp();
    await f.connect('conn-1', 'alice');
    f.messenger.latencyMs = 400;
    const client = createServerClient({
      baseUrl: f.url,
      apiKey: TEST_API_KEY,
      timeoutMs: 100,
      maxRetries: 1,
      idempotency: false,
      backoff: { initialDelayMs: 1, maxDelayMs: 1 },
    });
    await expect(client.POST('/notify', { body: { userId: 'alice', message: 'twice' } })).rejects.toBeInstanceOf(ServerClientTimeoutError);
    for (let i = 0; i < 200 && f.messenger.posts.length < 2; i++) await new Promise((r) => setTimeout(r, 25));
    expect(f.messenger.posts.map((p) => p.text)).toEqual(['twice', 'twice']);
  });

  it('should give a new key to each logical send', async () => {
    const f = await listeningApp();
    await f.connect('conn-1', 'alice');
    const client = createServerClient({ baseUrl: f.url, apiKey: TEST_API_KEY });
    const first = await client.POST('/notify', { body: { userId: 'alice', message: 'same body' } });
    const second = await client.POST('/notify', { body: { userId: 'alice', message: 'same body' } });
    expect(first.response.headers.get('idempotent-replayed')).toBeNull();
    expect(second.response.headers.get('idempotent-replayed')).toBeNull();
    expect(f.messenger.posts).toHaveLength(2);
  });

  it('should time out an attempt that does not answer, with an error that says what to do', async () => {
    const f = await listeningApp();
    await f.connect('conn-1', 'alice');
    f.messenger.latencyMs = 300;
    const client = createServerClient({ baseUrl: f.url, apiKey: TEST_API_KEY, timeoutMs: 50, maxRetries: 0 });
    const failure = await client.POST('/notify', { body: { userId: 'alice', message: 'slow' } }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ServerClientTimeoutError);
    expect(failure).toMatchObject({ code: 'TIMEOUT', attempts: 1, timeoutMs: 50 });
    expect(String((failure as Error).message)).toMatch(/raise timeoutMs.*same Idempotency-Key is safe/);
  });
});

describe('the server client against scripted answers', () => {
  /** A loopback HTTP server answering each request with the next scripted answer (or cutting the connection). */
  async function scripted(answers: Array<{ status: number; headers?: Record<string, string> } | 'cut'>) {
    const seen: IncomingMessage[] = [];
    const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
      seen.push(req);
      const answer = answers.shift() ?? { status: 200 };
      if (answer === 'cut') return void req.socket.destroy();
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(JSON.stringify(answer.status < 400 ? { status: 'ok' } : { statusCode: answer.status, code: 'X', error: 'x', message: 'x' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    return { seen, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  }

  it('should retry 429, 500, 502, 504 and a cut connection with growing jittered waits', async () => {
    const s = await scripted([{ status: 429 }, { status: 500 }, 'cut', { status: 502 }, { status: 504 }]);
    const { waits, sleep } = recordedSleep();
    const client = createServerClient({ baseUrl: s.url, apiKey: TEST_API_KEY, sleep, maxRetries: 5, random: () => 0.999, backoff: { initialDelayMs: 100, maxDelayMs: 1_000 } });
    const { data } = await client.GET('/healthz');
    expect(data).toEqual({ status: 'ok' });
    expect(s.seen).toHaveLength(6);
    expect(waits).toEqual([99, 199, 399, 799, 999]);
  });

  it('should not retry a 400, a 401 or a 404', async () => {
    for (const status of [400, 401, 404]) {
      const s = await scripted([{ status }]);
      const { response } = await createServerClient({ baseUrl: s.url, apiKey: TEST_API_KEY }).GET('/healthz');
      expect(response.status).toBe(status);
      expect(s.seen).toHaveLength(1);
    }
  });

  it('should honour a Retry-After given as an HTTP date, and return an answer that asks to wait too long', async () => {
    const s = await scripted([
      { status: 429, headers: { 'retry-after': new Date(Date.now() + 3_000).toUTCString() } },
      { status: 429, headers: { 'retry-after': '3600' } },
    ]);
    const { waits, sleep } = recordedSleep();
    const client = createServerClient({ baseUrl: s.url, apiKey: TEST_API_KEY, sleep, random: () => 0 });
    const { response } = await client.GET('/healthz');
    expect(response.status).toBe(429);
    expect(s.seen).toHaveLength(2);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(1_000);
    expect(waits[0]).toBeLessThanOrEqual(3_000);
  });

  it('should read Retry-After as seconds or an HTTP date, and ignore anything else', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs('5', now)).toBe(5_000);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:07 GMT', now)).toBe(7_000);
    expect(retryAfterMs('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });

  it('should send the API key, and keep a caller’s own Idempotency-Key', async () => {
    const s = await scripted([{ status: 503 }, { status: 200 }]);
    const { sleep } = recordedSleep();
    const client = createServerClient({ baseUrl: `${s.url}/`, apiKey: TEST_API_KEY, sleep });
    await client.POST('/notify', { body: { userId: 'alice', message: 'x' }, params: { header: { 'idempotency-key': 'my-own-key' } } });
    expect(s.seen.map((r) => r.headers['idempotency-key'])).toEqual(['my-own-key', 'my-own-key']);
    expect(s.seen[0]!.headers.authorization).toBe(`Bearer ${TEST_API_KEY}`);
    expect(s.seen[0]!.url).toBe('/notify');
  });
});

describe('the server client’s types', () => {
  it(`should match the running service's /openapi.json (if not, run \`${CLIENT_TYPES_COMMAND}\`)`, async () => {
    const fresh = await generateClientTypes(await fetchOpenApiDocument());
    const checkedIn = readFileSync(CLIENT_TYPES_FILE, 'utf8');
    expect(
      checkedIn === fresh,
      `src/clients/openapi.types.ts is stale: the service's OpenAPI document changed. Run \`${CLIENT_TYPES_COMMAND}\` and commit the file.`,
    ).toBe(true);
  }, 60_000);
});
