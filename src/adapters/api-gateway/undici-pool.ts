/**
 * undici's connection pool and its `request()` API, without the rest of the package (fetch, WebSocket, cache,
 * mocks, proxies): a Lambda handler that bundles the messenger carries about half of undici's code, in
 * fewer lines. The same modules `import { Pool } from 'undici'` loads; the version is pinned in package.json.
 */
import type { Pool as UndiciPool } from 'undici';
import api from 'undici/lib/api/index.js';
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';
import PoolImpl from 'undici/lib/dispatcher/pool.js';

// What undici's index does: the request API lives on every dispatcher.
Object.assign(Dispatcher.prototype, api);

export type Pool = UndiciPool;
export const Pool: typeof UndiciPool = PoolImpl;
