export type LogFields = Record<string, unknown>;

/** Structured logger. Adapters redact secrets (tokens, Authorization headers). */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(bindings: LogFields): Logger;
}

export const LOGGER = Symbol.for('socketpost.Logger');
