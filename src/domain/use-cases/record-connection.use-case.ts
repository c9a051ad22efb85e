import { ValidationError } from '../errors/domain.error.js';
import type { Connection } from '../model/connection.js';
import { MAX_CONNECTION_DURATION_MS } from '../model/limits.js';
import type { EndpointLocation } from '../model/management-endpoint.js';
import { assertUserId } from '../shared/user-id.js';
import type { RegisterEndpointUseCase } from './register-endpoint.use-case.js';
import type { Clock } from '../../ports/clock.js';
import type { ConnectionRepository } from '../../ports/connection.repository.js';

export interface RecordConnectionCommand extends EndpointLocation {
  connectionId: string;
  userId: string;
  /** Epoch ms from `requestContext.connectedAt`; the clock's time when absent. */
  connectedAt?: number;
  sourceIp?: string;
  userAgent?: string;
}

export interface RecordConnectionOptions {
  /** Kept after the 2-hour maximum before the TTL removes a record that missed its `$disconnect`. */
  ttlGraceSeconds: number;
}

const CONNECTION_ID = /^[\x21-\x7e]{1,256}$/;

/** Stores connectionId ↔ userId with the endpoint of the API + stage the socket was opened on. */
export class RecordConnectionUseCase {
  constructor(
    private readonly connections: ConnectionRepository,
    private readonly registerEndpoint: RegisterEndpointUseCase,
    private readonly clock: Clock,
    private readonly options: RecordConnectionOptions,
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
    await this.connections.save(connection);
    return connection;
  }
}
