import { createPinoLogger } from '../../adapters/logging/pino.logger.js';
import { SystemClock } from '../../adapters/system/system.clock.js';
import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import { loadCoreConfig, type CoreConfig } from '../config.js';
import { EmfMetrics } from '../../adapters/observability/emf.metrics.js';
import { NO_METRICS } from '../../adapters/observability/metric-catalogue.js';
import type { LambdaMetrics } from '../../adapters/lambda/lambda-observability.js';

/**
 * What every Lambda handler shares in one execution environment: the configuration, validated once on first
 * use, the logger and the clock. Each handler's composition file adds only the adapters it uses, so its
 * esbuild bundle carries nothing else (the authorizer ships no SDK client).
 */
let config: CoreConfig | undefined;
let logger: Logger | undefined;
let clock: Clock | undefined;
let metrics: LambdaMetrics | undefined;

export function lambdaConfig(): CoreConfig {
  return (config ??= loadCoreConfig());
}

export function lambdaLogger(): Logger {
  return (logger ??= createPinoLogger({ level: lambdaConfig().logLevel }));
}

export function lambdaClock(): Clock {
  return (clock ??= new SystemClock());
}

/** METRICS=on (default): CloudWatch EMF lines in the function's log, written after each event; off: nothing. */
export function lambdaMetrics(): LambdaMetrics {
  const { metrics: enabled, metricsNamespace } = lambdaConfig();
  return (metrics ??= enabled === 'off' ? NO_METRICS : new EmfMetrics({ namespace: metricsNamespace ?? 'socketpost' }));
}
