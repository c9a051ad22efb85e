import WebSocket from 'ws';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  SocketpostWsClient,
  backoffCeiling,
  fullJitterDelay,
  type WsClientOptions,
  type WsClientTimers,
  type WsMessageEvent,
  type WsOpenEvent,
  type WsReconnectingEvent,
} from '../../src/clients/ws-client.js';
import { FakeSocketpostServer } from '../support/fake-socketpost-ws.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(options?: Parameters<typeof FakeSocketpostServer.start>[0]) {
  const s = await FakeSocketpostServer.start(options);
  cleanups.push(() => s.stop());
  return s;
}

interface Recorded {
  client: SocketpostWsClient;
  opens: WsOpenEvent[];
  messages: WsMessageEvent[];
  reconnecting: WsReconnectingEvent[];
  errors: Error[];
  closes: Array<{ code: number; reason: string }>;
}

function client(options: Partial<WsClientOptions> & { url: string }): Recorded {
  const c = new SocketpostWsClient({
    WebSocket: WebSocket,
    backoff: { initialDelayMs: 20, maxDelayMs: 100 },
    heartbeatIntervalMs: 0,
    rotateAfterMs: 0,
    ...options,
  });
  const recorded: Recorded = { client: c, opens: [], messages: [], reconnecting: [], errors: [], closes: [] };
  c.on('open', (e) => recorded.opens.push(e));
  c.on('message', (e) => recorded.messages.push(e));
  c.on('reconnecting', (e) => recorded.reconnecting.push(e));
  c.on('error', (e) => recorded.errors.push(e));
  c.on('close', (e) => recorded.closes.push(e));
  cleanups.push(() => c.close());
  return recorded;
}

/**
 * A token callback that answers the first connection at once and holds every later one until `release()`: the
 * client cannot reopen before the test has seen its socket drop and sent what it is to miss, however late the
 * test's own polling runs on a loaded machine (a reconnect delay would only make that likely).
 */
function heldReconnects(): { token: () => Promise<string>; release: () => void } {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let calls = 0;
  return {
    token: async () => {
      if (calls++ > 0) await released;
      return 'token';
    },
    release: () => release(),
  };
}

/** Timers that run every wait at once (on the next turn) and remember what was asked for. */
function instantTimers(): WsClientTimers & { asked: number[] } {
  const asked: number[] = [];
  return {
    asked,
    setTimeout: (callback, ms) => {
      asked.push(ms);
      return setTimeout(callback, 0);
    },
    clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  };
}

describe('the backoff', () => {
  it('should draw every wait within [0, min(max, initial × factor^attempt))', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
        const options = { initialDelayMs: 100, maxDelayMs: 5_000, factor: 2 };
        const delay = fullJitterDelay(attempt, options, () => r);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(backoffCeiling(attempt, options));
        expect(backoffCeiling(attempt, options)).toBe(Math.min(5_000, 100 * 2 ** attempt));
      }),
      { numRuns: 200 },
    );
  });

  it('should wait anywhere down to zero: full jitter, not a fixed fraction', () => {
    expect(fullJitterDelay(3, { initialDelayMs: 100 }, () => 0)).toBe(0);
    expect(fullJitterDelay(3, { initialDelayMs: 100 }, () => 0.999)).toBe(799);
  });
});

