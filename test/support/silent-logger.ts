import type { LogFields, Logger } from '../../src/ports/logger.js';

/** Keeps log lines in memory so tests can read them. */
export class MemoryLogger implements Logger {
  readonly lines: Array<{ level: string; message: string; fields?: LogFields }> = [];

  debug(message: string, fields?: LogFields): void {
    this.lines.push({ level: 'debug', message, fields });
  }
  info(message: string, fields?: LogFields): void {
    this.lines.push({ level: 'info', message, fields });
  }
  warn(message: string, fields?: LogFields): void {
    this.lines.push({ level: 'warn', message, fields });
  }
  error(message: string, fields?: LogFields): void {
    this.lines.push({ level: 'error', message, fields });
  }
  child(): Logger {
    return this;
  }
}
