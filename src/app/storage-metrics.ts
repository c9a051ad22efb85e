import type { DependencyContainer } from 'tsyringe';
import { instrumentStorage } from '../adapters/observability/instrumented-storage.js';
import { METRICS, type Metrics } from '../ports/metrics.js';
import type { CoreConfig } from './config.js';

/**
 * A storage adapter the container builds, counted in `storage_errors{store, operation}` when METRICS=on (every
 * store: connections, endpoints, groups, idempotency, messages); as it is with METRICS=off, and with STORAGE=memory
 * (the local stack and tests: memory does not become unreachable or throttled, and a wrapper would only add a
 * promise to every call).
 */
export function withStorageMetrics<T extends object>(store: T, name: string, config: Pick<CoreConfig, 'metrics' | 'storage'>, d: DependencyContainer): T {
  return config.metrics === 'off' || config.storage === 'memory' ? store : instrumentStorage(store, name, d.resolve<Metrics>(METRICS));
}