describe('the WebSocket client', () => {
  it('should call the token callback before every connection and carry the token in the query', async () => {
    const s = await server();
    let calls = 0;
    const r = client({ url: s.url, token: async () => `token-${++calls}` });
    await s.waitFor(() => r.opens.length === 1, 'the first open');
    s.connections[0]!.ws.terminate();
    await s.waitFor(() => r.opens.length === 2, 'the second open');
    s.connections[1]!.ws.close(1001, 'Going away');
    await s.waitFor(() => r.opens.length === 3, 'the third open');

    expect(s.connections.map((c) => c.token)).toEqual(['token-1', 'token-2', 'token-3']);
    expect(calls).toBe(3);
    expect(r.opens.map((o) => o.reason)).toEqual(['initial', 'reconnect', 'reconnect']);
    expect(r.reconnecting.map((e) => e.code)).toEqual([1006, 1001]);
  });

  it('should back off with full jitter between refused handshakes, and start over once a socket opens', async () => {
    const s = await server({ refuseHandshakes: 5 });
    const timers = instantTimers();
    const draws = [0.999, 0.5, 0.999, 0, 0.999, 0.999];
    const r = client({ url: s.url, timers, random: () => draws.shift() ?? 0.999, backoff: { initialDelayMs: 100, maxDelayMs: 1_000, factor: 2 } });
    await s.waitFor(() => r.opens.length === 1, 'an open after five refusals');

    expect(r.reconnecting.map((e) => e.attempt)).toEqual([1, 2, 3, 4, 5]);
    // Ceilings 100, 200, 400, 800, 1000 (capped); each wait is the draw times its ceiling.
    expect(r.reconnecting.map((e) => e.delayMs)).toEqual([99, 100, 399, 0, 999]);
    expect(timers.asked.filter((ms) => ms > 0)).toEqual([99, 100, 399, 999]);

    s.connections[0]!.ws.terminate();
    await s.waitFor(() => r.opens.length === 2, 'the reopen');
    expect(r.reconnecting.at(-1)).toMatchObject({ attempt: 1, delayMs: 99, code: 1006 });
  });

  it('should report a token callback that throws and try again with a new token', async () => {
    const s = await server();
    let calls = 0;
    const r = client({
      url: s.url,
      token: () => {
        calls += 1;
        if (calls === 1) throw new Error('identity provider down');
        return 'fresh';
      },
    });
    await s.waitFor(() => r.opens.length === 1, 'an open');
    expect(r.errors.map((e) => e.message)).toContain('identity provider down');
    expect(s.connections.map((c) => c.token)).toEqual(['fresh']);
  });

  it('should send a heartbeat and keep the pongs from the application', async () => {
    const s = await server();
    const r = client({ url: s.url, heartbeatIntervalMs: 30 });
    await s.waitFor(() => (s.connections[0]?.received.filter((m) => m === '{"action":"ping"}').length ?? 0) >= 3, 'three pings');
    s.sendToAll('{"type":"pong","from":"the app"}');
    s.sendToAll('hello');
    await s.waitFor(() => r.messages.length === 2, 'the messages');
    expect(r.messages.map((m) => m.data)).toEqual(['{"type":"pong","from":"the app"}', 'hello']);
    expect(s.connections).toHaveLength(1);
  });

  it('should replace a socket whose pings go unanswered', async () => {
    const s = await server({ answerPings: false });
    const r = client({ url: s.url, heartbeatIntervalMs: 30 });
    await s.waitFor(() => r.opens.length >= 2, 'a second socket');
    expect(s.connections[0]!.closeCode).toBe(4000);
    expect(r.opens[1]!.reason).toBe('reconnect');
  });

  it('should open the new socket before closing the old one and deliver each message once across rotations', async () => {
    const s = await server();
    const r = client({ url: s.url, rotateAfterMs: 150, overlapMs: 40, groups: ['room:1'] });
    await s.waitFor(() => r.opens.length === 1, 'the first open');
    let sent = 0;
    const sender = setInterval(() => s.sendToAll(`m${++sent}`), 3);
    cleanups.push(() => clearInterval(sender));
    await s.waitFor(() => s.connections.length >= 4 && s.openConnections.length === 1, 'three rotations', 20_000);
    clearInterval(sender);
    const last = `m${sent}`;
    await s.waitFor(() => r.messages.some((m) => m.data === last), 'the last message');

    // The server always had one of the client's sockets open: each new one opened before the previous closed.
    let open = 0;
    for (const event of s.events) {
      open += event.startsWith('open') ? 1 : -1;
      if (s.events.indexOf(event) > 0) expect(open, s.events.join(' ')).toBeGreaterThan(0);
    }
    for (let i = 1; i < s.connections.length; i++) {
      expect(s.events.indexOf(`open#${i + 1}`)).toBeLessThan(s.events.indexOf(`close#${i}`));
    }
    // Every message that reached an open socket reached the application once, in order.
    const received = r.messages.map((m) => String(m.data));
    const firstSeen = Number(received[0]!.slice(1));
    expect(received).toEqual(Array.from({ length: sent - firstSeen + 1 }, (_, i) => `m${firstSeen + i}`));
    expect(r.opens.slice(1).every((o) => o.reason === 'rotation')).toBe(true);
    // Each new socket joined the group again.
    for (const c of s.connections) expect(c.received).toContain('{"action":"join","group":"room:1"}');
    expect(r.messages.some((m) => String(m.data).includes('joined'))).toBe(false);
  });

  it('should join its groups again after a reconnect, and settle join() and leave() with the replies', async () => {
    const s = await server({ forbiddenGroups: ['secret'] });
    const r = client({ url: s.url, groups: ['room:1'] });
    await s.waitFor(() => r.opens.length === 1, 'the open');
    await r.client.join('room:2');
    await expect(r.client.join('secret')).rejects.toThrow(/does not allow group "secret"/);
    expect(r.client.groups).toEqual(['room:1', 'room:2']);
    s.connections[0]!.ws.terminate();
    await s.waitFor(() => (s.connections[1]?.received.length ?? 0) >= 2, 'the joins of the new socket');
    expect(s.connections[1]!.received).toEqual(['{"action":"join","group":"room:1"}', '{"action":"join","group":"room:2"}']);
    await r.client.leave('room:1');
    expect(r.client.groups).toEqual(['room:2']);
    expect(() => r.client.join('no spaces allowed')).toThrow(/invalid group name/);
    expect(r.messages).toEqual([]);
  });

  it('should emit open, message, reconnecting and close, and nothing after close', async () => {
    const s = await server();
    const r = client({ url: s.url });
    await s.waitFor(() => r.opens.length === 1, 'the open');
    s.sendToAll('one');
    await s.waitFor(() => r.messages.length === 1, 'a message');
    s.connections[0]!.ws.close(1001, 'Going away');
    await s.waitFor(() => r.opens.length === 2, 'the reopen');
    expect(r.client.send({ action: 'hello' })).toBe(true);
    await s.waitFor(() => s.connections[1]!.received.includes('{"action":"hello"}'), 'the frame sent');
    r.client.close(1000, 'bye');
    await s.waitFor(() => s.openConnections.length === 0, 'the socket closed');
    expect(r.closes).toEqual([{ code: 1000, reason: 'bye' }]);
    expect(r.reconnecting).toHaveLength(1);
    expect(r.client.send('after close')).toBe(false);
    expect(s.connections[1]!.closeCode).toBe(1000);
    expect(s.connections).toHaveLength(2);
  });

  it('should refuse to start without a WebSocket implementation, saying what to pass', () => {
    const global = globalThis as { WebSocket?: unknown };
    const saved = global.WebSocket;
    delete global.WebSocket;
    try {
      expect(() => new SocketpostWsClient({ url: 'ws://127.0.0.1:1/dev' })).toThrow(/pass the `WebSocket` option/);
    } finally {
      if (saved) global.WebSocket = saved;
    }
  });
});

