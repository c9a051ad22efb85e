import type { Logger } from '../../ports/logger.js';

/** Default logger of the emulator when the caller gives none: tests stay quiet. */
export class SilentLogger implements Logger {
  debug(): void {}
  info(): void {}
  warn(): void {}
  error(): void {}
  child(): Logger {
    return this;
  }
}
