import type { Connection } from '../domain/model/connection.js';
import type { Page, PageRequest } from './page.js';

/**
 * Group memberships. A user joins a group (all her sockets, now and later, are members); a socket joins a
 * group itself (until it closes). Every read is paginated: a group is never loaded whole.
 */
export interface GroupRepository {
  /** Idempotent. */
  addUser(group: string, userId: string): Promise<void>;
  /** True when the user was a member. Idempotent. */
  removeUser(group: string, userId: string): Promise<boolean>;
  hasUser(group: string, userId: string): Promise<boolean>;
  /** The users of the group, ordered by user id. */
  listUsers(group: string, page: PageRequest): Promise<Page<string>>;
  /** The socket joins the group (a copy of the connection is kept with the membership, expiring with it). */
  addConnection(group: string, connection: Connection): Promise<void>;
  /** True when the socket was a member. Idempotent. */
  removeConnection(group: string, connectionId: string): Promise<boolean>;
  /** The sockets that joined the group themselves, ordered by connection id. */
  listConnections(group: string, page: PageRequest): Promise<Page<Connection>>;
  /** Removes every membership of the socket (at `$disconnect`); returns the groups it left. */
  removeConnectionFromAll(connectionId: string): Promise<string[]>;
}

export const GROUP_REPOSITORY = Symbol.for('socketpost.GroupRepository');
