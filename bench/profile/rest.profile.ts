/**
 * Profiling driver for the REST path (not part of `npm run bench`): starts the REST bench's servers
 * (bench/support/rest-services.child.ts) in a child with `--cpu-prof`, loads one route with autocannon at 64
 * connections, stops the child (which writes its profile) and prints requests/s and the child's CPU per request.
 *
 *   node --import tsx bench/profile/rest.profile.ts [--route hello|silent|info] [--seconds 10] [--prof-dir /tmp/rest-prof]
 *   node --import tsx bench/profile/summarise.ts /tmp/rest-prof/<file>.cpuprofile
 */
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

async function main(): Promise<void> {
  const sink = await startSink();
  const nodeArgs = profDir ? ['--cpu-prof', '--cpu-prof-dir', profDir] : [];
  const services = await startChild<{ hello: string; silent: string; info: string }>('../support/rest-services.child.ts', { SINK_PORT: String(sink.port) }, nodeArgs);
  const url = route === 'hello' ? services.ready.hello : `${services.ready[route]}/notify`;
  const post = route !== 'hello';
  const options = {
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
  try {
    await autocannon({ ...options, duration: 2 }); // warm-up
    const result = await autocannon({ ...options, duration: seconds });
    const bad = result.non2xx + result.errors + result.timeouts;
    console.log(`${route}: ${Math.round(result.requests.total / seconds)} req/s over ${seconds} s (${bad} failed of ${result.requests.total})`);
  } finally {
    await services.stop();
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
