import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { evaluatePolicy } from './authorizer-policy.js';
import { ConnectionRateLimiter } from './connection-rate.limiter.js';
import type { EmulatedConnection } from './emulated-connection.js';
import { handshakeRequestParts, type HandshakeRequestParts } from './event.factory.js';
import { refuseHandshake } from './http-replies.js';
import type { HostCheck } from './host.check.js';
import { hasIdentity } from './identity-sources.js';
import { invokeLambda } from './lambda-invoker.js';
import { SocketSession, type SessionDeps } from './socket.session.js';

/** Why a handshake is answered with an HTTP status instead of 101. */
interface Refusal {
  status: number;
  errorType?: string;
  message?: string;
}

const UNAUTHORIZED: Refusal = { status: 401, errorType: 'UnauthorizedException', message: 'Unauthorized' };
const AUTHORIZER_FAILED: Refusal = { status: 500, errorType: 'AuthorizerConfigurationException', message: 'Internal server error' };

/**
 * The `$connect` flow: stage → identity sources → authorizer → `$connect` handler → 101. The connection id
 * exists from the start (the management API answers 410 for it) but is open only after `$connect` said 2xx.
 */
export class HandshakeHandler {
  readonly sessions = new Set<SocketSession>();
  private readonly pending = new Set<Duplex>();
  private readonly chosenProtocol = new WeakMap<IncomingMessage, string>();
  private readonly wss: WebSocketServer;
  private readonly rate: ConnectionRateLimiter | undefined;
  private stopping = false;

