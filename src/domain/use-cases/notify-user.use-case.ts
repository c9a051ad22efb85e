import { MessageTooLargeError, ValidationError } from '../errors/domain.error.js';
import { exclusionSet } from '../model/audience.js';
import { isLive, type Connection } from '../model/connection.js';
import { MAX_JSON_DEPTH, MAX_MESSAGE_BYTES } from '../model/limits.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from '../shared/backoff.js';
import { mapWithConcurrency } from '../shared/map-with-concurrency.js';
import { StopController, unlessStopped, type StopReason, type StopSignal } from '../shared/stop-signal.js';
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

export type DeliveryErrorCode =
  | 'FORBIDDEN'
  | 'THROTTLED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UPSTREAM_ERROR'
  /** 410 from a connection whose `$connect` is still finishing (younger than the connect grace); kept. */
  | 'NOT_YET_OPEN'
  /** The notify's deadline passed before this connection's post answered (or before it was tried). */
  | 'DEADLINE_EXCEEDED'
  /** The service shut down before this connection's post answered (or before it was tried). */
  | 'SHUTDOWN';

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
  /**
   * Total time one notify may take, retries and slow posts included (default 10 s); what has not answered by
   * then is reported `failed` with `DEADLINE_EXCEEDED`. `Infinity`: no deadline.
   */
  deadlineMs: number;
  /**
   * API Gateway answers 410 to a post while the connection's `$connect` is still finishing. A 410 from a
   * connection younger than this (from its `connectedAt`) keeps the record and is retried (default 3 s); only
   * a 410 after the grace prunes.
   */
  connectGraceMs: number;
  /** First wait before posting again to a connection that is not open yet; doubles up to 1 s (default 100 ms). */
  notYetOpenRetryMs: number;
}

export const DEFAULT_NOTIFY_OPTIONS: NotifyUserOptions = {
  concurrency: 32,
  backoff: DEFAULT_BACKOFF,
  random: Math.random,
  deadlineMs: 10_000,
  connectGraceMs: 3_000,
  notYetOpenRetryMs: 100,
};

