import type { ConnectionDelivery, DeliveryErrorCode } from '../model/delivery.js';
import { isLive, type Connection } from '../model/connection.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from '../shared/backoff.js';
import { StopController, unlessStopped, type StopReason, type StopSignal } from '../shared/stop-signal.js';
import { MessageTooLargeError } from '../errors/domain.error.js';
import type { MessageRecovery } from './message-recovery.js';
import type { OutgoingMessage } from './outgoing-message.js';
import type { Clock } from '../../ports/clock.js';
import type { ConnectionMessenger, PostResult } from '../../ports/connection.messenger.js';
import type { ConnectionRepository } from '../../ports/connection.repository.js';
import type { GroupRepository } from '../../ports/group.repository.js';
import type { Logger } from '../../ports/logger.js';

/** How every send posts to one connection: retries, the connect grace and the deadline. */
export interface SendPolicy {
  backoff: BackoffPolicy;
  /** Source of jitter, in [0, 1). */
  random: () => number;
  /**
   * Total time one send (a notify, a group send, a broadcast…) may take, retries and slow posts included
   * (default 10 s); what has not answered by then is reported `failed` with `DEADLINE_EXCEEDED`. `Infinity`: no deadline.
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
  /**
   * Told of each post sent again (after a 429, a retryable failure, or a 410 within the connect grace), with the
   * stage of the connection it goes to: the edges count retries with it. Does nothing by default.
   */
  onRetry: (stage: string) => void;
}

export const DEFAULT_SEND_POLICY: SendPolicy = {
  backoff: DEFAULT_BACKOFF,
  random: Math.random,
  deadlineMs: 10_000,
  connectGraceMs: 3_000,
  notYetOpenRetryMs: 100,
  onRetry: () => undefined,
};

const MAX_NOT_YET_OPEN_WAIT_MS = 1_000;

/** One send under way: stops at its deadline, or when the signal it follows (shutdown) stops. */
export interface SendRun {
  readonly signal: StopSignal;
  /** Cancels the deadline timer and stops following the outside signal; call it once the send is over. */
  end(): void;
}

/**
 * The one per-connection send path of every send (one user, many users, one connection, a group, a
 * broadcast): each post goes through the connection's own endpoint; 429/5xx/network errors are retried with
 * backoff; a 410 from a connection still within its connect grace is retried (the record kept), a later 410
 * (or a connection past its maximum duration) removes the connection and its group memberships; the send's
 * deadline and shutdown end the wait at once, with the same report vocabulary everywhere.
 */
export class ConnectionSender {
  readonly policy: SendPolicy;

  constructor(
    private readonly connections: ConnectionRepository,
    private readonly messenger: ConnectionMessenger,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly groups?: GroupRepository,
    policy: Partial<SendPolicy> = {},
    /** Message recovery: `socketpost.v1` connections get numbered `{seq, data}` envelopes. Absent: every connection gets the bare message. */
    readonly recovery?: MessageRecovery,
  ) {
    this.policy = { ...DEFAULT_SEND_POLICY, ...policy };
    if (!(this.policy.backoff.maxAttempts >= 1)) throw new RangeError('maxAttempts must be at least 1');
    const { deadlineMs, connectGraceMs, notYetOpenRetryMs } = this.policy;
    if (!(deadlineMs > 0) || !(connectGraceMs >= 0) || !(notYetOpenRetryMs > 0)) {
      throw new RangeError('deadlineMs and notYetOpenRetryMs must be positive, connectGraceMs at least 0');
    }
  }

  /** Starts one send: its signal stops with `DEADLINE_EXCEEDED` after `deadlineMs`, or with `stop`'s reason. */
  start(stop?: StopSignal): SendRun {
    const run = new StopController();
    const unfollow = run.follow(stop);
    const cancelDeadline = Number.isFinite(this.policy.deadlineMs)
      ? this.clock.schedule(this.policy.deadlineMs, () => run.stop('DEADLINE_EXCEEDED'))
      : () => undefined;
    return {
      signal: run.signal,
      end: () => {
        cancelDeadline();
        unfollow();
      },
    };
  }

