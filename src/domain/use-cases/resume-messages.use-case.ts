import { isRecoverable, encodeEnvelope, DEFAULT_RECOVERY_WINDOW_SECONDS } from '../model/recovery.js';
import type { ManagementEndpointProps } from '../model/management-endpoint.js';
import type { Clock } from '../../ports/clock.js';
import type { ConnectionMessenger, PostResult } from '../../ports/connection.messenger.js';
import type { ConnectionRepository } from '../../ports/connection.repository.js';
import type { MessageLog } from '../../ports/message.log.js';

export interface ResumeCommand {
  connectionId: string;
  /** The sender's own endpoint (from the event's requestContext). */
  endpoint: ManagementEndpointProps;
  /** `since` of `{"action":"resume","since":n}`: the last seq the client got. */
  since: unknown;
}

/** Error answers of a resume, sent to the socket as `{"type":"error","code",…}`. */
export type ResumeErrorCode =
  /** `since` is older than the window: messages after it are no longer all kept. */
  | 'RECOVERY_WINDOW_EXCEEDED'
  /** The socket did not connect with the `socketpost.v1` subprotocol (or is not recorded). */
  | 'RECOVERY_NOT_ENABLED'
  /** `since` is not a whole number ≥ 0, or is past the user's last seq. */
  | 'INVALID_RESUME';

export interface ResumeOutcome {
  /** Messages posted again (in order). */
  replayed: number;
  /** The last post's result (the final `resumed` answer, or the first post that failed: the replay stops there). */
  result: PostResult;
}

export interface ResumeOptions {
  /** Messages read from the log per request. */
  pageSize: number;
  /** `RECOVERY_WINDOW_SECONDS`, told to the client when it asked too late. */
  windowSeconds: number;
}

const encoder = new TextEncoder();
const answer = (value: object) => encoder.encode(JSON.stringify(value));

/**
 * `{"action":"resume","since":n}` on the `$default` route of a `socketpost.v1` socket: posts the user's
 * messages after `n` again, in order, each in its `{seq, data}` envelope, through the socket's own endpoint,
 * then `{"type":"resumed","since":n,"latestSeq":m,"replayed":k}`. When message `n + 1` is no longer kept, it
 * first answers `{"type":"error","code":"RECOVERY_WINDOW_EXCEEDED",…}` (so the client knows it missed
 * messages) and then replays what is still kept. Messages sent while the replay runs reach the socket
 * directly and may arrive before replayed ones: clients order and de-duplicate by `seq`.
 */
export class ResumeMessagesUseCase {
  private readonly options: ResumeOptions;

  constructor(
    private readonly connections: ConnectionRepository,
    private readonly log: MessageLog,
    private readonly messenger: ConnectionMessenger,
    private readonly clock: Clock,
    options: Partial<ResumeOptions> = {},
  ) {
    this.options = { pageSize: 100, windowSeconds: DEFAULT_RECOVERY_WINDOW_SECONDS, ...options };
  }

  async execute(command: ResumeCommand): Promise<ResumeOutcome> {
    const { connectionId, endpoint, since } = command;
    const post = (data: Uint8Array) => this.messenger.post(endpoint, connectionId, data);
    const refuse = async (code: ResumeErrorCode, message: string, extra: object = {}): Promise<ResumeOutcome> => ({
      replayed: 0,
      result: await post(answer({ type: 'error', code, message, ...extra })),
    });

    if (typeof since !== 'number' || !Number.isSafeInteger(since) || since < 0) {
      return refuse('INVALID_RESUME', 'since must be the last seq received: a whole number, 0 or more');
    }
    const connection = await this.connections.findById(connectionId);
    if (!connection || !isRecoverable(connection)) {
      return refuse('RECOVERY_NOT_ENABLED', 'connect with the WebSocket subprotocol socketpost.v1 to get numbered messages and resume');
    }

    let page = await this.log.readAfter(connection.userId, since, { nowMs: this.clock.now(), limit: this.options.pageSize });
    const { latestSeq } = page;
    if (since > latestSeq) {
      return refuse('INVALID_RESUME', `since ${since} is past the last message sent to you (${latestSeq}): resume from ${latestSeq}`, { latestSeq });
    }
    const firstKept = page.messages[0]?.seq;
    if (since < latestSeq && firstKept !== since + 1) {
      const result = await post(
        answer({
          type: 'error',
          code: 'RECOVERY_WINDOW_EXCEEDED',
          message:
            `messages ${since + 1} to ${firstKept === undefined ? latestSeq : firstKept - 1} are older than the recovery window ` +
            `(${this.options.windowSeconds} s) and lost: reload your state; the messages still kept follow`,
          latestSeq,
          ...(firstKept !== undefined ? { firstKeptSeq: firstKept } : {}),
        }),
      );
      if (result.status !== 'delivered') return { replayed: 0, result };
    }

    let replayed = 0;
    let last = since;
    // Replays up to the seq known at the start: later messages reach the socket directly.
    for (;;) {
      const due = page.messages.filter((m) => m.seq <= latestSeq);
      for (const message of due) {
        const result = await post(encodeEnvelope(message.seq, message.data, message.json));
        if (result.status !== 'delivered') return { replayed, result };
        replayed += 1;
        last = message.seq;
      }
      if (due.length < page.messages.length || due.length === 0 || last >= latestSeq) break;
      page = await this.log.readAfter(connection.userId, last, { nowMs: this.clock.now(), limit: this.options.pageSize });
    }
    return { replayed, result: await post(answer({ type: 'resumed', since, latestSeq, replayed })) };
  }
}
