import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GroupRepository } from '../../src/ports/group.repository.js';
import { aConnection, aUserId } from '../support/sample-connections.js';

/** The behaviour every GroupRepository must have; each test uses a group of its own. */
export function describeGroupRepositoryContract(name: string, factory: () => GroupRepository | Promise<GroupRepository>): void {
  describe(`${name} (GroupRepository contract)`, () => {
    let groups: GroupRepository;
    const aGroup = () => `g.${randomBytes(5).toString('hex')}:team-1_x`;

    beforeAll(async () => {
      groups = await factory();
    });

    it('should add, find and remove a user member, idempotently', async () => {
      const group = aGroup();
      const userId = aUserId();
      await groups.addUser(group, userId);
      await groups.addUser(group, userId);

      expect(await groups.hasUser(group, userId)).toBe(true);
      expect(await groups.hasUser(aGroup(), userId)).toBe(false);
      expect(await groups.removeUser(group, userId)).toBe(true);
      expect(await groups.removeUser(group, userId)).toBe(false);
      expect(await groups.hasUser(group, userId)).toBe(false);
    });

    it('should list the users of a group in id order, page by page, with every user once', async () => {
      const group = aGroup();
      const userIds = Array.from({ length: 23 }, (_, i) => `member-${String(i).padStart(2, '0')}`);
      await Promise.all(userIds.map((u) => groups.addUser(group, u)));
      await groups.addConnection(group, aConnection());

      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await groups.listUsers(group, { limit: 5, ...(cursor ? { cursor } : {}) });
        seen.push(...page.items);
        cursor = page.cursor;
        pages += 1;
      } while (cursor && pages < 20);

      expect(seen).toEqual(userIds);
      expect(pages).toBeGreaterThanOrEqual(5);
    });

    it("should refuse another group's cursor", async () => {
      const a = aGroup();
      const b = aGroup();
      await Promise.all(['u1', 'u2', 'u3'].map((u) => groups.addUser(a, u)));
      const first = await groups.listUsers(a, { limit: 1 });
      expect(first.cursor).toBeDefined();
      await expect(groups.listUsers(b, { limit: 1, cursor: first.cursor as string })).rejects.toMatchObject({ code: 'VALIDATION_ERROR', field: 'cursor' });
    });

    it('should keep a copy of a socket member and remove it from every group at once', async () => {
      const [g1, g2, g3] = [aGroup(), aGroup(), aGroup()];
      const socket = aConnection({ sourceIp: '203.0.113.9' });
      const other = aConnection();
      await groups.addConnection(g1, socket);
      await groups.addConnection(g2, socket);
      await groups.addConnection(g1, other);
      await groups.addUser(g3, socket.userId);

      expect((await groups.listConnections(g1, { limit: 10 })).items.sort((a, b) => (a.connectionId < b.connectionId ? -1 : 1))).toEqual(
        [socket, other].sort((a, b) => (a.connectionId < b.connectionId ? -1 : 1)),
      );
      expect((await groups.removeConnectionFromAll(socket.connectionId)).sort()).toEqual([g1, g2].sort());

      expect((await groups.listConnections(g1, { limit: 10 })).items).toEqual([other]);
      expect((await groups.listConnections(g2, { limit: 10 })).items).toEqual([]);
      expect(await groups.hasUser(g3, socket.userId)).toBe(true);
      expect(await groups.removeConnectionFromAll(socket.connectionId)).toEqual([]);
    });

    it('should let a socket leave one group and stay in the others', async () => {
      const [g1, g2] = [aGroup(), aGroup()];
      const socket = aConnection();
      await groups.addConnection(g1, socket);
      await groups.addConnection(g2, socket);

      expect(await groups.removeConnection(g1, socket.connectionId)).toBe(true);
      expect(await groups.removeConnection(g1, socket.connectionId)).toBe(false);
      expect((await groups.listConnections(g1, { limit: 10 })).items).toEqual([]);
      expect(await groups.removeConnectionFromAll(socket.connectionId)).toEqual([g2]);
    });
  });
}
