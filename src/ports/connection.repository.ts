import type { Connection } from '../domain/model/connection.js';
import type { Page, PageRequest } from './page.js';

/** Stores connections; a user's connections are read with one key lookup (never a scan). */
export interface ConnectionRepository {
  /** Creates or replaces the record of `connection.connectionId`. */
  save(connection: Connection): Promise<void>;
  /** The user's connections, in any order (expired ones may still be returned: TTL deletion lags). */
  findByUser(userId: string): Promise<Connection[]>;
  /** One connection by id, or undefined. */
  findById(connectionId: string): Promise<Connection | undefined>;
  /** Removes the connection by id (O(1), no scan); returns what was removed, undefined if nothing was. Idempotent. */
  remove(connectionId: string): Promise<Connection | undefined>;
  /**
   * The connections opened on `apiId` + `stage` are spread over `stageShards` shards (a write-sharded index,
   * so that no single partition limits a broadcast); each shard is read page by page, never scanned.
   */
  readonly stageShards: number;
  /** One page of the connections of `apiId` + `stage` in `shard` (0 ≤ shard < stageShards). */
  pageByStage(apiId: string, stage: string, shard: number, page: PageRequest): Promise<Page<Connection>>;
  /** Resolves when storage answers; rejects with StorageUnavailableError otherwise. */
  ping(): Promise<void>;
}

export const CONNECTION_REPOSITORY = Symbol.for('socketpost.ConnectionRepository');
