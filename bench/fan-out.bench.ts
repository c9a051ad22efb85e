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
const SETTLE_MS = 250;
const WARM_UP_RUNS = 8;

/** The samples of the warm rounds (the first run of each path is the warm-up round), or all of a one-round smoke run. */
const warm = (samples: number[]) => (samples.length > 1 ? samples.slice(1) : samples);

/**
 * `notifyUser` to one user with N connections on the sink, through the configured messenger, against the same
 * posts made by a raw undici Pool (unsigned: the ceiling of this machine) and by a new SDK client per post
 * (the naive way), all at the service's concurrency, interleaved round by round. Also this process's CPU
 * time per post of the notify and of the raw Pool (a ratio above 1: the notify's CPU per post is that many times
 * the raw Pool's), which a shared, noisy machine blurs far less than rates.
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

  /** This process's CPU time (user + system) per post of each run, by path; the first run of each is the warm-up. */
  const cpu: Record<string, number[]> = { notify: [], raw: [] };
  const rate = async (posts: number, run: () => Promise<unknown>, path?: 'notify' | 'raw') => {
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    await run();
    const elapsed = performance.now() - started;
    const used = process.cpuUsage(cpuBefore);
    if (path) cpu[path]!.push((used.user + used.system) / posts);
    return (posts * 1000) / elapsed;
  };

  try {
    // JIT warm-up: undici and the notify path each need a few thousand posts before they run at their steady
    // speed (a cold raw Pool posts at a fifth of its warm rate); one warm-up round of 1,000 posts is not enough.
    for (let i = 0; i < WARM_UP_RUNS; i += 1) {
      await notify.execute({ userId: 'fan-user', message: MESSAGE });
      await mapWithConcurrency(ids, concurrency, rawPost);
    }
    const samples = await interleaved(options.rounds, {
      notify: () =>
        rate(options.connections, async () => {
          const report = await notify.execute({ userId: 'fan-user', message: MESSAGE });
          if (report.delivered !== options.connections) throw new Error(`fan-out delivered ${report.delivered}/${options.connections}`);
        }, 'notify'),
      raw: () => rate(ids.length, () => mapWithConcurrency(ids, concurrency, rawPost), 'raw'),
      naive: () => rate(naiveIds.length, () => mapWithConcurrency(naiveIds, concurrency, naivePost)),
      // The naive path leaves hundreds of SDK clients' sockets closing and their garbage behind; the rotating order
      // puts the notify after it in most rounds, so each path first lets the previous one's aftermath settle.
    }, SETTLE_MS);
    const notifyRate = median(samples.notify);
    const name = 'fan-out: notifyUser';
    return [
      row(name, notifyRate, 'posts/s', { name: 'raw undici', value: median(samples.raw) }),
      row(`${name}, vs naive`, notifyRate, 'posts/s', { name: 'naive', value: median(samples.naive) }),
      // What a shared machine cannot blur much: this process's CPU per post (the sink runs in its own process).
      row(`${name}, CPU per post`, median(warm(cpu.notify!)), 'µs/post', { name: 'raw undici, CPU per post', value: median(warm(cpu.raw!)) }),
    ];
  } finally {
    await pool.close();
  }
}
