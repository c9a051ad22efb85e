import { isUtf8 } from 'node:buffer';
import { WebSocket, type RawData } from 'ws';
import type { Logger } from '../../ports/logger.js';
import type { WebSocketHandler } from '../../adapters/lambda/lambda-events.js';
import type { ConnectionRegistry } from './connection.registry.js';
import type { ConnectionChannel, EmulatedConnection } from './emulated-connection.js';
import type { EmulatorHandlers, ResolvedEmulatorOptions } from './emulator-options.js';
import type { EventFactory } from './event.factory.js';
import { invokeLambda } from './lambda-invoker.js';
import { selectRoute } from './route.selector.js';

export interface SessionDeps {
  registry: ConnectionRegistry;
  events: EventFactory;
  handlers: EmulatorHandlers;
  options: ResolvedEmulatorOptions;
  logger: Logger;
}

interface CloseCause {
  code: number;
  reason: string;
}

/** ws receiver errors → the close code API Gateway reports for them. */
const CLOSE_CODE_OF_ERROR: Record<string, CloseCause> = {
  WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: { code: 1009, reason: 'Message too big' },
  WS_ERR_INVALID_UTF8: { code: 1007, reason: 'Invalid frame payload data' },
};

/**
 * One open socket: routes its frames to the handlers, enforces idle timeout and maximum duration, and runs
 * `$disconnect` once with the code of whoever closed first.
 */
export class SocketSession implements ConnectionChannel {
  readonly finished: Promise<void>;
  private resolveFinished!: () => void;
  private idleTimer: NodeJS.Timeout | undefined;
  private durationTimer: NodeJS.Timeout | undefined;
  private graceTimer: NodeJS.Timeout | undefined;
  private serverCause: CloseCause | undefined;
  private silent = false;
  private readonly knownRoutes: ReadonlySet<string>;

  constructor(
    private readonly connection: EmulatedConnection,
    private readonly ws: WebSocket,
    private readonly deps: SessionDeps,
  ) {
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
    this.knownRoutes = new Set(Object.keys(deps.handlers.routes ?? {}));
  }

  start(): void {
    this.ws.on('message', (data, isBinary) => void this.onMessage(data, isBinary));
    this.ws.on('error', (err: Error & { code?: string }) => {
      this.serverCause ??= CLOSE_CODE_OF_ERROR[err.code ?? ''];
      this.deps.logger.debug('socket error', { connectionId: this.connection.connectionId, error: err.message });
    });
    this.ws.on('close', (code, reason) => void this.onClose(code, reason.toString('utf8')));
    this.resetIdleTimer();
    this.durationTimer = setTimeout(() => this.closeFromServer(1001, 'Going away'), this.deps.options.maxDurationMs);
  }

  deliver(data: Buffer): boolean {
    if (this.ws.readyState !== WebSocket.OPEN) return false;
    this.connection.lastActiveAt = Date.now();
    // Bytes that are valid UTF-8 go out as a text frame, anything else as binary.
    this.ws.send(data, { binary: !isUtf8(data) });
    return true;
  }

  closeFromServer(code: number, reason: string): void {
    if (this.serverCause === undefined) this.serverCause = { code, reason };
    this.deps.registry.remove(this.connection.connectionId);
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) {
      this.ws.close(code, reason);
    }
    // A peer that never answers the close frame is cut off, so stop() and timeouts stay bounded.
    this.graceTimer ??= setTimeout(() => this.ws.terminate(), this.deps.options.closeGraceMs);
  }

  drop(): void {
    this.silent = true;
    this.deps.registry.remove(this.connection.connectionId);
    this.ws.terminate();
  }

  private async onMessage(data: RawData, isBinary: boolean): Promise<void> {
    this.connection.lastActiveAt = Date.now();
    this.resetIdleTimer();
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
    const text = isBinary ? undefined : bytes.toString('utf8');
    const routeKey = selectRoute(text, this.knownRoutes);
    const handler: WebSocketHandler | undefined =
      routeKey === '$default' ? this.deps.handlers.default : this.deps.handlers.routes?.[routeKey];
    const event = this.deps.events.message(this.connection, routeKey, text ?? bytes.toString('base64'), isBinary);
    const requestId = event.requestContext.requestId;
    if (!handler) {
      this.sendJson({ message: 'Forbidden', connectionId: this.connection.connectionId, requestId });
      return;
    }
    try {
      const result = await invokeLambda(handler, event, routeKey);
      if (this.deps.options.twoWayRoutes.includes(routeKey) && typeof result?.body === 'string') {
        if (this.ws.readyState === WebSocket.OPEN) this.ws.send(result.body);
      }
    } catch (err) {
      this.deps.logger.warn('route handler failed', { routeKey, connectionId: this.connection.connectionId, error: String(err) });
      this.sendJson({ message: 'Internal server error', connectionId: this.connection.connectionId, requestId });
    }
  }

  private async onClose(clientCode: number, clientReason: string): Promise<void> {
    clearTimeout(this.idleTimer);
    clearTimeout(this.durationTimer);
    clearTimeout(this.graceTimer);
    this.deps.registry.remove(this.connection.connectionId);
    try {
      if (this.silent) return;
      const cause = this.serverCause ?? clientCause(clientCode, clientReason);
      this.deps.logger.info('connection closed', { connectionId: this.connection.connectionId, code: cause.code });
      const handler = this.deps.handlers.disconnect;
      if (!handler) return;
      const event = this.deps.events.disconnect(this.connection, cause.code, cause.reason);
      await invokeLambda(handler, event, '$disconnect').catch((err: unknown) => {
        this.deps.logger.warn('$disconnect handler failed', { connectionId: this.connection.connectionId, error: String(err) });
      });
    } finally {
      this.resolveFinished();
    }
  }

  private resetIdleTimer(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.closeFromServer(1001, 'Going away'), this.deps.options.idleTimeoutMs);
  }

  private sendJson(value: unknown): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(value));
  }
}

function clientCause(code: number, reason: string): CloseCause {
  if (code === 1006) return { code, reason: 'Connection closed abnormally' };
  if (code === 1005) return { code, reason: 'Client-side close frame status not set' };
  return { code, reason: `Client-side close frame status code '${code}' and reason '${reason}'` };
}
