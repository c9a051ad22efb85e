import { WebSocketServer, type WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for socketpost's WebSocket side, over loopback with real `ws` sockets, for the ws-client's tests:
 * answers `ping` with `pong`, `join`/`leave` with `joined`/`left` (or `error` for a forbidden group), and, with the
 * `socketpost.v1` subprotocol, wraps published messages in `{seq, data}` and replays them on `resume`.
 */
export interface FakeConnection {
  readonly id: number;
  readonly ws: WebSocket;
  readonly token: string | null;
  readonly protocol: string;
  readonly received: string[];
  open: boolean;
  closeCode?: number;
}

export interface FakeServerOptions {
  /** Answer pings (default true); false makes the server look dead to the heartbeat. */
  answerPings?: boolean;
  /** Groups a join is refused for. */
  forbiddenGroups?: string[];
  /** Refuse the next N handshakes with 401. */
  refuseHandshakes?: number;
}

export class FakeSocketpostServer {
  readonly connections: FakeConnection[] = [];
  /** `open#n` and `close#n` in the order the server saw them. */
  readonly events: string[] = [];
  readonly log: Array<{ seq: number; data: unknown }> = [];
  private seq = 0;
  private refuse: number;

  private constructor(
    private readonly wss: WebSocketServer,
    readonly url: string,
    private readonly options: FakeServerOptions,
  ) {
    this.refuse = options.refuseHandshakes ?? 0;
  }

  static async start(options: FakeServerOptions = {}): Promise<FakeSocketpostServer> {
    const holder: { server?: FakeSocketpostServer } = {};
    const wss = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      verifyClient: (_info, callback) => {
        const server = holder.server!;
        if (server.refuse > 0) {
          server.refuse -= 1;
          callback(false, 401, 'Unauthorized');
        } else callback(true);
      },
    });
    await new Promise<void>((resolve) => wss.once('listening', resolve));
    const { port } = wss.address() as AddressInfo;
    const server = (holder.server = new FakeSocketpostServer(wss, `ws://127.0.0.1:${port}/dev`, options));
    wss.on('connection', (ws, request) => server.accept(ws, new URL(request.url ?? '/', 'http://x').searchParams.get('token')));
    return server;
  }

  refuseNext(count: number): void {
    this.refuse = count;
  }

  get openConnections(): FakeConnection[] {
    return this.connections.filter((c) => c.open);
  }

  /** Sends a plain message to every open socket (what a notify to the user does). */
  sendToAll(text: string): void {
    for (const c of this.openConnections) c.ws.send(text);
  }

  /** Gives the message the next sequence number, logs it and sends it to every open socket (envelope with the subprotocol). */
  publish(data: unknown): number {
    const seq = ++this.seq;
    this.log.push({ seq, data });
    for (const c of this.openConnections) this.deliver(c, seq, data);
    return seq;
  }

  deliver(c: FakeConnection, seq: number, data: unknown): void {
    c.ws.send(c.protocol === 'socketpost.v1' ? JSON.stringify({ seq, data }) : typeof data === 'string' ? data : JSON.stringify(data));
  }

  async waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const started = Date.now();
    while (!condition()) {
      if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  async stop(): Promise<void> {
    for (const c of this.connections) c.ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  /** Forgets the oldest messages, as the service's recovery window does. */
  forgetUpTo(seq: number): void {
    while (this.log.length > 0 && this.log[0]!.seq <= seq) this.log.shift();
  }

  /** Starts the numbering again, as a restarted local service does. */
  restartNumbering(): void {
    this.log.length = 0;
    this.seq = 0;
  }

  /** As the service answers `{"action":"resume","since":n}`. */
  private resume(c: FakeConnection, since: number): void {
    const latestSeq = this.seq;
    if (since > latestSeq) {
      c.ws.send(JSON.stringify({ type: 'error', code: 'INVALID_RESUME', message: `since ${since} is past ${latestSeq}`, latestSeq }));
      return;
    }
    const kept = this.log.filter((e) => e.seq > since);
    if (since < latestSeq && kept[0]?.seq !== since + 1) {
      c.ws.send(JSON.stringify({ type: 'error', code: 'RECOVERY_WINDOW_EXCEEDED', message: 'older than the window', latestSeq, ...(kept[0] ? { firstKeptSeq: kept[0].seq } : {}) }));
    }
    for (const entry of kept) this.deliver(c, entry.seq, entry.data);
    c.ws.send(JSON.stringify({ type: 'resumed', since, latestSeq, replayed: kept.length }));
  }

  private accept(ws: WebSocket, token: string | null): void {
    const connection: FakeConnection = { id: this.connections.length + 1, ws, token, protocol: ws.protocol, received: [], open: true };
    this.connections.push(connection);
    this.events.push(`open#${connection.id}`);
    ws.on('close', (code) => {
      connection.open = false;
      connection.closeCode = code;
      this.events.push(`close#${connection.id}`);
    });
    ws.on('message', (raw) => {
      const text = String(raw);
      connection.received.push(text);
      let frame: { action?: string; group?: string; since?: number };
      try {
        frame = JSON.parse(text) as typeof frame;
      } catch {
        return;
      }
      if (frame.action === 'ping' && this.options.answerPings !== false) ws.send('{"type":"pong"}');
      if (frame.action === 'join' || frame.action === 'leave') {
        const group = String(frame.group);
        if (frame.action === 'join' && this.options.forbiddenGroups?.includes(group)) {
          ws.send(JSON.stringify({ type: 'error', code: 'FORBIDDEN_GROUP', group, message: `your token's groups claim does not allow group "${group}"` }));
        } else ws.send(JSON.stringify({ type: frame.action === 'join' ? 'joined' : 'left', group }));
      }
      if (frame.action === 'resume' && typeof frame.since === 'number') this.resume(connection, frame.since);
    });
  }
}
