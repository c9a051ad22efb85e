import { pino, type DestinationStream, type Logger as Pino, type LoggerOptions } from 'pino';
import type { LogFields, Logger } from '../../ports/logger.js';
import { BoundedMemo } from '../observability/bounded-memo.js';
import { isNoFields, requestLogFields } from '../observability/request-context.js';

export type PinoLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface CreatePinoLoggerOptions {
  level: PinoLevel;
  /** Where lines go (default stdout). Tests pass a stream they read. */
  destination?: DestinationStream | NodeJS.WritableStream;
  /**
   * Lines to stdout are batched (default false: each line is written before the logging call returns, as a
   * Lambda needs, since it may be frozen as soon as its handler returns). The long-running service batches: a
   * write system call per line was a large part of what info-level request logging cost it. Batched lines are
   * still written synchronously and in order, once `BATCH_BYTES` are pending, at least every
   * `BATCH_FLUSH_MS`, and when the process exits (also on an uncaught exception); a process killed outright
   * (SIGKILL, out of memory) loses at most the last `BATCH_FLUSH_MS` of lines.
   */
  batched?: boolean;
}

export const BATCH_BYTES = 8_192;
export const BATCH_FLUSH_MS = 250;

export const REDACTED = '[REDACTED]';

/**
 * Keys whose values must never reach a log line, compared case-insensitively at any depth up to
 * `REDACT_MAX_DEPTH`: bearer tokens and the `?token=` of `$connect` (`token`, also inside
 * `queryStringParameters`), Authorization headers (either case, also inside `headers`/`multiValueHeaders` of an
 * event or a request), cookies, API keys and AWS secrets.
 */
export const SECRET_KEYS: ReadonlySet<string> = new Set([
  'token',
  'accesstoken',
  'idtoken',
  'password',
  'apikey',
  'x-api-key',
  'secret',
  'secretaccesskey',
  'sessiontoken',
  'authorization',
  'cookie',
]);

/** How deep into logged objects secrets are looked for (`event.requestContext.authorizer.token` is depth 3). */
export const REDACT_MAX_DEPTH = 4;

/** Whether each key seen so far names a secret: field names are few, so most lines lower-case none. */
const secretKeyMemo = new BoundedMemo<boolean>(10_000);

function isSecretKey(key: string): boolean {
  return secretKeyMemo.get(key) ?? secretKeyMemo.keep(key, SECRET_KEYS.has(key.toLowerCase()));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * A copy of `value` with every secret key's value replaced by `[REDACTED]`; objects without secrets are
 * returned as they are (nothing is copied or mutated). Only plain objects and arrays are walked: class
 * instances (a Fastify request, an Error) go to their serializers, which emit no headers.
 *
 * This replaces pino's `redact` paths, which cost ≈ 70 µs per line with the wildcard paths we need (a quarter of
 * the REST service's throughput at info level); a walk of a log line's few keys costs about 1 µs.
 */
export function redactSecrets<T>(value: T, depth = 0): T {
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i += 1) {
      const item: unknown = value[i];
      const next = depth < REDACT_MAX_DEPTH && (isPlainObject(item) || Array.isArray(item)) ? redactSecrets(item, depth + 1) : item;
      if (next !== item) (copy ??= [...value])[i] = next;
    }
    return (copy ?? value) as T;
  }
  if (!isPlainObject(value)) return value;
  let copy: Record<string, unknown> | undefined;
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    const item = value[key];
    let next = item;
    if (isSecretKey(key)) {
      if (item !== undefined) next = REDACTED;
    } else if (depth < REDACT_MAX_DEPTH && (isPlainObject(item) || Array.isArray(item))) {
      next = redactSecrets(item, depth + 1);
    }
    if (next !== item) (copy ??= { ...value })[key] = next;
  }
  return (copy ?? value) as T;
}

/** pino's error serializer (type, message, stack, cause, own fields), with secret fields censored too. */
function serializeError(error: unknown): unknown {
  // `error` is also the field name of plain messages (`{ error: 'DynamoDB remove failed: …' }`): only an Error
  // object is serialised, anything else is logged as it is (a string spread would be logged letter by letter).
  if (!(error instanceof Error)) return error;
  return redactSecrets({ ...pino.stdSerializers.err(error) });
}

let lastTimeMs = Number.NaN;
let lastTime = '';

/** pino's `isoTime` (`,"time":"2026-11-26T13:45:07.123Z"`), formatted once per millisecond however many lines share it. */
export function isoTime(): string {
  const now = Date.now();
  if (now !== lastTimeMs) {
    lastTimeMs = now;
    lastTime = `,"time":"${new Date(now).toISOString()}"`;
  }
  return lastTime;
}

/** The pino options socketpost uses everywhere (also for Fastify's logger, so both redact alike). */
export function pinoOptions(level: PinoLevel): LoggerOptions {
  return {
    level,
    base: { service: 'socketpost' },
    timestamp: isoTime,
    // Secrets are removed from each line's fields and from the base bindings (PinoLogger.child: a child's) before they are written.
    formatters: { log: (fields) => redactSecrets(fields), bindings: (bindings) => redactSecrets(bindings) },
    serializers: { err: serializeError, error: serializeError },
    // Every line written while a request runs carries its `requestId` (and `traceId`): the fields object is built
    // once per request, and outside a request nothing is merged (no allocation per line).
    mixin: requestLogFields,
    mixinMergeStrategy: mergeRequestFields,
  };
}

/** The line's own fields win over the request's; pino's default strategy would write into the shared object. */
function mergeRequestFields(fields: object, requestFields: object): object {
  if (isNoFields(requestFields)) return fields;
  // The request's keys first, then the line's (which win). Written as a literal: a spread of both objects built an
  // object pino serialised slowly, and a line in a request cost ≈ 3.5 µs more than one outside (bench: metrics).
  const { requestId, traceId } = requestFields as { requestId?: string; traceId?: string };
  return traceId === undefined ? { requestId, ...fields } : { requestId, traceId, ...fields };
}

/** The port's Logger over a pino instance. */
export class PinoLogger implements Logger {
  constructor(private readonly pino: Pino) {}

  /** The underlying pino instance, e.g. for Fastify's `loggerInstance`. */
  get instance(): Pino {
    return this.pino;
  }

  debug(message: string, fields?: LogFields): void {
    this.pino.debug(fields ?? {}, message);
  }

  info(message: string, fields?: LogFields): void {
    this.pino.info(fields ?? {}, message);
  }

  warn(message: string, fields?: LogFields): void {
    this.pino.warn(fields ?? {}, message);
  }

  error(message: string, fields?: LogFields): void {
    this.pino.error(fields ?? {}, message);
  }

  child(bindings: LogFields): Logger {
    // pino applies the bindings formatter to the root's base only, so a child's bindings are redacted here.
    return new PinoLogger(this.pino.child(redactSecrets(bindings)));
  }
}

export function createPinoLogger(options: CreatePinoLoggerOptions): PinoLogger {
  const destination = options.destination ?? (options.batched ? batchedStdout() : undefined);
  const instance = destination ? pino(pinoOptions(options.level), destination as DestinationStream) : pino(pinoOptions(options.level));
  return new PinoLogger(instance);
}

/** stdout, written in batches (see `CreatePinoLoggerOptions.batched`). */
function batchedStdout(): DestinationStream {
  const destination = pino.destination({ dest: 1, sync: true, minLength: BATCH_BYTES, periodicFlush: BATCH_FLUSH_MS });
  process.once('exit', () => {
    try {
      destination.flushSync();
    } catch {
      // stdout already closed: nothing more can be written
    }
  });
  return destination;
}
