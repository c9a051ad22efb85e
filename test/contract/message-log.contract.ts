import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MessageLog } from '../../src/ports/message.log.js';

const text = (s: string) => new TextEncoder().encode(s);
const NOW = Date.now();
const kept = { nowMs: NOW, expiresAtMs: NOW + 120_000 };

/** The behaviour every MessageLog must have; each test uses users of its own. */
export function describeMessageLogContract(name: string, factory: () => MessageLog | Promise<MessageLog>): void {
  describe(`${name} (MessageLog contract)`, () => {
    let log: MessageLog;

    beforeAll(async () => {
      log = await factory();
    });

    it('should number a user\'s messages 1, 2, 3 and give them back after a seq, in order, with their bytes', async () => {
      const userId = `user-${randomUUID()}`;
      expect(await log.append(userId, { data: text('{"n":1}'), json: true }, kept)).toBe(1);
      expect(await log.append(userId, { data: text('two'), json: false }, kept)).toBe(2);
      expect(await log.append(userId, { data: text('{"n":3}'), json: true }, kept)).toBe(3);

      const page = await log.readAfter(userId, 1, { nowMs: NOW, limit: 10 });
      expect(page.latestSeq).toBe(3);
      expect(page.messages.map((m) => ({ ...m, data: new TextDecoder().decode(m.data) }))).toEqual([
        { seq: 2, data: 'two', json: false },
        { seq: 3, data: '{"n":3}', json: true },
      ]);
    });

    it('should keep each user\'s numbers apart', async () => {
      const alice = `user-${randomUUID()}`;
      const bob = `user-${randomUUID()}`;
      await log.append(alice, { data: text('a1'), json: false }, kept);
      await log.append(alice, { data: text('a2'), json: false }, kept);
      expect(await log.append(bob, { data: text('b1'), json: false }, kept)).toBe(1);
      expect((await log.readAfter(bob, 0, { nowMs: NOW, limit: 10 })).messages.map((m) => m.seq)).toEqual([1]);
    });

    it('should give concurrent appends of one user distinct numbers with no gap', async () => {
      const userId = `user-${randomUUID()}`;
      const seqs = await Promise.all(Array.from({ length: 12 }, (_, i) => log.append(userId, { data: text(`m${i}`), json: false }, kept)));
      expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));

      const page = await log.readAfter(userId, 0, { nowMs: NOW, limit: 100 });
      expect(page.latestSeq).toBe(12);
      expect(page.messages.map((m) => m.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      // Each number holds the message its append was given.
      for (const [i, seq] of seqs.entries()) {
        expect(new TextDecoder().decode(page.messages.find((m) => m.seq === seq)?.data)).toBe(`m${i}`);
      }
    });

    it('should read at most limit messages, so a long log is read page by page', async () => {
      const userId = `user-${randomUUID()}`;
      for (let i = 0; i < 5; i += 1) await log.append(userId, { data: text(`m${i}`), json: false }, kept);
      const first = await log.readAfter(userId, 0, { nowMs: NOW, limit: 2 });
      expect(first.messages.map((m) => m.seq)).toEqual([1, 2]);
      const second = await log.readAfter(userId, 2, { nowMs: NOW, limit: 2 });
      expect(second.messages.map((m) => m.seq)).toEqual([3, 4]);
    });

    it('should leave out expired messages but keep counting after them', async () => {
      const userId = `user-${randomUUID()}`;
      await log.append(userId, { data: text('old'), json: false }, { nowMs: NOW, expiresAtMs: NOW + 10_000 });
      await log.append(userId, { data: text('new'), json: false }, { nowMs: NOW, expiresAtMs: NOW + 120_000 });
      const later = NOW + 60_000;
      const page = await log.readAfter(userId, 0, { nowMs: later, limit: 10 });
      expect(page).toMatchObject({ latestSeq: 2 });
      expect(page.messages.map((m) => m.seq)).toEqual([2]);
      expect(await log.append(userId, { data: text('next'), json: false }, { nowMs: later, expiresAtMs: later + 120_000 })).toBe(3);
    });

    it('should answer an empty page with latest 0 for a user who never got a message, and nothing after the latest', async () => {
      const userId = `user-${randomUUID()}`;
      expect(await log.readAfter(userId, 0, { nowMs: NOW, limit: 10 })).toEqual({ messages: [], latestSeq: 0 });
      await log.append(userId, { data: text('x'), json: false }, kept);
      expect(await log.readAfter(userId, 1, { nowMs: NOW, limit: 10 })).toEqual({ messages: [], latestSeq: 1 });
    });

    it('should tell a user marked recovering until the mark passes, and never shorten a mark', async () => {
      const userId = `user-${randomUUID()}`;
      expect(await log.isRecovering(userId, NOW)).toBe(false);
      await log.markRecovering(userId, NOW + 60_000);
      await log.markRecovering(userId, NOW + 30_000);
      expect(await log.isRecovering(userId, NOW + 45_000)).toBe(true);
      expect(await log.isRecovering(userId, NOW + 60_001)).toBe(false);
      // The mark and the counter live together: appending keeps the mark, marking keeps the count.
      await log.append(userId, { data: text('x'), json: false }, kept);
      await log.markRecovering(userId, NOW + 90_000);
      expect(await log.isRecovering(userId, NOW + 80_000)).toBe(true);
      expect(await log.append(userId, { data: text('y'), json: false }, kept)).toBe(2);
    });
  });
}
