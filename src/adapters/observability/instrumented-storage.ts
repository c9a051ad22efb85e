import type { Metrics } from '../../ports/metrics.js';

/**
 * Wraps a storage adapter (connection repository, endpoint registry, group repository, idempotency store) so that
 * every method that rejects or throws counts one `storage_errors{store, operation}` before the error goes on
 * unchanged. Properties and successful calls pass through untouched.
 */
export function instrumentStorage<T extends object>(store: T, name: string, metrics: Metrics): T {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string' || property === 'constructor') return value;
      let method = wrapped.get(property);
      if (!method) {
        const labels = { store: name, operation: property };
        const original = value as (...args: unknown[]) => unknown;
        method = function (this: unknown, ...args: unknown[]) {
          let result: unknown;
          try {
            result = original.apply(this === receiver ? target : this, args);
          } catch (error) {
            metrics.count('storage_errors', labels);
            throw error;
          }
          if (result instanceof Promise) {
            return result.catch((error: unknown) => {
              metrics.count('storage_errors', labels);
              throw error;
            });
          }
          return result;
        };
        wrapped.set(property, method);
      }
      return method;
    },
  });
}
