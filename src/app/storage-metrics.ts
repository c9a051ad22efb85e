import { instrumentStorage } from '../adapters/observability/instrumented-storage.js';
import type { Metrics } from '../ports/metrics.js';
import type { CoreConfig } from './config.js';

/**
 * A storage adapter the container builds, counted in `storage_errors{store, operation}` when METRICS=on (every
 * store: connections, endpoints, groups, idempotency, messages); as it is with METRICS=off, and with STORAGE=memory
 * (the local stack and tests: memory does not become unreachable or throttled, and a wrapper would only add a
 * promise to every call). `metrics` is only called when the store is wrapped. The service's containers and the
 * Lambda handlers both build their stores through it.
 */
export function withStorageMetrics<T extends object>(store: T, name: string, config: Pick<CoreConfig, 'metrics' | 'storage'>, metrics: () => Metrics): T {
  return config.metrics === 'off' || config.storage === 'memory' ? store : instrumentStorage(store, name, metrics());
}
