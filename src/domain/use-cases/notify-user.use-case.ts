import { MessageTooLargeError, ValidationError } from '../errors/domain.error.js';
import { exclusionSet } from '../model/audience.js';
import { isLive, type Connection } from '../model/connection.js';
import { MAX_MESSAGE_BYTES } from '../model/limits.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from '../shared/backoff.js';
import { mapWithConcurrency } from '../shared/map-with-concurrency.js';
import { assertUserId } from '../shared/user-id.js';
import type { Clock } from '../../ports/clock.js';
import type { ConnectionMessenger, PostResult } from '../../ports/connection.messenger.js';
import type { ConnectionRepository } from '../../ports/connection.repository.js';
import type { Logger } from '../../ports/logger.js';

/** A string is sent as-is; anything else (object, array) as JSON. */
export type NotificationMessage = string | Record<string, unknown> | unknown[];

export interface NotifyUserCommand {
  userId: string;
  message: NotificationMessage;
  /** Connections not to send to (e.g. the sender's own socket); at most 100. */
  excludeConnectionIds?: readonly string[];
}

export type DeliveryStatus = 'delivered' | 'gone' | 'failed';

export type DeliveryErrorCode = 'FORBIDDEN' | 'THROTTLED' | 'PAYLOAD_TOO_LARGE' | 'UPSTREAM_ERROR';

export interface ConnectionDelivery {
  connectionId: string;
  status: DeliveryStatus;
  attempts: number;
  error?: { code: DeliveryErrorCode; message: string };
}

export interface DeliveryReport {
  userId: string;
  delivered: number;
  gone: number;
  failed: number;
  /** Connections skipped because the command excluded them (only when it excluded some). */
  excluded?: number;
  connections: ConnectionDelivery[];
}

export interface NotifyUserOptions {
  /** Posts in flight at once for one notify (default 32). */
  concurrency: number;
  backoff: BackoffPolicy;
  /** Source of jitter, in [0, 1). */
  random: () => number;
}

export const DEFAULT_NOTIFY_OPTIONS: NotifyUserOptions = {
  concurrency: 32,
  backoff: DEFAULT_BACKOFF,
  random: Math.random,
};

const encoder = new TextEncoder();

/**
 * Sends a message to every live connection of a user, each through the endpoint recorded when that
 * connection was opened. 410 prunes the connection; 429/5xx/network errors are retried with backoff.
 */
export class NotifyUserUseCase {
  private readonly options: NotifyUserOptions;

  constructor(
    private readonly connections: ConnectionRepository,
    private readonly messenger: ConnectionMessenger,
    private readonly clock: Clock,
    private readonly logger: Logger,
    options: Partial<NotifyUserOptions> = {},
  ) {
    this.options = { ...DEFAULT_NOTIFY_OPTIONS, ...options };
    if (!(this.options.concurrency >= 1) || !(this.options.backoff.maxAttempts >= 1)) {
      throw new RangeError('concurrency and maxAttempts must be at least 1');
    }
  }

  async execute(command: NotifyUserCommand): Promise<DeliveryReport> {
    const userId = assertUserId(command.userId);
    const data = encodeMessage(command.message);
    const excluded = exclusionSet(command.excludeConnectionIds);

    const now = this.clock.now();
    const found = await this.connections.findByUser(userId);
    const all = excluded.size > 0 ? found.filter((c) => !excluded.has(c.connectionId)) : found;
    const deliveries = await mapWithConcurrency(all, this.options.concurrency, (connection) =>
      isLive(connection, now) ? this.deliver(connection, data) : this.prune(connection, 0),
    );

    const report: DeliveryReport = {
      userId,
      delivered: deliveries.filter((d) => d.status === 'delivered').length,
      gone: deliveries.filter((d) => d.status === 'gone').length,
      failed: deliveries.filter((d) => d.status === 'failed').length,
      ...(excluded.size > 0 ? { excluded: found.length - all.length } : {}),
      connections: deliveries,
    };
    this.logger.info('notify finished', {
      userId,
      bytes: data.byteLength,
      delivered: report.delivered,
      gone: report.gone,
      failed: report.failed,
    });
    return report;
  }

  private async deliver(connection: Connection, data: Uint8Array): Promise<ConnectionDelivery> {
    const { connectionId, endpoint } = connection;
    const { maxAttempts } = this.options.backoff;
    let result: PostResult = { status: 'error', message: 'not attempted', retryable: true };
    let attempt = 0;
    while (attempt < maxAttempts) {
      attempt += 1;
      result = await this.messenger.post(endpoint, connectionId, data);
      if (!isRetryable(result) || attempt === maxAttempts) break;
      await this.clock.sleep(backoffDelay(this.options.backoff, attempt, this.options.random));
    }

    switch (result.status) {
      case 'delivered':
        return { connectionId, status: 'delivered', attempts: attempt };
      case 'gone':
        return this.prune(connection, attempt);
      case 'forbidden': {
        const message =
          `403 Forbidden posting to ${endpoint.url}/@connections (signed for ${endpoint.region}); ` +
          `the connection was recorded on apiId=${endpoint.apiId} stage=${endpoint.stage} ` +
          `domainName=${endpoint.domainName} region=${endpoint.region}: check execute-api:ManageConnections ` +
          `on that API and stage. AWS said: ${result.message}`;
        this.logger.warn('post forbidden', { connectionId, endpoint: endpoint.url, region: endpoint.region });
        return failed(connectionId, attempt, 'FORBIDDEN', message);
      }
      case 'throttled':
        return failed(connectionId, attempt, 'THROTTLED', `throttled after ${attempt} attempts: ${result.message}`);
      case 'too_large':
        return failed(connectionId, attempt, 'PAYLOAD_TOO_LARGE', result.message);
      case 'error':
        this.logger.warn('post failed', { connectionId, endpoint: endpoint.url, error: result.message });
        return failed(connectionId, attempt, 'UPSTREAM_ERROR', `failed after ${attempt} attempts: ${result.message}`);
    }
  }

  /** A connection that is gone (410, or past its maximum duration) is removed; a failed removal is only logged. */
  private async prune(connection: Connection, attempts: number): Promise<ConnectionDelivery> {
    try {
      await this.connections.remove(connection.connectionId);
    } catch (error) {
      this.logger.warn('could not remove a gone connection', {
        connectionId: connection.connectionId,
        error: error instanceof Error ? error.message : String(error),
      });
    }
    return { connectionId: connection.connectionId, status: 'gone', attempts };
  }
}

function isRetryable(result: PostResult): boolean {
  return result.status === 'throttled' || (result.status === 'error' && result.retryable);
}

function failed(connectionId: string, attempts: number, code: DeliveryErrorCode, message: string): ConnectionDelivery {
  return { connectionId, status: 'failed', attempts, error: { code, message } };
}

/** Encodes the message as UTF-8 and enforces API Gateway's 128 KB payload limit before any post. */
export function encodeMessage(message: NotificationMessage): Uint8Array {
  let text: string;
  if (typeof message === 'string') {
    text = message;
  } else if (message !== null && typeof message === 'object') {
    text = JSON.stringify(message);
  } else {
    throw new ValidationError('message', 'must be a string or a JSON object');
  }
  if (text.length === 0) throw new ValidationError('message', 'must not be empty');
  const data = encoder.encode(text);
  if (data.byteLength > MAX_MESSAGE_BYTES) throw new MessageTooLargeError(data.byteLength, MAX_MESSAGE_BYTES);
  return data;
}
