import { ValidationError } from '../errors/domain.error.js';
import type { Connection } from '../model/connection.js';
import { MAX_CONNECTION_DURATION_MS } from '../model/limits.js';
import type { EndpointLocation } from '../model/management-endpoint.js';
import { DEFAULT_RECOVERY_WINDOW_SECONDS, selectSubprotocol } from '../model/recovery.js';
import { assertUserId } from '../shared/user-id.js';
import type { RegisterEndpointUseCase } from './register-endpoint.use-case.js';
import type { Clock } from '../../ports/clock.js';
import type { ConnectionRepository } from '../../ports/connection.repository.js';
import type { MessageLog } from '../../ports/message.log.js';

export interface RecordConnectionCommand extends EndpointLocation {
  connectionId: string;
  userId: string;
  /** Epoch ms from `requestContext.connectedAt`; the clock's time when absent. */
  connectedAt?: number;
  sourceIp?: string;
  userAgent?: string;
  /** The client's `Sec-WebSocket-Protocol` header, when it sent one: `socketpost.v1` among them opts into recovery. */
  offeredProtocols?: string;
}

export interface RecordConnectionOptions {
  /** Kept after the 2-hour maximum before the TTL removes a record that missed its `$disconnect`. */
  ttlGraceSeconds: number;
  /** How long a user's messages are kept for a resume (`RECOVERY_WINDOW_SECONDS`, default 120). */
  recoveryWindowSeconds?: number;
}

const CONNECTION_ID = /^[\x21-\x7e]{1,256}$/;

/**
 * Stores connectionId ↔ userId with the endpoint of the API + stage the socket was opened on, and the
 * subprotocol selected for it (the connect handler answers it in `Sec-WebSocket-Protocol`).
 */
export class RecordConnectionUseCase {
  constructor(
    private readonly connections: ConnectionRepository,
    private readonly registerEndpoint: RegisterEndpointUseCase,
    private readonly clock: Clock,
    private readonly options: RecordConnectionOptions,
    /** Without it, a client offering `socketpost.v1` is recorded as a plain socket (no subprotocol selected). */
    private readonly messageLog?: MessageLog,
  ) {}

  async execute(command: RecordConnectionCommand): Promise<Connection> {
    const userId = assertUserId(command.userId);
    if (typeof command.connectionId !== 'string' || !CONNECTION_ID.test(command.connectionId)) {
      throw new ValidationError('connectionId', 'must be 1–256 printable characters');
    }
    const endpoint = await this.registerEndpoint.execute(command);
    const connectedAt =
      typeof command.connectedAt === 'number' && Number.isFinite(command.connectedAt) && command.connectedAt > 0
        ? command.connectedAt
        : this.clock.now();
    const connection: Connection = {
      connectionId: command.connectionId,
      userId,
      endpoint: endpoint.toJSON(),
      connectedAt,
      expiresAt: Math.ceil((connectedAt + MAX_CONNECTION_DURATION_MS) / 1000) + this.options.ttlGraceSeconds,
      // Informational fields from the client: kept only as short strings, so no event can store anything else.
      ...(typeof command.sourceIp === 'string' && command.sourceIp ? { sourceIp: command.sourceIp.slice(0, 64) } : {}),
      ...(typeof command.userAgent === 'string' && command.userAgent ? { userAgent: command.userAgent.slice(0, 512) } : {}),
    };
    const protocol = this.messageLog ? selectSubprotocol(command.offeredProtocols) : undefined;
    if (protocol) {
      connection.protocol = protocol;
      // Messages sent while this socket is away (until its maximum duration, plus the window) are logged for its resume.
      const windowMs = (this.options.recoveryWindowSeconds ?? DEFAULT_RECOVERY_WINDOW_SECONDS) * 1000;
      await this.messageLog?.markRecovering(userId, connectedAt + MAX_CONNECTION_DURATION_MS + windowMs);
    }
    await this.connections.save(connection);
    return connection;
  }
}
