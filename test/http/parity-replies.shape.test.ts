import { describe, expect, it } from 'vitest';
import { SystemClock } from '../../src/adapters/system/system.clock.js';
import { auth, post, restFixture } from './rest-app.fixture.js';

/**
 * The parts of the parity routes' schemas that only show with unusual input or a failing management API: the
 * bounds of `excludeConnectionIds`, the closed query of a group's connection list, and the shape of each kind of
 * failure in a reply (the reply schemas decide which fields reach the caller).
 */


describe('parity routes: input bounds', () => {
  it.each(['/groups/room:1/messages', '/broadcast'])('should refuse an excluded connection id that is empty or over 256 characters on %s', async (url) => {
    const f = await restFixture();
    for (const id of ['', 'c'.repeat(257)]) {
      const res = await post(f, url, { message: 'hi', excludeConnectionIds: [id] });
      expect(res.statusCode, JSON.stringify(id.length)).toBe(400);
      expect(res.json()).toMatchObject({ code: 'VALIDATION_ERROR', message: expect.stringContaining('excludeConnectionIds') });
    }
    expect((await post(f, url, { message: 'hi', excludeConnectionIds: ['c'.repeat(256)] })).statusCode).toBe(200);
    expect(f.messenger.posts).toEqual([]);
  });

  it("should refuse a query parameter a group's connection list does not know", async () => {
    const f = await restFixture();
    const res = await f.app.inject({ method: 'GET', url: '/groups/room:1/connections?limit=2&page=3', headers: auth });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_ERROR' });
  });
});

describe('parity routes: failures in replies', () => {
  it('should list a socket a group send could not reach with its connection id, code and message only', async () => {
    const f = await restFixture();
    await f.connect('a1', 'alice');
    await f.connect('b1', 'bob');
    for (const user of ['alice', 'bob']) await f.app.inject({ method: 'PUT', url: `/groups/room:1/users/${user}`, headers: auth });
    f.messenger.script('b1', { status: 'forbidden', message: 'Forbidden' });

    const res = await post(f, '/groups/room:1/messages', { message: 'hi' });

    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ delivered: 1, failed: 1, failuresTruncated: false });
    expect(res.json().failures).toEqual([{ connectionId: 'b1', code: 'FORBIDDEN', message: expect.stringContaining('Forbidden') }]);
    expect(res.json()).not.toHaveProperty('stopped');
  });

  it("should answer a failed send to one connection with the error's code and message", async () => {
    const f = await restFixture();
    await f.connect('c1', 'alice');
    f.messenger.script('c1', { status: 'forbidden', message: 'Forbidden' });

    const res = await post(f, '/connections/c1/messages', { message: 'hi' });

    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ connectionId: 'c1', status: 'failed', attempts: 1, error: { code: 'FORBIDDEN', message: expect.stringContaining('Forbidden') }, requestId: expect.any(String) });
  });

  it('should list each socket the management API would not close, with its message', async () => {
    const f = await restFixture();
    await f.connect('c1', 'alice');
    await f.connect('c2', 'alice');
    f.messenger.deleteScripts.set('c2', { status: 'error', message: 'HTTP 500 from DELETE', retryable: false, httpStatus: 500 });

    const res = await f.app.inject({ method: 'DELETE', url: '/users/alice/connections', headers: auth });

    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ userId: 'alice', closed: 1, gone: 0, failed: 1, failures: [{ connectionId: 'c2', message: expect.stringContaining('HTTP 500') }] });
  });

  it('should say a group send stopped at NOTIFY_DEADLINE_MS, and list the sockets it did not reach as DEADLINE_EXCEEDED', async () => {
    // The deadline runs on the clock: a real one here, so that the 1 s posts outlive the 100 ms deadline.
    const f = await restFixture({ config: { notifyDeadlineMs: 100 }, clock: new SystemClock() });
    await f.connect('a1', 'alice');
    await f.app.inject({ method: 'PUT', url: '/groups/room:1/users/alice', headers: auth });
    f.messenger.latencyMs = 1_000;

    const res = await post(f, '/groups/room:1/messages', { message: 'hi' });

    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ stopped: 'DEADLINE_EXCEEDED', failed: 1, failures: [{ connectionId: 'a1', code: 'DEADLINE_EXCEEDED' }] });
  });
});
