import { describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { JoseTokenVerifier } from '../../src/adapters/auth/jose-token.verifier.js';
import { registerConsole } from '../../src/local/console/console.registration.js';
import { apiRefusal, isLoopbackAddress, isLoopbackHost, pageRefusal } from '../../src/local/console/console.guard.js';
import { auth, restFixture } from '../http/rest-app.fixture.js';
import { TEST_API_KEY } from '../support/core-config.js';

const JWT_SECRET = 'console-test-secret-of-at-least-32-characters';
/** What the console's own page sends: its origin and the console header. */
const fromPage = { host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000', 'sec-fetch-site': 'same-origin', 'x-socketpost-console': '1' };

async function consoleFixture() {
  const f = await restFixture();
  await registerConsole(f.app, { apiKeys: [TEST_API_KEY], jwtSecret: JWT_SECRET, wsStages: ['dev', 'prod'] }, {
    wsUrl: (stage) => `ws://127.0.0.1:3001/${stage}`,
  });
  const call = (options: InjectOptions) => f.app.inject({ remoteAddress: '127.0.0.1', ...options });
  return { ...f, call };
}

describe('the console routes (local stack only)', () => {
  it('should be absent from the production app: /console and its API answer 404', async () => {
    const { app } = await restFixture();
    for (const url of ['/console', '/console/console.js', '/console/api/config']) {
      const res = await app.inject({ method: 'GET', url, headers: { host: '127.0.0.1:3000' } });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'NOT_FOUND' });
    }
    const token = await app.inject({ method: 'POST', url: '/console/api/token', headers: fromPage, payload: { userId: 'alice' } });
    expect(token.statusCode).toBe(404);
  });

  it('should serve the page with a CSP that allows its own scripts and WebSockets to the emulator only', async () => {
    const f = await consoleFixture();
    const res = await f.call({ method: 'GET', url: '/console', headers: { host: '127.0.0.1:3000' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('<script type="module" src="/console/console.js"></script>');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self' ws://127.0.0.1:3001 ws://localhost:3001;");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  it('should keep the API key out of everything the browser loads', async () => {
    const f = await consoleFixture();
    for (const url of ['/console', '/console/console.js', '/console/console-socket.js', '/console/ws-client.js', '/console/console.css']) {
      const res = await f.call({ method: 'GET', url, headers: { host: '127.0.0.1:3000' } });
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).not.toContain(TEST_API_KEY);
    }
    const config = await f.call({ method: 'GET', url: '/console/api/config', headers: fromPage });
    expect(config.json()).toEqual({ stages: [{ name: 'dev', url: 'ws://127.0.0.1:3001/dev' }, { name: 'prod', url: 'ws://127.0.0.1:3001/prod' }] });
    expect(config.body).not.toContain(TEST_API_KEY);
  });

  it('should refuse the page to another machine and to a name that is not loopback (DNS rebinding)', async () => {
    const f = await consoleFixture();
    const remote = await f.app.inject({ method: 'GET', url: '/console', remoteAddress: '192.0.2.7', headers: { host: '127.0.0.1:3000' } });
    expect(remote.statusCode).toBe(403);
    expect(remote.json()).toMatchObject({ statusCode: 403, code: 'CONSOLE_LOCAL_ONLY' });
    expect(remote.json().message).toContain('open http://127.0.0.1:<PORT>/console');
    const rebound = await f.call({ method: 'GET', url: '/console', headers: { host: 'attacker.example:3000' } });
    expect(rebound.statusCode).toBe(403);
    const token = await f.call({ method: 'POST', url: '/console/api/token', headers: { ...fromPage, host: 'attacker.example:3000', origin: 'http://attacker.example:3000' }, payload: { userId: 'a' } });
    expect(token.statusCode).toBe(403);
  });

  it.each([
    ['no console header', { 'x-socketpost-console': undefined }],
    ['a foreign Origin', { origin: 'http://evil.example' }],
    ['a cross-site fetch', { 'sec-fetch-site': 'cross-site' }],
  ])('should refuse an API call with %s, sending nothing', async (_label, change) => {
    const f = await consoleFixture();
    await f.connect('c1', 'alice');
    const headers = Object.fromEntries(Object.entries({ ...fromPage, ...change }).filter(([, v]) => v !== undefined)) as Record<string, string>;
    const res = await f.call({ method: 'POST', url: '/console/api/rest/notify', headers, payload: { userId: 'alice', message: 'x' } });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'CONSOLE_FOREIGN_ORIGIN' });
    expect(res.json().message).toContain('call the REST API with an API key instead');
    expect(f.messenger.posts).toEqual([]);
  });

  it('should mint a token the local authorizer accepts, with the groups asked for', async () => {
    const f = await consoleFixture();
    const res = await f.call({ method: 'POST', url: '/console/api/token', headers: fromPage, payload: { userId: 'alice', groups: ['room:*'], ttlSeconds: 600 } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ userId: 'alice', groups: ['room:*'] });
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now());
    const verified = await new JoseTokenVerifier({ secret: JWT_SECRET }).verify(body.token);
    expect(verified).toEqual({ valid: true, subject: 'alice', groups: ['room:*'] });
  });

  it.each([
    ['no user id', {}, 'userId'],
    ['a user id with a bidi override', { userId: 'ali\u202Ece' }, 'userId'],
    ['a group with a space', { userId: 'alice', groups: ['room 1'] }, 'groups'],
    ['groups that are not a list', { userId: 'alice', groups: 'room:1' }, 'groups'],
    ['a lifetime over a day', { userId: 'alice', ttlSeconds: 86_401 }, 'ttlSeconds'],
  ])('should answer 400 naming the field to a token request with %s', async (_label, payload, field) => {
    const f = await consoleFixture();
    const res = await f.call({ method: 'POST', url: '/console/api/token', headers: fromPage, payload });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ statusCode: 400, code: 'VALIDATION_ERROR', field });
  });

  it('should reach the REST API with the local key: the same report as POST /notify, the same list, the same close', async () => {
    const f = await consoleFixture();
    await f.connect('c1', 'alice');
    const viaConsole = await f.call({
      method: 'POST',
      url: '/console/api/rest/notify',
      headers: { ...fromPage, 'x-request-id': 'console-call-1' },
      payload: { userId: 'alice', message: { n: 1 } },
    });
    const direct = await f.app.inject({ method: 'POST', url: '/notify', headers: { ...auth, 'x-request-id': 'console-call-1' }, payload: { userId: 'alice', message: { n: 2 } } });
    expect(viaConsole.statusCode).toBe(200);
    // The REST call runs under the console call's request id.
    expect(viaConsole.headers['x-request-id']).toBe('console-call-1');
    expect(viaConsole.json()).toEqual(direct.json());
    expect(f.messenger.posts.map((p) => p.text)).toEqual(['{"n":1}', '{"n":2}']);

    const list = await f.call({ method: 'GET', url: '/console/api/rest/users/alice/connections', headers: fromPage });
    expect(list.json().connections.map((c: { connectionId: string }) => c.connectionId)).toEqual(['c1']);
    const closed = await f.call({ method: 'DELETE', url: '/console/api/rest/connections/c1', headers: fromPage });
    expect(closed.statusCode).toBe(204);
    expect(closed.body).toBe('');
    const after = await f.call({ method: 'GET', url: '/console/api/rest/users/alice/connections', headers: fromPage });
    expect(after.json().connections).toEqual([]);
  });

  it("should pass the REST API's errors through as they are, and never proxy to the console itself", async () => {
    const f = await consoleFixture();
    const invalid = await f.call({ method: 'POST', url: '/console/api/rest/notify', headers: fromPage, payload: { message: 'x' } });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json()).toMatchObject({ code: 'VALIDATION_ERROR', field: 'userId' });
    const unknown = await f.call({ method: 'GET', url: '/console/api/rest/nowhere', headers: fromPage });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'NOT_FOUND', message: 'no route GET /nowhere' });
    const loop = await f.call({ method: 'POST', url: '/console/api/rest/console/api/token', headers: fromPage, payload: { userId: 'a' } });
    expect(loop.statusCode).toBe(404);
    expect(loop.json()).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('the console guard', () => {
  it.each(['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1'])('should take %s as this machine', (address) => {
    expect(isLoopbackAddress(address)).toBe(true);
  });

  it.each(['10.0.0.1', '::ffff:10.0.0.1', '192.0.2.1', '0.0.0.0', '', undefined])('should not take %s as this machine', (address) => {
    expect(isLoopbackAddress(address)).toBe(false);
  });

  it.each([
    ['127.0.0.1:3000', true],
    ['localhost:3000', true],
    ['LOCALHOST', true],
    ['[::1]:3000', true],
    ['127.0.0.1.attacker.example', false],
    ['localhost.attacker.example:3000', false],
    ['attacker.example', false],
    [undefined, false],
  ])('should take the Host %s as loopback: %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });

  it('should let the page itself call the API and nobody else', () => {
    const page = { remoteAddress: '127.0.0.1', host: 'localhost:3000', origin: 'http://localhost:3000', secFetchSite: 'same-origin', consoleHeader: '1' };
    expect(pageRefusal(page)).toBeUndefined();
    expect(apiRefusal(page)).toBeUndefined();
    expect(apiRefusal({ ...page, origin: undefined, secFetchSite: undefined })).toBeUndefined();
    expect(apiRefusal({ ...page, origin: 'http://127.0.0.1:3000' })?.code).toBe('CONSOLE_FOREIGN_ORIGIN');
    expect(apiRefusal({ ...page, secFetchSite: 'same-site' })?.code).toBe('CONSOLE_FOREIGN_ORIGIN');
    expect(apiRefusal({ ...page, consoleHeader: 'yes' })?.code).toBe('CONSOLE_FOREIGN_ORIGIN');
    expect(apiRefusal({ ...page, remoteAddress: '10.1.2.3' })?.code).toBe('CONSOLE_LOCAL_ONLY');
  });
});
