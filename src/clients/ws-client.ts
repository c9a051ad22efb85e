/**
 * socketpost/ws-client — a WebSocket client for socketpost's API Gateway WebSocket API, for browsers and Node.
 *
 * What it adds to a plain WebSocket (reconnecting-websocket's successor `partysocket` runs each socket underneath:
 * it reopens a dropped socket and asks for a fresh URL, hence a fresh token, every time):
 * - a token from an async callback, put in the URL's `token` query parameter on every (re)connect;
 * - exponential backoff with full jitter between reconnects (partysocket's own delay is turned off);
 * - an application heartbeat (`{"action":"ping"}`, answered `{"type":"pong"}`) under API Gateway's idle timeout;
 * - a new socket before the 2-hour limit, opened before the old one is closed, duplicates dropped meanwhile;
 * - its groups joined again on every new socket (`{"action":"join","group":…}`);
 * - with `recovery: true`, the `socketpost.v1` subprotocol: `{seq, data}` envelopes, delivered in order and once,
 *   and `{"action":"resume","since":<last seq>}` after a reconnect.
 *
 * It imports nothing from the service: it runs in a browser as well as in Node.
 */
import ReconnectingWebSocket from 'partysocket/ws';
import { fullJitterDelay, type BackoffOptions } from './backoff.js';
import { Emitter } from './ws/emitter.js';
import { OverlapDeduplicator } from './ws/overlap-dedup.js';
import { Sequencer, type SequencerTimers } from './ws/sequencer.js';

export type { BackoffOptions } from './backoff.js';
export { backoffCeiling, fullJitterDelay } from './backoff.js';

/** The subprotocol of message recovery. */
export const RECOVERY_SUBPROTOCOL = 'socketpost.v1';

/** The part of a WebSocket this client uses: the browser's, Node 22's global one, or the `ws` package's. */
export interface WebSocketLike {
  readonly readyState: number;
  readonly protocol: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: string, listener: (event: object) => void): void;
  removeEventListener(type: string, listener: (event: object) => void): void;
}

export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

export interface WsClientTimers extends SequencerTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface WsClientOptions {
  /** The stage's URL, e.g. `wss://abc123.execute-api.eu-west-1.amazonaws.com/prod` or `ws://127.0.0.1:3001/dev`. */
  url: string;
  /** Called before every connection attempt (so short-lived tokens work); its result goes in the query. */
  token?: () => string | Promise<string>;
  /** The query parameter that carries the token. Default `token` (what the authorizer reads). */
  tokenParam?: string;
  /** The WebSocket class. Default the global one (browsers, Node ≥ 22); on Node 20 pass `ws`'s. */
  WebSocket?: WebSocketConstructor;
  /** Groups joined on every socket (the token's `groups` claim must allow them). */
  groups?: string[];
  /** Use the `socketpost.v1` subprotocol: ordered, de-duplicated messages and `resume` after a reconnect. */
  recovery?: boolean;
  /** Interval of `{"action":"ping"}`, under API Gateway's 10-minute idle timeout. Default 5 minutes; 0 turns it off. */
  heartbeatIntervalMs?: number;
  /** Age at which a socket is replaced by a new one, under API Gateway's 2-hour limit. Default 110 minutes; 0 never. */
  rotateAfterMs?: number;
  /** How long the old socket stays open once its replacement is open (and has joined its groups). Default 1 s. */
  overlapMs?: number;
  /** Waits between reconnect attempts. Default 500 ms doubling up to 30 s, with full jitter. */
  backoff?: BackoffOptions;
  /** A handshake that has not completed by then is abandoned and retried. Default 10 s. */
  connectTimeoutMs?: number;
  /** Recovery: how long a message that arrives after a gap waits for the missing ones. Default 5 s. */
  gapTimeoutMs?: number;
  /** Injected by tests; default the global timers. */
  timers?: WsClientTimers;
  /** Injected by tests; default Math.random. */
  random?: () => number;
}

export interface WsOpenEvent {
  /** `initial`: the first socket; `reconnect`: after a drop; `rotation`: the planned replacement of a socket. */
  reason: 'initial' | 'reconnect' | 'rotation';
  /** The subprotocol the server chose (`socketpost.v1` with recovery), or ''. */
  protocol: string;
}

