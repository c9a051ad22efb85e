import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../../src/domain/model/connection.js';
import { ManagementEndpoint } from '../../src/domain/model/management-endpoint.js';
import type { ConnectionRepository } from '../../src/ports/connection.repository.js';
import { aConnection, aConnectionId, anEndpoint, aUserId } from '../support/sample-connections.js';

/**
 * The behaviour every ConnectionRepository must have. `factory` runs once per suite; tests share the
 * repository, so each one works with ids of its own.
 */
export function describeConnectionRepositoryContract(
  name: string,
  factory: () => ConnectionRepository | Promise<ConnectionRepository>,
): void {
  describe(`${name} (ConnectionRepository contract)`, () => {
    let repository: ConnectionRepository;

    beforeAll(async () => {
      repository = await factory();
    });

    it('should answer ping', async () => {
      await expect(repository.ping()).resolves.toBeUndefined();
    });

    it('should give back every field of a saved connection by id and by user', async () => {
      const connection = aConnection({ sourceIp: '203.0.113.7', userAgent: 'Mozilla/5.0 (X11; Linux x86_64)' });
      await repository.save(connection);

      expect(await repository.findById(connection.connectionId)).toEqual(connection);
      expect(await repository.findByUser(connection.userId)).toEqual([connection]);
    });

    it('should leave sourceIp and userAgent absent when the connection had none', async () => {
      const connection = aConnection();
      await repository.save(connection);

      const found = await repository.findById(connection.connectionId);
      expect(found).toEqual(connection);
      expect(found).not.toHaveProperty('sourceIp');
      expect(found).not.toHaveProperty('userAgent');
    });

    it('should keep the subprotocol chosen at $connect, and leave it absent for a plain socket', async () => {
      const recoverable = aConnection({ protocol: 'socketpost.v1' });
      const plain = aConnection({ userId: recoverable.userId });
      await Promise.all([repository.save(recoverable), repository.save(plain)]);

      expect((await repository.findById(recoverable.connectionId))?.protocol).toBe('socketpost.v1');
      expect(await repository.findById(plain.connectionId)).not.toHaveProperty('protocol');
      const byUser = await repository.findByUser(recoverable.userId);
      expect(byUser.find((c) => c.connectionId === recoverable.connectionId)).toEqual(recoverable);
      expect(byUser.find((c) => c.connectionId === plain.connectionId)).toEqual(plain);
    });

    it('should store an endpoint given as a ManagementEndpoint instance as its plain fields', async () => {
      const endpoint = ManagementEndpoint.fromRequestContext(
        { apiId: 'abc123', domainName: 'abc123.execute-api.eu-west-1.amazonaws.com', stage: 'prod' },
        'us-east-1',
      );
      const connection = aConnection({ endpoint });
      await repository.save(connection);

      const found = await repository.findById(connection.connectionId);
      expect(found?.endpoint).toEqual({
        apiId: 'abc123',
        domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
        stage: 'prod',
        url: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod',
        region: 'eu-west-1',
      });
    });

    it('should hand out copies, so changing a returned connection does not change the stored one', async () => {
      const connection = aConnection();
      await repository.save(connection);

      const found = (await repository.findById(connection.connectionId)) as Connection;
      found.endpoint.stage = 'tampered';
      found.expiresAt = 0;

      expect(await repository.findById(connection.connectionId)).toEqual(connection);
    });

    it('should keep the connections of several users apart', async () => {
      const alice = aConnection();
      const bob = aConnection();
      const bobAgain = aConnection({ userId: bob.userId });
      await Promise.all([repository.save(alice), repository.save(bob), repository.save(bobAgain)]);

      expect(await repository.findByUser(alice.userId)).toEqual([alice]);
      expect(sortById(await repository.findByUser(bob.userId))).toEqual(sortById([bob, bobAgain]));
    });

    it("should keep each of one user's connections with the endpoint of its own API and stage", async () => {
      const userId = aUserId();
      const dev = aConnection({ userId, endpoint: anEndpoint('aaa111', 'dev', 'eu-west-1') });
      const prod = aConnection({ userId, endpoint: anEndpoint('aaa111', 'prod', 'eu-west-1') });
      const otherApi = aConnection({ userId, endpoint: anEndpoint('bbb222', 'prod', 'us-east-1') });
      await Promise.all([dev, prod, otherApi].map((c) => repository.save(c)));

      const found = await repository.findByUser(userId);
      expect(sortById(found)).toEqual(sortById([dev, prod, otherApi]));
      for (const connection of [dev, prod, otherApi]) {
        expect(found.find((c) => c.connectionId === connection.connectionId)?.endpoint).toEqual(connection.endpoint);
      }
    });

    it('should return an empty list for a user without connections', async () => {
      expect(await repository.findByUser(aUserId())).toEqual([]);
    });

    it('should return undefined when looking up an unknown connection id', async () => {
      expect(await repository.findById(aConnectionId())).toBeUndefined();
    });

    it('should remove a connection and return what it removed', async () => {
      const kept = aConnection();
      const removed = aConnection({ userId: kept.userId, sourceIp: '198.51.100.1' });
      await repository.save(kept);
      await repository.save(removed);

      expect(await repository.remove(removed.connectionId)).toEqual(removed);
      expect(await repository.findById(removed.connectionId)).toBeUndefined();
      expect(await repository.findByUser(kept.userId)).toEqual([kept]);
    });

    it('should return undefined when removing a connection that is already gone', async () => {
      const connection = aConnection();
      await repository.save(connection);

      expect(await repository.remove(connection.connectionId)).toEqual(connection);
      expect(await repository.remove(connection.connectionId)).toBeUndefined();
      expect(await repository.remove(aConnectionId())).toBeUndefined();
    });

    it('should let concurrent removals of one connection succeed, returning it exactly once', async () => {
      const connection = aConnection();
      await repository.save(connection);

      const results = await Promise.all([1, 2, 3].map(() => repository.remove(connection.connectionId)));

      expect(results.filter((r) => r !== undefined)).toEqual([connection]);
      expect(await repository.findByUser(connection.userId)).toEqual([]);
    });

    it('should replace the record when a connection id is saved again', async () => {
      const first = aConnection({ sourceIp: '192.0.2.1' });
      const second = aConnection({
        connectionId: first.connectionId,
        userId: first.userId,
        endpoint: anEndpoint('ccc333', 'v2', 'ap-southeast-2'),
        connectedAt: first.connectedAt + 1_000,
        expiresAt: first.expiresAt + 1,
      });
      await repository.save(first);
      await repository.save(second);

      expect(await repository.findById(first.connectionId)).toEqual(second);
      expect(await repository.findByUser(first.userId)).toEqual([second]);
    });

    it('should move a connection id saved for another user away from the first user', async () => {
      const before = aConnection();
      const after = aConnection({ connectionId: before.connectionId });
      await repository.save(before);
      await repository.save(after);

      expect(await repository.findByUser(before.userId)).toEqual([]);
      expect(await repository.findByUser(after.userId)).toEqual([after]);
      expect(await repository.remove(before.connectionId)).toEqual(after);
      expect(await repository.findByUser(after.userId)).toEqual([]);
    });

    it('should not mix up user ids that contain #, unicode or 128 characters', async () => {
      const base = `u${randomBytes(4).toString('hex')}`;
      const long = `${base}${'x'.repeat(128 - base.length)}`;
      const userIds = [
        base,
        `${base}#CONN`,
        `${base}#CONN#`,
        `USER#${base}`,
        `${base}#`,
        `${base} ünïcödé 用户 🚀`,
        long,
        long.slice(0, 127),
      ];
      expect(new Set(userIds).size).toBe(userIds.length);
      const connections = userIds.map((userId) => aConnection({ userId }));
      for (const connection of connections) await repository.save(connection);

      for (const connection of connections) {
        expect(await repository.findByUser(connection.userId), connection.userId).toEqual([connection]);
      }
    });

    it('should return every connection of a user who has more than 100', async () => {
      const userId = aUserId();
      const connections = Array.from({ length: 130 }, () => aConnection({ userId }));
      for (let i = 0; i < connections.length; i += 10) {
        await Promise.all(connections.slice(i, i + 10).map((c) => repository.save(c)));
      }

      const found = await repository.findByUser(userId);
      expect(found).toHaveLength(130);
      expect(sortById(found)).toEqual(sortById(connections));
    });

    it("should list a stage's connections once each across its shards, page by page, and no other stage's", async () => {
      const apiId = `api${randomBytes(4).toString('hex')}`;
      const mine = Array.from({ length: 45 }, () => aConnection({ endpoint: anEndpoint(apiId, 'dev', 'eu-west-1') }));
      const otherStage = aConnection({ endpoint: anEndpoint(apiId, 'prod', 'eu-west-1') });
      for (let i = 0; i < mine.length; i += 15) await Promise.all(mine.slice(i, i + 15).map((c) => repository.save(c)));
      await repository.save(otherStage);
      const gone = mine.pop() as Connection;
      await repository.remove(gone.connectionId);

      const seen: Connection[] = [];
      let pages = 0;
      for (let shard = 0; shard < repository.stageShards; shard += 1) {
        let cursor: string | undefined;
        do {
          const page = await repository.pageByStage(apiId, 'dev', shard, { limit: 4, ...(cursor ? { cursor } : {}) });
          expect(page.items.length).toBeLessThanOrEqual(4);
          seen.push(...page.items);
          cursor = page.cursor;
          pages += 1;
        } while (cursor);
      }

      expect(repository.stageShards).toBeGreaterThan(1);
      expect(pages).toBeGreaterThan(repository.stageShards);
      expect(sortById(seen)).toEqual(sortById(mine));
    });

    it('should refuse a cursor it did not hand out with a ValidationError', async () => {
      await expect(repository.pageByStage('abc123', 'dev', 0, { limit: 5, cursor: 'not-a-cursor' })).rejects.toMatchObject({
        code: 'VALIDATION_ERROR',
        field: 'cursor',
      });
    });
  });
}

function sortById(connections: Connection[]): Connection[] {
  return [...connections].sort((a, b) => a.connectionId.localeCompare(b.connectionId));
}
