import { createPinoLogger } from '../../adapters/logging/pino.logger.js';
import { SystemClock } from '../../adapters/system/system.clock.js';
import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import { loadCoreConfig, type CoreConfig } from '../config.js';

/**
 * What every Lambda handler shares in one execution environment: the configuration, validated once on first
 * use, the logger and the clock. Each handler's composition file adds only the adapters it uses, so its
 * esbuild bundle carries nothing else (the authorizer ships no SDK client).
 */
let config: CoreConfig | undefined;
let logger: Logger | undefined;
let clock: Clock | undefined;

export function lambdaConfig(): CoreConfig {
  return (config ??= loadCoreConfig());
}

export function lambdaLogger(): Logger {
  return (logger ??= createPinoLogger({ level: lambdaConfig().logLevel }));
}

export function lambdaClock(): Clock {
  return (clock ??= new SystemClock());
}
