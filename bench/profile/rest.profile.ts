/**
 * Profiling driver for the REST path (not part of `npm run bench`): starts the REST bench's servers
 * (bench/support/server.child.ts, one process each) with `--cpu-prof`, loads one route with autocannon at 64
 * connections, stops the children (which write their profiles) and prints requests/s and each child's CPU per request.
 *
 *   node --import tsx bench/profile/rest.profile.ts [--route hello|silent|info] [--seconds 10] [--prof-dir /tmp/rest-prof]
 *   node --import tsx bench/profile/summarise.ts /tmp/rest-prof/<file>.cpuprofile
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { BENCH_API_KEY } from '../support/bench-row.js';
import { startChild } from '../support/child-process.js';
import { startSink } from '../support/sink.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const arg = (flag: string, fallback: string) => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const route = arg('--route', 'silent') as 'hello' | 'silent' | 'info';
const seconds = Number(arg('--seconds', '10'));
const profDir = arg('--prof-dir', '');
const routes = arg('--routes', '');

/** CPU time (user + system) a process has used so far, in µs, from /proc (Linux). */
function cpuOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / 100; // utime, stime in clock ticks (100 Hz)
}

async function main(): Promise<void> {
  const sink = await startSink();
  const nodeArgs = profDir ? ['--cpu-prof', '--cpu-prof-dir', profDir] : [];
  const list = (routes ? routes.split(',') : [route]) as Array<'hello' | 'silent' | 'info'>;
  const envOf = (r: 'hello' | 'silent' | 'info'): Record<string, string> =>
    r === 'hello' ? { ROLE: 'hello' } : { ROLE: 'notify', LOG_LEVEL: r, SINK_PORT: String(sink.port), BENCH_USER: 'rest-user' };
  const services = new Map<string, Awaited<ReturnType<typeof startChild<{ url: string }>>>>();
  for (const r of list) services.set(r, await startChild<{ url: string }>('../support/server.child.ts', envOf(r), nodeArgs));
  const optionsOf = (r: 'hello' | 'silent' | 'info') => {
    const url = services.get(r)!.ready.url;
    const post = r !== 'hello';
    return {
      url,
      connections: 64,
      ...(post
        ? {
            method: 'POST' as const,
            headers: { authorization: `Bearer ${BENCH_API_KEY}`, 'content-type': 'application/json' },
            body: JSON.stringify({ userId: 'rest-user', message: { kind: 'bench', text: 'hello' } }),
          }
        : {}),
    };
  };
  try {
    for (const r of list) await autocannon({ ...optionsOf(r), duration: 2 }); // warm-up
    // Interleaved rounds: each route `seconds` per round, 3 rounds; the child's CPU per request of each.
    const perRequest = new Map<string, number[]>();
    for (let round = 0; round < (routes ? 3 : 1); round += 1) {
      for (const r of list) {
        const pid = services.get(r)!.process.pid as number;
        const before = cpuOf(pid);
        const result = await autocannon({ ...optionsOf(r), duration: seconds });
        const used = cpuOf(pid) - before;
        const bad = result.non2xx + result.errors + result.timeouts;
        perRequest.set(r, [...(perRequest.get(r) ?? []), used / result.requests.total]);
        console.log(`${r}: ${Math.round(result.requests.total / seconds)} req/s over ${seconds} s (${bad} failed of ${result.requests.total}), server CPU ${(used / result.requests.total).toFixed(1)} µs/request`);
      }
    }
    for (const [r, values] of perRequest) console.log(`${r}: median server CPU ${[...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!.toFixed(1)} µs/request`);
  } finally {
    for (const service of services.values()) await service.stop();
    await sink.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
