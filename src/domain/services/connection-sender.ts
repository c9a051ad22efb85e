import { isLive, type Connection } from '../model/connection.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from '../shared/backoff.js';
import type { ConnectionDelivery, DeliveryErrorCode } from '../use-cases/notify-user.use-case.js';
import type { Clock } from '../../ports/clock.js';
import type { ConnectionMessenger, PostResult } from '../../ports/connection.messenger.js';
import type { ConnectionRepository } from '../../ports/connection.repository.js';
import type { GroupRepository } from '../../ports/group.repository.js';
import type { Logger } from '../../ports/logger.js';

export interface ConnectionSenderOptions {
  backoff: BackoffPolicy;
  /** Source of jitter, in [0, 1). */
  random: () => number;
}

/**
 * Sends one message to one connection through the connection's own endpoint, the way every send does:
 * 429/5xx/network errors retried with backoff, a 410 (or a connection past its maximum duration) removes the
 * connection and its group memberships.
 */
export class ConnectionSender {
  private readonly options: ConnectionSenderOptions;

  constructor(
    private readonly connections: ConnectionRepository,
    private readonly messenger: ConnectionMessenger,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly groups?: GroupRepository,
    options: Partial<ConnectionSenderOptions> = {},
  ) {
    this.options = { backoff: DEFAULT_BACKOFF, random: Math.random, ...options };
    if (!(this.options.backoff.maxAttempts >= 1)) throw new RangeError('maxAttempts must be at least 1');
  }

  async send(connection: Connection, data: Uint8Array): Promise<ConnectionDelivery> {
    if (!isLive(connection, this.clock.now())) return this.forget(connection.connectionId, 0);
    const { connectionId, endpoint } = connection;
    const { maxAttempts } = this.options.backoff;
    let result: PostResult = { status: 'error', message: 'not attempted', retryable: true };
    let attempt = 0;
    while (attempt < maxAttempts) {
      attempt += 1;
      result = await this.messenger.post(endpoint, connectionId, data);
      const retryable = result.status === 'throttled' || (result.status === 'error' && result.retryable);
      if (!retryable || attempt === maxAttempts) break;
      await this.clock.sleep(backoffDelay(this.options.backoff, attempt, this.options.random));
    }

    switch (result.status) {
      case 'delivered':
        return { connectionId, status: 'delivered', attempts: attempt };
      case 'gone':
        return this.forget(connectionId, attempt);
      case 'forbidden':
        return failed(
          connectionId,
          attempt,
          'FORBIDDEN',
          `403 Forbidden posting to ${endpoint.url}/@connections (signed for ${endpoint.region}); the connection was ` +
            `recorded on apiId=${endpoint.apiId} stage=${endpoint.stage}: check execute-api:ManageConnections on that ` +
            `API and stage. AWS said: ${result.message}`,
        );
      case 'throttled':
        return failed(connectionId, attempt, 'THROTTLED', `throttled after ${attempt} attempts: ${result.message}`);
      case 'too_large':
        return failed(connectionId, attempt, 'PAYLOAD_TOO_LARGE', result.message);
      case 'error':
        return failed(connectionId, attempt, 'UPSTREAM_ERROR', `failed after ${attempt} attempts: ${result.message}`);
    }
  }

  /** Removes a connection that is gone, with its group memberships; a failed removal is only logged. */
  async forget(connectionId: string, attempts: number): Promise<ConnectionDelivery> {
    try {
      await this.connections.remove(connectionId);
      await this.groups?.removeConnectionFromAll(connectionId);
    } catch (error) {
      this.logger.warn('could not remove a gone connection', {
        connectionId,
        error: error instanceof Error ? error.message : String(error),
      });
    }
    return { connectionId, status: 'gone', attempts };
  }
}

function failed(connectionId: string, attempts: number, code: DeliveryErrorCode, message: string): ConnectionDelivery {
  return { connectionId, status: 'failed', attempts, error: { code, message } };
}