const MAX_NOT_YET_OPEN_WAIT_MS = 1_000;

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
    const { deadlineMs, connectGraceMs, notYetOpenRetryMs } = this.options;
    if (!(deadlineMs > 0) || !(connectGraceMs >= 0) || !(notYetOpenRetryMs > 0)) {
      throw new RangeError('deadlineMs and notYetOpenRetryMs must be positive, connectGraceMs at least 0');
    }
  }

  /**
   * `stop` (optional) ends the notify early, e.g. when the service shuts down: posts not answered by then are
   * reported `failed` with the stop's reason, and the report of what is known is returned at once.
   */
  async execute(command: NotifyUserCommand, stop?: StopSignal): Promise<DeliveryReport> {
    const userId = assertUserId(command.userId);
    const data = encodeMessage(command.message);
    const excluded = exclusionSet(command.excludeConnectionIds);

    const run = new StopController();
    const unfollow = run.follow(stop);
    const cancelDeadline = Number.isFinite(this.options.deadlineMs)
      ? this.clock.schedule(this.options.deadlineMs, () => run.stop('DEADLINE_EXCEEDED'))
      : () => undefined;

    let deliveries: ConnectionDelivery[];
    let excludedCount: number;
    try {
      const now = this.clock.now();
      const found = await this.connections.findByUser(userId);
      const all = excluded.size > 0 ? found.filter((c) => !excluded.has(c.connectionId)) : found;
      excludedCount = found.length - all.length;
      deliveries = await mapWithConcurrency(all, this.options.concurrency, (connection) =>
        isLive(connection, now) ? this.deliver(connection, data, run.signal) : this.prune(connection, 0),
      );
    } finally {
      cancelDeadline();
      unfollow();
    }

    const report: DeliveryReport = {
      userId,
      delivered: deliveries.filter((d) => d.status === 'delivered').length,
      gone: deliveries.filter((d) => d.status === 'gone').length,
      failed: deliveries.filter((d) => d.status === 'failed').length,
      ...(excluded.size > 0 ? { excluded: excludedCount } : {}),
      connections: deliveries,
    };
    this.logger.info('notify finished', {
      userId,
      bytes: data.byteLength,
      delivered: report.delivered,
      gone: report.gone,
      failed: report.failed,
      ...(run.reason ? { stoppedBy: run.reason } : {}),
    });
    return report;
  }

  private async deliver(connection: Connection, data: Uint8Array, stop: StopSignal): Promise<ConnectionDelivery> {
    const { connectionId, endpoint } = connection;
    const { maxAttempts } = this.options.backoff;
    let attempts = 0;
    let failures = 0;
    /** Set while the connection answers 410 within its connect grace: when we first saw it, how long we wait next. */
    let notYetOpen: { since: number; waitMs: number } | undefined;
    let result: PostResult;
    for (;;) {
      if (stop.reason) return this.interrupted(connection, attempts, stop.reason, notYetOpen !== undefined);
      attempts += 1;
      const answer = await unlessStopped(this.messenger.post(endpoint, connectionId, data), stop);
      if (answer === undefined) return this.interrupted(connection, attempts, stop.reason ?? 'DEADLINE_EXCEEDED', notYetOpen !== undefined);
      result = answer;

      if (result.status === 'gone') {
        const now = this.clock.now();
        notYetOpen ??= { since: now, waitMs: this.options.notYetOpenRetryMs };
        // Measured from connectedAt, and never longer than one grace from the first 410 (clock skew).
        const graceEnds = Math.min(connection.connectedAt, notYetOpen.since) + this.options.connectGraceMs;
        if (now >= graceEnds) return this.prune(connection, attempts);
        // A young socket that closed again (its `$disconnect` already removed the record) will never open.
        if (!(await this.stillRecorded(connectionId))) return { connectionId, status: 'gone', attempts };
        const wait = Math.min(notYetOpen.waitMs, graceEnds - now);
        notYetOpen.waitMs = Math.min(notYetOpen.waitMs * 2, MAX_NOT_YET_OPEN_WAIT_MS);
        await this.clock.sleep(wait, stop);
        continue;
      }
      notYetOpen = undefined;
      if (isRetryable(result)) {
        failures += 1;
        if (failures < maxAttempts) {
          await this.clock.sleep(backoffDelay(this.options.backoff, failures, this.options.random), stop);
          continue;
        }
      }
      break;
    }

    const attempt = attempts;
    switch (result.status) {
      case 'delivered':
        return { connectionId, status: 'delivered', attempts: attempt };
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

  /** Whether the record is still there; a storage error counts as yes (the retry decides later). */
  private async stillRecorded(connectionId: string): Promise<boolean> {
    try {
      return (await this.connections.findById(connectionId)) !== undefined;
    } catch {
      return true;
    }
  }

  /** What a connection's delivery comes to when the notify is stopped (deadline or shutdown) before it answered. */
  private interrupted(connection: Connection, attempts: number, reason: StopReason, notYetOpen: boolean): ConnectionDelivery {
    const { connectionId } = connection;
    const sent = attempts === 0 ? 'before it was posted to (nothing was sent)' : `after ${attempts} attempt(s)`;
    if (reason === 'SHUTDOWN') {
      return failed(
        connectionId,
        attempts,
        'SHUTDOWN',
        `the service shut down ${sent}; ${attempts === 0 ? 'send it again' : 'the last post may or may not have arrived'} once the service is back`,
      );
    }
    if (notYetOpen) {
      return failed(
        connectionId,
        attempts,
        'NOT_YET_OPEN',
        `the connection answered 410 while its $connect was still finishing (opened ${this.clock.now() - connection.connectedAt} ms ago); ` +
          'its record is kept and later notifies will reach it once it is open: send this one again',
      );
    }
    return failed(
      connectionId,
      attempts,
      'DEADLINE_EXCEEDED',
      `the notify deadline (${this.options.deadlineMs} ms) passed ${sent}; ` +
        (attempts === 0 ? 'send it again' : 'the last post may or may not have arrived: send again only if duplicates are harmless'),
    );
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
    if (jsonDepth(message) > MAX_JSON_DEPTH) {
      throw new ValidationError('message', `must not nest objects or arrays more than ${MAX_JSON_DEPTH} levels deep`);
    }
    try {
      text = JSON.stringify(message);
    } catch {
      throw new ValidationError('message', 'must be a JSON value (no cycles, no BigInt)');
    }
  } else {
    throw new ValidationError('message', 'must be a string or a JSON object');
  }
  if (text.length === 0) throw new ValidationError('message', 'must not be empty');
  const data = encoder.encode(text);
  if (data.byteLength > MAX_MESSAGE_BYTES) throw new MessageTooLargeError(data.byteLength, MAX_MESSAGE_BYTES);
  return data;
}

/** Nesting depth of objects and arrays (1 for `{}`), measured without recursion so that no input overflows the stack. */
export function jsonDepth(value: unknown): number {
  let deepest = 0;
  const pending: Array<[unknown, number]> = [[value, 1]];
  while (pending.length > 0) {
    const [item, depth] = pending.pop() as [unknown, number];
    if (item === null || typeof item !== 'object') continue;
    if (depth > deepest) deepest = depth;
    if (deepest > MAX_JSON_DEPTH) return deepest;
    for (const child of Object.values(item)) if (child !== null && typeof child === 'object') pending.push([child, depth + 1]);
  }
  return deepest;
}
