import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { ApiGatewayConnectionMessenger } from '../src/adapters/api-gateway/api-gateway-connection.messenger.js';
import { mapWithConcurrency } from '../src/domain/shared/map-with-concurrency.js';
import { NotifyUserUseCase } from '../src/domain/use-cases/notify-user.use-case.js';
import { BENCH_CREDENTIALS, interleaved, median, row, type BenchRow } from './support/bench-row.js';
import { composeBenchNotify, seedConnections } from './support/bench-notify.js';
import type { Sink } from './support/sink.js';

export interface FanOutOptions {
  connections: number;
  rounds: number;
  /** Posts per round of the naive path (a new SDK client per post is slow; its rate needs fewer). */
  naivePosts: number;
  env: Record<string, string | undefined>;
}

const MESSAGE = { kind: 'bench', text: 'hello from socketpost' };

/**
 * `notifyUser` to one user with N connections on the sink, through the configured messenger, against the same
 * posts made by a raw undici Pool (unsigned: the ceiling of this machine) and by a new SDK client per post
 * (the naive way), all at the service's concurrency, interleaved round by round.
 */
export async function benchFanOut(sink: Sink, options: FanOutOptions): Promise<BenchRow[]> {
  const { container, config } = composeBenchNotify({ LOG_LEVEL: 'silent', ...options.env });
  const endpoint = sink.endpoint('fanout');
  await seedConnections(container, 'fan-user', endpoint, options.connections);
  const notify = container.resolve(NotifyUserUseCase);
  const concurrency = config.notifyConcurrency;
  const body = JSON.stringify(MESSAGE);
  const ids = Array.from({ length: options.connections }, (_, i) => `fan-user-${i}`);

  const pool = new Pool(sink.origin, { connections: concurrency, pipelining: 1 });
  const rawPost = async (id: string) => {
    const res = await pool.request({
      method: 'POST',
      path: `/fanout/@connections/${encodeURIComponent(id)}`,
      headers: { 'content-type': 'application/json' },
      body,
    });
    await res.body.dump();
    if (res.statusCode !== 200) throw new Error(`raw undici got ${res.statusCode}`);
  };
  const naiveIds = ids.slice(0, options.naivePosts);
  const payload = new TextEncoder().encode(body);
  const naivePost = async (id: string) => {
    const fresh = new ApiGatewayConnectionMessenger({ credentials: BENCH_CREDENTIALS });
    try {
      const result = await fresh.post(endpoint, id, payload);
      if (result.status !== 'delivered') throw new Error(`naive post: ${result.status}`);
    } finally {
      fresh.close();
    }
  };

  const rate = async (posts: number, run: () => Promise<unknown>) => {
    const started = performance.now();
    await run();
    return (posts * 1000) / (performance.now() - started);
  };

  try {
    const samples = await interleaved(options.rounds, {
      notify: () =>
        rate(options.connections, async () => {
          const report = await notify.execute({ userId: 'fan-user', message: MESSAGE });
          if (report.delivered !== options.connections) throw new Error(`fan-out delivered ${report.delivered}/${options.connections}`);
        }),
      raw: () => rate(ids.length, () => mapWithConcurrency(ids, concurrency, rawPost)),
      naive: () => rate(naiveIds.length, () => mapWithConcurrency(naiveIds, concurrency, naivePost)),
    });
    const notifyRate = median(samples.notify);
    const name = 'fan-out: notifyUser';
    return [
      row(name, notifyRate, 'posts/s', { name: 'raw undici', value: median(samples.raw) }),
      row(`${name}, vs naive`, notifyRate, 'posts/s', { name: 'naive', value: median(samples.naive) }),
    ];
  } finally {
    await pool.close();
  }
}
