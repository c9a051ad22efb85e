import type { Metrics } from '../../ports/metrics.js';

/**
 * Wraps a storage adapter (connection repository, endpoint registry, group repository, idempotency store) so that
 * every method that rejects or throws counts one `storage_errors{store, operation}` before the error goes on
 * unchanged. Properties and successful calls pass through untouched.
 *
 * The wrapper is built once: an object whose prototype is the store, with each of the store's methods (its own
 * and its classes', as they are now) wrapped once. A `Proxy` did the same per property read, and measured on the
 * REST bench it cost ≈ 25 µs of CPU per notify with in-memory storage (≈ 13 % of the request).
 */
export function instrumentStorage<T extends object>(store: T, name: string, metrics: Metrics): T {
  const wrapper = Object.create(store) as Record<string, unknown>;
  for (const property of methodNames(store)) {
    const original = (store as Record<string, unknown>)[property] as (...args: unknown[]) => unknown;
    const labels = { store: name, operation: property };
    const countAndRethrow = (error: unknown): never => {
      metrics.count('storage_errors', labels);
      throw error;
    };
    wrapper[property] = function instrumented(...args: unknown[]): unknown {
      let result: unknown;
      try {
        result = original.apply(store, args);
      } catch (error) {
        return countAndRethrow(error);
      }
      return result instanceof Promise ? result.then(undefined, countAndRethrow) : result;
    };
  }
  return wrapper as T;
}

/** The names of the functions `store` answers to: its own, then its classes' (not Object's), each once. */
function methodNames(store: object): string[] {
  const names = new Set<string>();
  for (let level: object | null = store; level && level !== Object.prototype; level = Object.getPrototypeOf(level) as object | null) {
    for (const property of Object.getOwnPropertyNames(level)) {
      if (property === 'constructor' || names.has(property)) continue;
      const descriptor = Object.getOwnPropertyDescriptor(level, property);
      if (descriptor && typeof descriptor.value === 'function') names.add(property);
    }
  }
  return [...names];
}