  /** Sends `message` to one connection until it answers for good or `stop` (the run's signal) stops. */
  async send(connection: Connection, message: OutgoingMessage, stop: StopSignal): Promise<ConnectionDelivery> {
    if (!isLive(connection, this.clock.now())) return this.forget(connection.connectionId, 0);
    if (stop.reason) return this.interrupted(connection, 0, stop.reason, false);
    let data: Uint8Array;
    try {
      data = await message.bytesFor(connection, this.recovery);
    } catch (error) {
      // The recovery envelope of a near-limit message: nothing is posted to this socket (single-target sends refuse 413 first).
      if (error instanceof MessageTooLargeError) return failed(connection.connectionId, 0, 'PAYLOAD_TOO_LARGE', error.message);
      throw error;
    }
    const { connectionId, endpoint } = connection;
    const { maxAttempts } = this.policy.backoff;
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
        notYetOpen ??= { since: now, waitMs: this.policy.notYetOpenRetryMs };
        // Measured from connectedAt, and never longer than one grace from the first 410 (clock skew).
        const graceEnds = Math.min(connection.connectedAt, notYetOpen.since) + this.policy.connectGraceMs;
        if (now >= graceEnds) return this.forget(connectionId, attempts);
        // A young socket that closed again (its `$disconnect` already removed the record) will never open.
        if (!(await this.stillRecorded(connectionId))) return { connectionId, status: 'gone', attempts };
        const wait = Math.min(notYetOpen.waitMs, graceEnds - now);
        notYetOpen.waitMs = Math.min(notYetOpen.waitMs * 2, MAX_NOT_YET_OPEN_WAIT_MS);
        await this.clock.sleep(wait, stop);
        if (!stop.reason) this.policy.onRetry(endpoint.stage);
        continue;
      }
      notYetOpen = undefined;
      if (isRetryable(result)) {
        failures += 1;
        if (failures < maxAttempts) {
          await this.clock.sleep(backoffDelay(this.policy.backoff, failures, this.policy.random), stop);
          if (!stop.reason) this.policy.onRetry(endpoint.stage);
          continue;
        }
      }
      break;
    }

    switch (result.status) {
      case 'delivered':
        return { connectionId, status: 'delivered', attempts };
      case 'forbidden': {
        const text =
          `403 Forbidden posting to ${endpoint.url}/@connections (signed for ${endpoint.region}); ` +
          `the connection was recorded on apiId=${endpoint.apiId} stage=${endpoint.stage} ` +
          `domainName=${endpoint.domainName} region=${endpoint.region}: check execute-api:ManageConnections ` +
          `on that API and stage. AWS said: ${result.message}`;
        this.logger.warn('post forbidden', { connectionId, endpoint: endpoint.url, region: endpoint.region });
        return failed(connectionId, attempts, 'FORBIDDEN', text);
      }
      case 'throttled':
        return failed(connectionId, attempts, 'THROTTLED', `throttled after ${attempts} attempts: ${result.message}`);
      case 'too_large':
        return failed(connectionId, attempts, 'PAYLOAD_TOO_LARGE', result.message);
      case 'error':
        this.logger.warn('post failed', { connectionId, endpoint: endpoint.url, error: result.message });
        return failed(connectionId, attempts, 'UPSTREAM_ERROR', `failed after ${attempts} attempts: ${result.message}`);
    }
  }

  /**
   * Message recovery, before a send to one user posts anything: when the user opted into recovery (a
   * `socketpost.v1` socket among `connections`, or one away within the window), the message is numbered and
   * logged for her now, so that a socket that is away gets it on resume; throws MessageTooLargeError (413,
   * nothing sent, nothing logged) when its envelope would not fit. Without recovery, does nothing.
   */
  async prepareUser(message: OutgoingMessage, userId: string, connections: readonly Connection[]): Promise<void> {
    if (!this.recovery || !(await this.recovery.wanted(userId, connections))) return;
    await message.envelopeFor(userId, this.recovery);
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

  /** Whether the record is still there; a storage error counts as yes (the retry decides later). */
  private async stillRecorded(connectionId: string): Promise<boolean> {
    try {
      return (await this.connections.findById(connectionId)) !== undefined;
    } catch {
      return true;
    }
  }

  /** What a connection's delivery comes to when the send is stopped (deadline or shutdown) before it answered. */
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
      `the notify deadline (${this.policy.deadlineMs} ms) passed ${sent}; ` +
        (attempts === 0 ? 'send it again' : 'the last post may or may not have arrived: send again only if duplicates are harmless'),
    );
  }
}

function isRetryable(result: PostResult): boolean {
  return result.status === 'throttled' || (result.status === 'error' && result.retryable);
}

function failed(connectionId: string, attempts: number, code: DeliveryErrorCode, message: string): ConnectionDelivery {
  return { connectionId, status: 'failed', attempts, error: { code, message } };
}