export interface WsMessageEvent {
  /** Plain mode: the frame as received (the text of a message). Recovery: the envelope's `data`. */
  data: unknown;
  /** Recovery only: the message's sequence number. */
  seq?: number;
}

export interface WsReconnectingEvent {
  /** 1 for the first attempt after a drop, counting up until a socket opens. */
  attempt: number;
  /** The wait before this attempt (full jitter: anywhere from 0 to the current backoff ceiling). */
  delayMs: number;
  /** How the last socket closed, when it did close (1001 at API Gateway's limits, 1006 when cut). */
  code?: number;
  reason?: string;
}

export interface WsCloseEvent {
  code: number;
  reason: string;
}

export interface WsClientEvents {
  open: WsOpenEvent;
  message: WsMessageEvent;
  reconnecting: WsReconnectingEvent;
  close: WsCloseEvent;
  /** Failures that do not stop the client: the token callback threw, a group was refused, a socket errored. */
  error: Error;
}

const GROUP_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

interface GroupWaiter {
  action: 'join' | 'leave';
  resolve: () => void;
  reject: (err: Error) => void;
}

/** One socket the client keeps open (a partysocket that reopens itself when dropped), until it is replaced. */
class Leg {
  open = false;
  opens = 0;
  urlCalls = 0;
  /** Consecutive reconnect attempts since the socket was last open. */
  retry = 0;
  retiring = false;
  lastClose: WsCloseEvent | undefined;
  heartbeat: unknown;
  rotation: unknown;
  unansweredPings = 0;
  pongsExpected = 0;
  /** Resumes sent on this socket and not yet answered (`resumed`, or an error that ends it). */
  pendingResumes = 0;
  /** Replies (`joined`, `left`, `error`) still expected on this socket, per group. */
  readonly pendingReplies = new Map<string, number>();
  socket!: ReconnectingWebSocket;

  constructor(readonly id: number) {}
}

export class SocketpostWsClient extends Emitter<WsClientEvents> {
  private readonly options: WsClientOptions;
  private readonly timers: WsClientTimers;
  private readonly random: () => number;
  private readonly groupSet: Set<string>;
  private readonly waiters = new Map<string, GroupWaiter[]>();
  private readonly dedup = new OverlapDeduplicator();
  private readonly sequencer: Sequencer | undefined;
  private current: Leg | undefined;
  private next: Leg | undefined;
  private legs = 0;
  private everOpened = false;
  private dedupRound = 0;
  private closed = false;
  /** Set when no socket was open for a while, so the next socket to open asks for what it missed. */
  private missedSomething = false;

