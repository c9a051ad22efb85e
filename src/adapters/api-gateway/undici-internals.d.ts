/** Types of the undici modules `undici-pool.ts` imports directly (they are the package's own, untyped paths). */
declare module 'undici/lib/dispatcher/pool.js' {
  import type { Pool } from 'undici';
  const PoolImpl: typeof Pool;
  export default PoolImpl;
}

declare module 'undici/lib/dispatcher/dispatcher.js' {
  const DispatcherImpl: { prototype: object };
  export default DispatcherImpl;
}

declare module 'undici/lib/api/index.js' {
  const api: Record<string, unknown>;
  export default api;
}
