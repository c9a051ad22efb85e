import { pino, type DestinationStream, type Logger as Pino, type LoggerOptions } from 'pino';
import type { LogFields, Logger } from '../../ports/logger.js';

export type PinoLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface CreatePinoLoggerOptions {
  level: PinoLevel;
  /** Where lines go (default stdout). Tests pass a stream they read. */
  destination?: DestinationStream | NodeJS.WritableStream;
}

export const REDACTED = '[REDACTED]';

/**
 * Secrets that must never reach a log line: bearer tokens, Authorization headers (either case, also
 * nested one level, e.g. `req.headers.authorization`), the `?token=` of `$connect`, API keys and AWS secrets.
 * pino's `*` matches one level only, so nested shapes we log are listed explicitly.
 */
export const REDACT_PATHS: readonly string[] = [
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'idToken',
  '*.idToken',
  'password',
  '*.password',
  'apiKey',
  '*.apiKey',
  'secret',
  '*.secret',
  'secretAccessKey',
  '*.secretAccessKey',
  'sessionToken',
  '*.sessionToken',
  'authorization',
  '*.authorization',
  'Authorization',
  '*.Authorization',
  'headers.authorization',
  'headers.Authorization',
  'headers.cookie',
  'headers["x-api-key"]',
  '*.headers.authorization',
  '*.headers.Authorization',
  '*.headers.cookie',
  '*.headers["x-api-key"]',
  'multiValueHeaders.authorization',
  'multiValueHeaders.Authorization',
  '*.multiValueHeaders.authorization',
  '*.multiValueHeaders.Authorization',
  'queryStringParameters.token',
  '*.queryStringParameters.token',
  'multiValueQueryStringParameters.token',
  '*.multiValueQueryStringParameters.token',
];

/** The pino options socketpost uses everywhere (also for Fastify's logger, so both redact alike). */
export function pinoOptions(level: PinoLevel): LoggerOptions {
  return {
    level,
    base: { service: 'socketpost' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: [...REDACT_PATHS], censor: REDACTED },
    serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
  };
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
    return new PinoLogger(this.pino.child(bindings));
  }
}

export function createPinoLogger(options: CreatePinoLoggerOptions): PinoLogger {
  const instance = options.destination
    ? pino(pinoOptions(options.level), options.destination as DestinationStream)
    : pino(pinoOptions(options.level));
  return new PinoLogger(instance);
}
