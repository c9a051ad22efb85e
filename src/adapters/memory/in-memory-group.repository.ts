import type { Connection } from '../../domain/model/connection.js';
import type { GroupRepository } from '../../ports/group.repository.js';
import type { Page, PageRequest } from '../../ports/page.js';
import { pageOfSorted, sortIds } from './memory-page.js';

/** Process-local groups for tests and `STORAGE=memory`. */
export class InMemoryGroupRepository implements GroupRepository {
  private readonly users = new Map<string, Set<string>>();
  private readonly sockets = new Map<string, Map<string, Connection>>();
  private readonly groupsOfSocket = new Map<string, Set<string>>();

  async addUser(group: string, userId: string): Promise<void> {
    let members = this.users.get(group);
    if (!members) this.users.set(group, (members = new Set()));
    members.add(userId);
  }

  async removeUser(group: string, userId: string): Promise<boolean> {
    const members = this.users.get(group);
    const removed = members?.delete(userId) ?? false;
    if (members?.size === 0) this.users.delete(group);
    return removed;
  }

  async hasUser(group: string, userId: string): Promise<boolean> {
    return this.users.get(group)?.has(userId) ?? false;
  }

  async listUsers(group: string, page: PageRequest): Promise<Page<string>> {
    return pageOfSorted(`users ${group}`, sortIds(this.users.get(group) ?? []), page, (id) => id);
  }

  async addConnection(group: string, connection: Connection): Promise<void> {
    let members = this.sockets.get(group);
    if (!members) this.sockets.set(group, (members = new Map()));
    members.set(connection.connectionId, structuredClone(connection));
    let groups = this.groupsOfSocket.get(connection.connectionId);
    if (!groups) this.groupsOfSocket.set(connection.connectionId, (groups = new Set()));
    groups.add(group);
  }

  async removeConnection(group: string, connectionId: string): Promise<boolean> {
    const members = this.sockets.get(group);
    const removed = members?.delete(connectionId) ?? false;
    if (members?.size === 0) this.sockets.delete(group);
    const groups = this.groupsOfSocket.get(connectionId);
    groups?.delete(group);
    if (groups?.size === 0) this.groupsOfSocket.delete(connectionId);
    return removed;
  }

  async listConnections(group: string, page: PageRequest): Promise<Page<Connection>> {
    const members = this.sockets.get(group) ?? new Map<string, Connection>();
    return pageOfSorted(`sockets ${group}`, sortIds(members.keys()), page, (id) => structuredClone(members.get(id) as Connection));
  }

  async removeConnectionFromAll(connectionId: string): Promise<string[]> {
    const groups = [...(this.groupsOfSocket.get(connectionId) ?? [])];
    for (const group of groups) await this.removeConnection(group, connectionId);
    return groups;
  }
}
