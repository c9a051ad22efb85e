import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DynamoDbIdempotencyStore } from '../../src/adapters/dynamodb/dynamodb-idempotency.store.js';
import { RunIdempotentlyUseCase } from '../../src/domain/use-cases/run-idempotently.use-case.js';
import type { DeliveryReport } from '../../src/domain/use-cases/notify-user.use-case.js';
import { ManualClock } from '../support/manual-clock.js';
import { useTestTable } from '../support/dynamodb-local.js';

const table = useTestTable('replays');

/** A user's report with `count` connections, every third failed with a message no compressor can shrink. */
function bigReport(count: number): DeliveryReport {
  const connections = Array.from({ length: count }, (_, i) =>
    i % 3 === 0
      ? { connectionId: `c-${i}`, status: 'failed' as const, attempts: 3, error: { code: 'UPSTREAM_ERROR' as const, message: `failed after 3 attempts: ${randomBytes(600).toString('base64')}` } }
      : { connectionId: `c-${i}-${randomBytes(8).toString('hex')}`, status: 'delivered' as const, attempts: 1 },
  );
  const failed = connections.filter((c) => c.status === 'failed').length;
  return { userId: 'alice', delivered: count - failed, gone: 0, failed, connections };
}

describe('big replays on DynamoDB Local (a report over the 400 KB item limit)', () => {
  it('should replay a report of several MB whole when it compresses under the limit', async () => {
    const run = new RunIdempotentlyUseCase(new DynamoDbIdempotencyStore(table().documentClient, table().tableName), new ManualClock());
    const report = { userId: 'alice', delivered: 30_000, gone: 0, failed: 0, connections: Array.from({ length: 30_000 }, (_, i) => ({ connectionId: `conn-${i}`, status: 'delivered', attempts: 1 })) };
    expect(JSON.stringify(report).length).toBeGreaterThan(1_500_000);
    const request = { key: randomUUID(), fingerprint: 'fp', caller: 'caller-digest' };

    expect(await run.execute(request, async () => report)).toEqual({ replayed: false, value: report });
    let sent = 0;
    expect(await run.execute(request, async () => ++sent)).toEqual({ replayed: true, value: report });
    expect(sent).toBe(0);
  });

  it('should replay the totals and the first 100 failures, marked as a summary, when even compressed it is too large', async () => {
    const run = new RunIdempotentlyUseCase(new DynamoDbIdempotencyStore(table().documentClient, table().tableName), new ManualClock());
    const report = bigReport(3_000);
    expect(JSON.stringify(report).length).toBeGreaterThan(900_000);
    const request = { key: randomUUID(), fingerprint: 'fp' };

    expect((await run.execute(request, async () => report)).value).toBe(report);
    let sent = 0;
    const replay = await run.execute(request, async () => ++sent);

    expect(sent).toBe(0);
    expect(replay).toMatchObject({ replayed: true, summary: true, value: { userId: 'alice', delivered: 2_000, gone: 0, failed: 1_000 } });
    const kept = (replay.value as unknown as DeliveryReport).connections;
    expect(kept).toHaveLength(100);
    expect(kept).toEqual(report.connections.filter((c) => c.status === 'failed').slice(0, 100));
  });
});
