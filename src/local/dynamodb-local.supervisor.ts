import type { Logger } from '../ports/logger.js';
import { startDynamoDbLocal, type DynamoDbLocal, type DynamoDbLocalOptions } from './dynamodb-local.launcher.js';

export interface DynamoDbLocalSupervisorOptions extends DynamoDbLocalOptions {
  logger: Logger;
  /** Runs after every (re)start, before the stack is ready again: create the table, re-record open sockets. */
  prepare(endpoint: string, restart: boolean): Promise<void>;
  /** A second crash this soon after the previous one gives up (default 60 s). */
  crashWindowMs?: number;
  /** Called once when the supervisor gives up; the stack stops then. */
  onGiveUp(error: DynamoDbLocalGaveUpError): void;
}

/** DynamoDB Local crashed again too soon, or could not be restarted. */
export class DynamoDbLocalGaveUpError extends Error {
  readonly code = 'DYNAMODB_LOCAL_GAVE_UP';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DynamoDbLocalGaveUpError';
  }
}

export interface SupervisedDynamoDbLocal {
  /** Stays the same across restarts (the same port), so the clients built on it keep working. */
  readonly endpoint: string;
  readonly port: number;
  /** Pid of the Java process running now. */
  readonly pid: number;
  /** Restarts so far. */
  readonly restarts: number;
  /** Stops supervising, then stops the Java process. Idempotent. */
  stop(): Promise<void>;
}

const RESTART_ATTEMPTS = 3;

/**
 * Runs DynamoDB Local and brings it back when it dies: the same port, then `prepare` (table, data the stack
 * can rebuild), with a log line for each step. A second crash within `crashWindowMs` gives up instead of
 * looping: `onGiveUp` is called with an error that says what to do.
 */
export async function superviseDynamoDbLocal(options: DynamoDbLocalSupervisorOptions): Promise<SupervisedDynamoDbLocal> {
  const { logger, crashWindowMs = 60_000 } = options;
  let current = await startDynamoDbLocal(options);
  const { port, endpoint } = current;
  await options.prepare(endpoint, false);

  let stopped = false;
  let restarts = 0;
  let lastCrashAt: number | undefined;

  const giveUp = (error: DynamoDbLocalGaveUpError): void => {
    if (stopped) return;
    stopped = true;
    logger.error('DynamoDB Local supervisor gave up', { error: error.message });
    options.onGiveUp(error);
  };

  const restart = async (): Promise<void> => {
    let lastError: unknown;
    for (let attempt = 1; attempt <= RESTART_ATTEMPTS; attempt += 1) {
      try {
        const next = await startDynamoDbLocal({ ...options, port });
        if (stopped) {
          await next.stop();
          return;
        }
        current = next;
        watch(next);
        await options.prepare(endpoint, true);
        restarts += 1;
        logger.warn('DynamoDB Local restarted on the same port; table re-created and open sockets recorded again', {
          pid: next.pid,
          endpoint,
          restarts,
        });
        return;
      } catch (error) {
        lastError = error;
        await new Promise((r) => setTimeout(r, 250 * attempt));
      }
    }
    giveUp(
      new DynamoDbLocalGaveUpError(
        `DynamoDB Local died and could not be restarted on ${endpoint} (${lastError instanceof Error ? lastError.message : String(lastError)}). ` +
          'Stopping the local stack: check that Java runs and the port is free, then run npm start again (or STORAGE=memory).',
        { cause: lastError },
      ),
    );
  };

  const watch = (instance: DynamoDbLocal): void => {
    void instance.exited.then(({ code, signal }) => {
      if (stopped || instance !== current) return;
      const now = Date.now();
      const how = signal ? `killed by ${signal}` : `exit code ${code}`;
      if (lastCrashAt !== undefined && now - lastCrashAt < crashWindowMs) {
        giveUp(
          new DynamoDbLocalGaveUpError(
            `DynamoDB Local died twice within ${Math.round(crashWindowMs / 1000)} s (pid ${instance.pid}, ${how}). ` +
              'Stopping the local stack instead of restarting it again: check the Java process (memory, a kill), then run npm start again (or STORAGE=memory).',
          ),
        );
        return;
      }
      lastCrashAt = now;
      logger.warn('DynamoDB Local died; restarting it (its in-memory data is lost; /readyz answers 503 meanwhile)', {
        pid: instance.pid,
        exit: how,
        endpoint,
      });
      void restart();
    });
  };
  watch(current);

  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    port,
    get pid() {
      return current.pid;
    },
    get restarts() {
      return restarts;
    },
    stop: () =>
      (stopping ??= (async () => {
        stopped = true;
        await current.stop();
      })()),
  };
}