  constructor(
    private readonly deps: SessionDeps,
    private readonly hostCheck?: HostCheck,
  ) {
    const { options } = deps;
    this.rate = options.maxNewConnectionsPerSecond ? new ConnectionRateLimiter(options.maxNewConnectionsPerSecond) : undefined;
    this.wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: options.maxFrameBytes,
      // As on AWS, a subprotocol is accepted only when `$connect` answered it in Sec-WebSocket-Protocol.
      handleProtocols: (offered, req) => {
        const chosen = this.chosenProtocol.get(req);
        return chosen !== undefined && offered.has(chosen) ? chosen : false;
      },
    });
  }

  async handle(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', (err) => this.deps.logger.debug('handshake socket error', { error: err.message }));
    const refusal = this.precheck(req);
    if (refusal) return refuseHandshake(socket, refusal.status, refusal.errorType, refusal.message);
    this.pending.add(socket);
    try {
      await this.establish(req, socket, head);
    } catch (err) {
      this.deps.logger.error('handshake failed', { error: String(err) });
      refuseHandshake(socket, 500);
    } finally {
      this.pending.delete(socket);
    }
  }

  /** Cuts pending handshakes and closes every socket with 1001, waiting for each `$disconnect`. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const socket of this.pending) socket.destroy();
    const sessions = [...this.sessions];
    for (const session of sessions) session.closeFromServer(1001, 'Going away');
    await Promise.all(sessions.map((s) => s.finished));
    this.wss.close();
  }

  private precheck(req: IncomingMessage): Refusal | undefined {
    if (this.stopping) return { status: 503 };
    // Before the stage, the authorizer and any Lambda: API Gateway does not answer for other domains.
    if (this.hostCheck && !this.hostCheck.allows(req.headers.host)) {
      this.deps.logger.warn('handshake refused: unknown Host', { host: req.headers.host, allowed: this.hostCheck.hosts });
      return { status: 403, errorType: 'ForbiddenException', message: 'Forbidden' };
    }
    const url = requestUrl(req);
    const stage = stageOf(url.pathname);
    if (stage === undefined || !this.deps.options.stages.includes(stage)) {
      return { status: 403, errorType: 'ForbiddenException', message: 'Forbidden' };
    }
    if (req.method !== 'GET' || req.headers.upgrade?.toLowerCase() !== 'websocket' || !req.headers['sec-websocket-key']) {
      return { status: 400 };
    }
    if (this.rate && !this.rate.tryAcquire()) {
      return { status: 429, errorType: 'LimitExceededException', message: 'Limit Exceeded' };
    }
    if (this.deps.handlers.authorizer && !hasIdentity(this.deps.options.identitySources, req, url)) return UNAUTHORIZED;
    return undefined;
  }

  private async establish(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const { options, registry } = this.deps;
    const url = requestUrl(req);
    const sourceIp = normalizeIp(req.socket.remoteAddress);
    const now = Date.now();
    const parts = handshakeRequestParts(req, url, sourceIp);
    const connection: EmulatedConnection = {
      connectionId: this.uniqueConnectionId(),
      stage: stageOf(url.pathname) as string,
      connectedAt: now,
      lastActiveAt: now,
      sourceIp,
      userAgent: req.headers['user-agent'],
      domainName: req.headers.host ?? `${options.host}:${req.socket.localPort ?? ''}`,
      requestHeaders: { headers: parts.headers, multiValueHeaders: parts.multiValueHeaders },
      authorizer: undefined,
      state: 'connecting',
    };
    registry.add(connection);
    let opened = false;
    try {
      const refusal = (await this.authorize(connection, parts)) ?? (await this.runConnect(connection, parts, req));
      if (refusal) return refuseHandshake(socket, refusal.status, refusal.errorType, refusal.message);
      if (socket.destroyed || this.stopping) return;
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        opened = true;
        const session = new SocketSession(connection, ws, this.deps);
        connection.state = 'open';
        connection.channel = session;
        this.sessions.add(session);
        void session.finished.then(() => this.sessions.delete(session));
        session.start();
        this.deps.logger.info('connection opened', { connectionId: connection.connectionId, stage: connection.stage });
      });
    } finally {
      if (!opened) registry.remove(connection.connectionId);
    }
  }

  private async authorize(connection: EmulatedConnection, parts: HandshakeRequestParts): Promise<Refusal | undefined> {
    const { authorizer } = this.deps.handlers;
    if (!authorizer) return undefined;
    const event = this.deps.events.authorizer(connection, parts);
    let result: unknown;
    try {
      result = await invokeLambda(authorizer, event, 'authorizer');
    } catch (err) {
      if (err instanceof Error && err.message === 'Unauthorized') return UNAUTHORIZED;
      this.deps.logger.warn('authorizer failed', { error: String(err) });
      return AUTHORIZER_FAILED;
    }
    const decision = evaluatePolicy(result, event.methodArn);
    if (decision === 'invalid') return AUTHORIZER_FAILED;
    if (decision === 'deny') {
      return {
        status: 403,
        errorType: 'AccessDeniedException',
        message: 'User is not authorized to access this resource with an explicit deny',
      };
    }
    const { principalId, context } = result as { principalId: string; context?: Record<string, string | number | boolean> };
    connection.authorizer = { ...(context ?? {}), principalId };
    return undefined;
  }

  private async runConnect(
    connection: EmulatedConnection,
    parts: HandshakeRequestParts,
    req: IncomingMessage,
  ): Promise<Refusal | undefined> {
    const handler = this.deps.handlers.connect;
    if (!handler) return undefined;
    let statusCode: number;
    let headers: Record<string, string> | undefined;
    try {
      const result = await invokeLambda(handler, this.deps.events.connect(connection, parts), '$connect');
      // A proxy integration result without statusCode counts as 200, like an empty Lambda response.
      statusCode = result?.statusCode ?? 200;
      headers = result?.headers;
    } catch (err) {
      this.deps.logger.warn('$connect handler failed', { error: String(err) });
      return { status: 500, message: 'Internal server error' };
    }
    if (statusCode < 200 || statusCode > 299) return { status: statusCode };
    const protocol = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === 'sec-websocket-protocol')?.[1];
    if (protocol !== undefined) this.chosenProtocol.set(req, protocol);
    return undefined;
  }

  private uniqueConnectionId(): string {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const id = this.deps.options.connectionIdFactory();
      if (!this.deps.registry.get(id)) return id;
    }
    throw new Error('connectionIdFactory keeps returning ids that are in use');
  }
}

function requestUrl(req: IncomingMessage): URL {
  return new URL(req.url ?? '/', 'http://emulator.invalid');
}

/** `/dev` or `/dev/` → `dev`; anything deeper is not a WebSocket URL. */
export function stageOf(pathname: string): string | undefined {
  const match = /^\/([^/]+)\/?$/.exec(pathname);
  return match?.[1];
}

function normalizeIp(address: string | undefined): string {
  if (!address) return '127.0.0.1';
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}
