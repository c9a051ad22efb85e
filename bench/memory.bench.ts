import { Pool } from 'undici';
import { mapWithConcurrency } from '../src/domain/shared/map-with-concurrency.js';
import { BENCH_API_KEY, row, type BenchRow } from './support/bench-row.js';
import { startChild } from './support/child-process.js';
import type { Sink } from './support/sink.js';

export interface MemoryOptions {
  notifies: number;
  env: Record<string, string | undefined>;
}

const MB = 1_048_576;

/**
 * The notify service's RSS (its own process) after a warm-up, after a tenth of the notifies and after all of
 * them; the ratio of the last two shows growth per notify once the service is warm (a leak grows it ~10x).
 */
export async function benchMemory(sink: Sink, options: MemoryOptions): Promise<BenchRow[]> {
  const env: Record<string, string> = { SINK_PORT: String(sink.port) };
  for (const [key, value] of Object.entries(options.env)) if (value !== undefined) env[key] = value;
  const service = await startChild<{ url: string }>('./notify-service.child.ts', env, ['--expose-gc']);
  const pool = new Pool(service.ready.url, { connections: 64 });
  const body = JSON.stringify({ userId: 'mem-user', message: { kind: 'bench', text: 'memory' } });
  const notify = async () => {
    const res = await pool.request({
      method: 'POST',
      path: '/notify',
      headers: { authorization: `Bearer ${BENCH_API_KEY}`, 'content-type': 'application/json' },
      body,
    });
    await res.body.dump();
    if (res.statusCode !== 200) throw new Error(`POST /notify answered ${res.statusCode}`);
  };
  const send = (count: number) => mapWithConcurrency(Array.from({ length: count }), 64, notify);
  const rss = async () => (await service.ask<{ rss: number }>({ rss: true })).rss / MB;
  try {
    await send(Math.min(2_000, Math.ceil(options.notifies / 10)));
    const before = await rss();
    const tenth = Math.ceil(options.notifies / 10);
    await send(tenth);
    const afterTenth = await rss();
    await send(options.notifies - tenth);
    const afterAll = await rss();
    return [
      row('memory: RSS after warm-up', before, 'MB'),
      row('memory: RSS after all notifies', afterAll, 'MB', { name: 'after 1/10 of the notifies', value: afterTenth }),
    ];
  } finally {
    await pool.close();
    await service.stop();
  }
}