describe('the WebSocket client with recovery', () => {
  it('should ask for socketpost.v1, deliver envelopes in order once each, and resume after a reconnect', async () => {
    const s = await server();
    // The client stays down until the messages below are sent, so it has missed them for sure.
    const reconnects = heldReconnects();
    const r = client({ url: s.url, recovery: true, token: reconnects.token });
    await s.waitFor(() => r.opens.length === 1, 'the open');
    expect(r.opens[0]!.protocol).toBe('socketpost.v1');
    s.publish('a');
    s.publish({ b: 2 });
    await s.waitFor(() => r.messages.length === 2, 'two messages');
    // A duplicate of an old message is dropped.
    s.deliver(s.connections[0]!, 1, 'a');
    s.connections[0]!.ws.terminate();
    await s.waitFor(() => s.openConnections.length === 0, 'the drop');
    s.publish('c'); // missed while down
    s.publish('d');
    reconnects.release();
    await s.waitFor(() => r.opens.length === 2, 'the reopen');
    await s.waitFor(() => r.messages.length === 4, 'the replay');
    s.publish('e');
    await s.waitFor(() => r.messages.length === 5, 'the live message');

    expect(s.connections[1]!.received).toContain('{"action":"resume","since":2}');
    expect(r.messages).toEqual([
      { data: 'a', seq: 1 },
      { data: { b: 2 }, seq: 2 },
      { data: 'c', seq: 3 },
      { data: 'd', seq: 4 },
      { data: 'e', seq: 5 },
    ]);
    expect(r.client.lastSeq).toBe(5);
  });

  it('should report messages older than the recovery window as an error and carry on with the ones kept', async () => {
    const s = await server();
    // The client stays down until two to five are sent and two and three forgotten.
    const reconnects = heldReconnects();
    const r = client({ url: s.url, recovery: true, token: reconnects.token });
    await s.waitFor(() => r.opens.length === 1, 'the open');
    s.publish('one');
    await s.waitFor(() => r.messages.length === 1, 'the first message');
    s.connections[0]!.ws.terminate();
    await s.waitFor(() => s.openConnections.length === 0, 'the drop');
    for (const m of ['two', 'three', 'four', 'five']) s.publish(m);
    s.forgetUpTo(3); // two and three are past the window
    reconnects.release();
    await s.waitFor(() => r.messages.length === 3, 'what was kept');
    s.publish('six');
    await s.waitFor(() => r.messages.length === 4, 'the live message');

    expect(r.messages).toEqual([
      { data: 'one', seq: 1 },
      { data: 'four', seq: 4 },
      { data: 'five', seq: 5 },
      { data: 'six', seq: 6 },
    ]);
    expect(r.errors.map((e) => (e as Error & { code?: string }).code)).toEqual(['RECOVERY_WINDOW_EXCEEDED']);
    expect(r.messages.some((m) => JSON.stringify(m.data).includes('resumed'))).toBe(false);
  });

  it('should follow the service when its numbering restarted (a resume past its last message)', async () => {
    const s = await server();
    const r = client({ url: s.url, recovery: true });
    await s.waitFor(() => r.opens.length === 1, 'the open');
    for (const m of ['a', 'b', 'c']) s.publish(m);
    await s.waitFor(() => r.messages.length === 3, 'three messages');
    s.connections[0]!.ws.terminate();
    s.restartNumbering();
    await s.waitFor(() => r.opens.length === 2 && r.errors.length === 1, 'the reopen and its resume answer');
    s.publish('fresh');
    await s.waitFor(() => r.messages.length === 4, 'the message of the new numbering');
    expect(r.messages.at(-1)).toEqual({ data: 'fresh', seq: 1 });
    expect(r.errors.map((e) => (e as Error & { code?: string }).code)).toEqual(['INVALID_RESUME']);
  });

  it('should hold a message that arrives after a gap until the gap is filled', async () => {
    const s = await server();
    const r = client({ url: s.url, recovery: true });
    await s.waitFor(() => r.opens.length === 1, 'the open');
    const c = s.connections[0]!;
    s.deliver(c, 1, 'one');
    s.deliver(c, 3, 'three');
    s.deliver(c, 4, 'four');
    s.deliver(c, 2, 'two');
    await s.waitFor(() => r.messages.length === 4, 'four messages');
    expect(r.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
  });

  it('should give up on a gap after gapTimeoutMs and deliver what came, in order', async () => {
    const s = await server();
    const r = client({ url: s.url, recovery: true, gapTimeoutMs: 20 });
    await s.waitFor(() => r.opens.length === 1, 'the open');
    const c = s.connections[0]!;
    s.deliver(c, 7, 'seven');
    s.deliver(c, 10, 'ten');
    s.deliver(c, 9, 'nine');
    await s.waitFor(() => r.messages.length === 3, 'three messages');
    expect(r.messages.map((m) => m.seq)).toEqual([7, 9, 10]);
    s.deliver(c, 8, 'eight, too late');
    s.deliver(c, 11, 'eleven');
    await s.waitFor(() => r.messages.length === 4, 'the next message');
    expect(r.messages.at(-1)).toEqual({ data: 'eleven', seq: 11 });
  });
});

/**
 * What a browser's WebSocket looks like: an EventTarget dispatching real `Event`s (ws's own are not), so the bundle
 * can run in a context with no `process`, `require` or Node module, as in a browser.
 */
class BrowserLikeWebSocket extends EventTarget {
  private readonly ws: WebSocket;
  binaryType = 'blob';
  constructor(url: string, protocols?: string | string[]) {
    super();
    this.ws = new WebSocket(url, protocols ?? []);
    this.ws.on('open', () => this.dispatchEvent(new Event('open')));
    this.ws.on('message', (data, isBinary) => this.dispatchEvent(new MessageEvent('message', { data: isBinary ? data : String(data) })));
    this.ws.on('error', () => this.dispatchEvent(new Event('error')));
    this.ws.on('close', (code, reason) => this.dispatchEvent(Object.assign(new Event('close'), { code, reason: String(reason) })));
  }
  get readyState(): number {
    return this.ws.readyState;
  }
  get protocol(): string {
    return this.ws.protocol;
  }
  send(data: string): void {
    this.ws.send(data);
  }
  close(code?: number, reason?: string): void {
    this.ws.close(code, reason);
  }
}

describe('the browser bundle of the WebSocket client', () => {
  it('should be one self-contained ES module that loads with no package to resolve', async () => {
    const { bundleWsClientForBrowser } = await import('../../src/local/ws-client.bundle.js');
    const code = await bundleWsClientForBrowser();
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const { pathToFileURL } = await import('node:url');
    // Outside the project, a bare import (partysocket) or a relative one would fail to resolve.
    const dir = mkdtempSync(path.join(tmpdir(), 'ws-client-bundle-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'ws-client.mjs');
    writeFileSync(file, code);
    const loaded = (await import(pathToFileURL(file).href)) as { SocketpostWsClient?: unknown; RECOVERY_SUBPROTOCOL?: unknown };
    expect(typeof loaded.SocketpostWsClient).toBe('function');
    expect(loaded.RECOVERY_SUBPROTOCOL).toBe('socketpost.v1');
    expect(code).not.toMatch(/['"]node:[a-z]/);
  });

  it('should run in a context with only browser globals and deliver what the server sends', async () => {
    const { bundleWsClientForBrowser } = await import('../../src/local/ws-client.bundle.js');
    const code = await bundleWsClientForBrowser({ format: 'iife' });
    const vm = await import('node:vm');
    const s = await server();
    const context = vm.createContext({ WebSocket: BrowserLikeWebSocket, URL, EventTarget, Event, MessageEvent, setTimeout, clearTimeout, queueMicrotask, console });
    vm.runInContext(code, context);
    const api = (context as unknown as { SocketpostWsClient: { SocketpostWsClient: typeof SocketpostWsClient } }).SocketpostWsClient;
    const c = new api.SocketpostWsClient({ url: s.url, token: () => 'from-the-bundle', heartbeatIntervalMs: 0 });
    cleanups.push(() => c.close());
    const messages: unknown[] = [];
    c.on('message', (m) => messages.push(m.data));
    await s.waitFor(() => s.openConnections.length === 1, 'the bundle’s socket');
    s.sendToAll('hi');
    await s.waitFor(() => messages.length === 1, 'the message');
    expect(s.connections[0]!.token).toBe('from-the-bundle');
    expect(messages).toEqual(['hi']);
  });
});