  constructor(options: WsClientOptions) {
    super();
    const WebSocketClass = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!WebSocketClass) {
      throw new Error('no WebSocket implementation: pass the `WebSocket` option (on Node 20, the default export of the `ws` package)');
    }
    new URL(options.url); // a bad URL fails here, with the URL in the message
    for (const group of options.groups ?? []) assertGroup(group);
    this.options = { ...options, WebSocket: WebSocketClass };
    this.timers = options.timers ?? {
      setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
      clearTimeout: (handle) => globalThis.clearTimeout(handle as Parameters<typeof globalThis.clearTimeout>[0]),
    };
    this.random = options.random ?? Math.random;
    this.groupSet = new Set(options.groups ?? []);
    if (options.recovery) {
      this.sequencer = new Sequencer((m) => this.emit('message', { data: m.data, seq: m.seq }), this.timers, options.gapTimeoutMs ?? 5_000);
    }
    this.current = this.openLeg();
  }

  /** The groups this client joins on every socket. */
  get groups(): string[] {
    return [...this.groupSet];
  }

  /** Recovery: the sequence number of the last message delivered. */
  get lastSeq(): number | undefined {
    return this.sequencer?.lastSeq;
  }

  /** How many of the client's sockets are open right now (2 during a rotation's overlap). */
  get openSockets(): number {
    return [this.current, this.next].filter((leg) => leg?.open).length + (this.retiringOpen ? 1 : 0);
  }

  get isOpen(): boolean {
    return this.current?.open === true;
  }

  /** Sends a frame on the open socket; false (and nothing sent) while no socket is open. */
  send(data: string | object): boolean {
    const leg = this.current;
    if (this.closed || !leg?.open) return false;
    leg.socket.send(typeof data === 'string' ? data : JSON.stringify(data));
    return true;
  }

  /** Joins a group now and on every later socket; resolves once the service confirms it. */
  join(group: string): Promise<void> {
    assertGroup(group);
    this.groupSet.add(group);
    return this.groupRequest('join', group);
  }

  /** Leaves a group, which later sockets no longer join. */
  leave(group: string): Promise<void> {
    assertGroup(group);
    this.groupSet.delete(group);
    return this.groupRequest('leave', group);
  }

  /** Closes every socket for good and emits `close`. */
  close(code = 1000, reason = ''): void {
    if (this.closed) return;
    this.closed = true;
    for (const leg of [this.current, this.next, ...this.retiring]) if (leg) this.stopLeg(leg, code, reason);
    this.current = this.next = undefined;
    this.retiring.clear();
    this.sequencer?.dispose();
    this.dedup.end();
    for (const [group, list] of this.waiters) for (const w of list) w.reject(new Error(`the client closed before the ${w.action} of group ${group} was confirmed`));
    this.waiters.clear();
    this.emit('close', { code, reason });
  }

  private readonly retiring = new Set<Leg>();

  private get retiringOpen(): boolean {
    return [...this.retiring].some((leg) => leg.open);
  }

  private groupRequest(action: 'join' | 'leave', group: string): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the client is closed'));
    const promise = new Promise<void>((resolve, reject) => {
      const list = this.waiters.get(group) ?? [];
      list.push({ action, resolve, reject });
      this.waiters.set(group, list);
    });
    // Sent now when a socket is open; otherwise the next socket's own joins settle it (a leave needs nothing then).
    const leg = this.current;
    if (leg?.open) this.sendGroupFrame(leg, action, group);
    else if (action === 'leave') this.settle(group, 'leave');
    return promise;
  }

  private sendGroupFrame(leg: Leg, action: 'join' | 'leave', group: string): void {
    leg.pendingReplies.set(group, (leg.pendingReplies.get(group) ?? 0) + 1);
    leg.socket.send(JSON.stringify({ action, group }));
  }

  private settle(group: string, action: 'join' | 'leave', error?: Error): void {
    const list = this.waiters.get(group);
    if (!list) return;
    const rest = list.filter((w) => {
      if (w.action !== action && !error) return true;
      if (error) w.reject(error);
      else w.resolve();
      return false;
    });
    if (rest.length > 0) this.waiters.set(group, rest);
    else this.waiters.delete(group);
  }

  private openLeg(): Leg {
    const leg = new Leg(++this.legs);
    const url = async (): Promise<string> => {
      if (this.closed || leg.retiring) return this.options.url;
      if (leg.urlCalls++ > 0) {
        const attempt = leg.retry++;
        const delayMs = fullJitterDelay(attempt, this.options.backoff, this.random);
        this.emit('reconnecting', { attempt: attempt + 1, delayMs, ...leg.lastClose });
        await this.sleep(delayMs);
      }
      return this.urlWithToken(this.options.token ? await this.options.token() : undefined);
    };
    const timeout = this.options.connectTimeoutMs ?? 10_000;
    leg.socket = new ReconnectingWebSocket(url, this.options.recovery ? [RECOVERY_SUBPROTOCOL] : null, {
      WebSocket: this.options.WebSocket,
      minReconnectionDelay: 0,
      maxReconnectionDelay: 0,
      connectionTimeout: timeout,
      maxEnqueuedMessages: 0,
    });
    leg.socket.addEventListener('open', () => this.onOpen(leg));
    leg.socket.addEventListener('message', (event: MessageEvent) => this.onFrame(leg, event.data));
    leg.socket.addEventListener('close', (event) => this.onClose(leg, { code: event.code, reason: event.reason }));
    leg.socket.addEventListener('error', (event) => {
      if (!this.closed && !leg.retiring) this.emit('error', event.error instanceof Error ? event.error : new Error(String(event.message)));
    });
    return leg;
  }

  private onOpen(leg: Leg): void {
    if (this.closed || leg.retiring) return;
    leg.open = true;
    leg.opens += 1;
    leg.retry = 0;
    leg.unansweredPings = leg.pongsExpected = leg.pendingResumes = 0;
    leg.pendingReplies.clear();
    let reason: WsOpenEvent['reason'] = this.everOpened ? 'reconnect' : 'initial';
    if (leg === this.next) {
      // A planned replacement: the old socket closes once this one has joined its groups.
      const old = this.current;
      this.current = leg;
      this.next = undefined;
      if (old) this.retire(old);
      if (!this.missedSomething) reason = 'rotation';
    }
    for (const group of this.groupSet) this.sendGroupFrame(leg, 'join', group);
    const since = this.sequencer?.lastSeq;
    if (this.sequencer && this.everOpened && since !== undefined) {
      leg.pendingResumes += 1;
      leg.socket.send(JSON.stringify({ action: 'resume', since }));
    }
    this.everOpened = true;
    this.missedSomething = false;
    this.scheduleHeartbeat(leg);
    const rotateAfterMs = this.options.rotateAfterMs ?? 110 * 60_000;
    this.timers.clearTimeout(leg.rotation);
    if (rotateAfterMs > 0) leg.rotation = this.timers.setTimeout(() => this.rotate(leg), rotateAfterMs);
    this.emit('open', { reason, protocol: leg.socket.protocol });
  }

  private onClose(leg: Leg, close: WsCloseEvent): void {
    const wasOpen = leg.open;
    leg.open = false;
    leg.lastClose = close;
    this.timers.clearTimeout(leg.heartbeat);
    this.timers.clearTimeout(leg.rotation);
    if (this.closed || leg.retiring) return;
    if (wasOpen) this.missedSomething = true;
    if (leg === this.current && this.next) {
      // The socket being replaced dropped first: stop it; its replacement, already on its way, takes over.
      this.current = undefined;
      this.stopLeg(leg, 1000, 'replaced');
      this.emit('reconnecting', { attempt: 1, delayMs: 0, ...close });
    }
  }

  /** Opens the replacement of `leg` before API Gateway's maximum duration closes it. */
  private rotate(leg: Leg): void {
    if (this.closed || leg !== this.current || this.next || !leg.open) return;
    if (!this.sequencer) {
      this.dedup.begin();
      this.dedupRound += 1;
    }
    this.next = this.openLeg();
  }

  /** Closes a replaced socket once the new one has had its groups confirmed (or a few overlaps passed). */
  private retire(leg: Leg): void {
    leg.retiring = true;
    this.retiring.add(leg);
    this.timers.clearTimeout(leg.heartbeat);
    this.timers.clearTimeout(leg.rotation);
    const overlapMs = this.options.overlapMs ?? 1_000;
    const round = this.dedupRound;
    let waited = 0;
    const closeWhenReady = (): void => {
      waited += 1;
      const joining = this.current && [...this.current.pendingReplies.values()].some((n) => n > 0);
      if (joining && waited < 5 && !this.closed) {
        this.timers.setTimeout(closeWhenReady, overlapMs);
        return;
      }
      this.stopLeg(leg, 1000, 'replaced');
      this.retiring.delete(leg);
      // Copies of what the old socket delivered may still be on their way to the new one: keep comparing a while.
      this.timers.setTimeout(() => {
        if (round === this.dedupRound && !this.next) this.dedup.end();
      }, overlapMs);
    };
    this.timers.setTimeout(closeWhenReady, overlapMs);
  }

  private stopLeg(leg: Leg, code: number, reason: string): void {
    leg.retiring = true;
    leg.open = false;
    this.timers.clearTimeout(leg.heartbeat);
    this.timers.clearTimeout(leg.rotation);
    leg.socket.close(code, reason);
  }

  private scheduleHeartbeat(leg: Leg): void {
    const interval = this.options.heartbeatIntervalMs ?? 5 * 60_000;
    this.timers.clearTimeout(leg.heartbeat);
    if (interval <= 0) return;
    leg.heartbeat = this.timers.setTimeout(() => {
      if (!leg.open || leg.retiring || this.closed) return;
      if (leg.unansweredPings >= 2) {
        // Two pings in a row went unanswered, and nothing else came: the socket is dead without knowing it.
        leg.socket.reconnect(4000, 'heartbeat unanswered');
        return;
      }
      leg.unansweredPings += 1;
      leg.pongsExpected += 1;
      leg.socket.send('{"action":"ping"}');
      this.scheduleHeartbeat(leg);
    }, interval);
  }

  private onFrame(leg: Leg, data: unknown): void {
    if (this.closed) return;
    leg.unansweredPings = 0;
    if (typeof data !== 'string') {
      this.emit('message', { data });
      return;
    }
    const frame = parseObject(data);
    if (frame) {
      if (frame.type === 'pong' && leg.pongsExpected > 0 && Object.keys(frame).length === 1) {
        leg.pongsExpected -= 1;
        return;
      }
      if (this.isGroupReply(leg, frame)) return;
      if (this.isResumeReply(leg, frame)) return;
      if (this.sequencer && Number.isSafeInteger(frame.seq) && 'data' in frame) {
        this.sequencer.accept(frame.seq as number, frame.data);
        return;
      }
    }
    if (this.sequencer || this.dedup.accept(leg.id, data)) this.emit('message', { data });
  }

  /** A reply to a join or leave this client sent: settles the caller's promise instead of reaching `message`. */
  private isGroupReply(leg: Leg, frame: Record<string, unknown>): boolean {
    const group = frame.group;
    if (typeof group !== 'string' || !(frame.type === 'joined' || frame.type === 'left' || frame.type === 'error')) return false;
    const pending = leg.pendingReplies.get(group) ?? 0;
    if (pending <= 0) return false;
    if (pending === 1) leg.pendingReplies.delete(group);
    else leg.pendingReplies.set(group, pending - 1);
    if (frame.type === 'error') {
      this.groupSet.delete(group);
      const err = Object.assign(new Error(`group ${group}: ${String(frame.message ?? frame.code)}`), { code: frame.code });
      this.settle(group, 'join', err);
      this.emit('error', err);
    } else {
      this.settle(group, frame.type === 'joined' ? 'join' : 'leave');
    }
    return true;
  }

  /**
   * The answers to a `resume` this client sent: `resumed` (everything up to `latestSeq` was replayed, so what has
   * not come is lost), `RECOVERY_WINDOW_EXCEEDED` (messages before `firstKeptSeq` are lost: reported as an
   * `error`, the rest follows), `INVALID_RESUME` with a `latestSeq` behind ours (the service's log restarted: carry
   * on from its numbering), `RECOVERY_NOT_ENABLED`.
   */
  private isResumeReply(leg: Leg, frame: Record<string, unknown>): boolean {
    if (!this.sequencer || leg.pendingResumes <= 0) return false;
    const latestSeq = Number.isSafeInteger(frame.latestSeq) ? (frame.latestSeq as number) : undefined;
    if (frame.type === 'resumed') {
      leg.pendingResumes -= 1;
      if (latestSeq !== undefined) this.sequencer.settleThrough(latestSeq);
      return true;
    }
    if (frame.type !== 'error' || typeof frame.code !== 'string') return false;
    if (frame.code === 'RECOVERY_WINDOW_EXCEEDED') {
      const firstKept = Number.isSafeInteger(frame.firstKeptSeq) ? (frame.firstKeptSeq as number) : (latestSeq ?? 0) + 1;
      this.sequencer.skipBefore(firstKept);
    } else if (frame.code === 'INVALID_RESUME' || frame.code === 'RECOVERY_NOT_ENABLED') {
      leg.pendingResumes -= 1;
      if (frame.code === 'INVALID_RESUME' && latestSeq !== undefined) this.sequencer.restartAfter(latestSeq);
    } else {
      return false;
    }
    this.emit('error', Object.assign(new Error(String(frame.message ?? frame.code)), { code: frame.code }));
    return true;
  }

  private urlWithToken(token: string | undefined): string {
    const url = new URL(this.options.url);
    if (token !== undefined) url.searchParams.set(this.options.tokenParam ?? 'token', token);
    return url.toString();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (ms <= 0) resolve();
      else this.timers.setTimeout(resolve, ms);
    });
  }
}

/** Opens a client; the same as `new SocketpostWsClient(options)`. */
export function connectWsClient(options: WsClientOptions): SocketpostWsClient {
  return new SocketpostWsClient(options);
}

function assertGroup(group: string): void {
  if (!GROUP_PATTERN.test(group)) throw new Error(`invalid group name "${group}": 1–128 characters of A-Z a-z 0-9 . _ : -`);
}

function parseObject(text: string): Record<string, unknown> | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
