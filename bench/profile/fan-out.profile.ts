/**
 * Profiling driver for the fan-out path (not part of `npm run bench`): the notify use case to one user with
 * 1,000 connections on the loopback sink, then the same posts from a raw undici Pool, each path alone for a
 * number of rounds, printing the client's CPU time per post (`process.cpuUsage()`, user + system).
 *
 *   node --import tsx --cpu-prof --cpu-prof-dir /tmp/prof bench/profile/fan-out.profile.ts [--rounds 20] [--path notify|raw|both]
 *   node --import tsx bench/profile/summarise.ts /tmp/prof/<file>.cpuprofile
 */
import 'reflect-metadata';
import { Pool } from 'undici';
import { NotifyUserUseCase } from '../../src/domain/use-cases/notify-user.use-case.js';
import { SignedHttpConnectionMessenger } from '../../src/adapters/api-gateway/signed-http-connection.messenger.js';
import { PacedConnectionMessenger } from '../../src/adapters/api-gateway/paced-connection.messenger.js';
import { SigV4Signer } from '../../src/adapters/api-gateway/sigv4.signer.js';
import { BENCH_CREDENTIALS } from '../support/bench-row.js';
import { mapWithConcurrency } from '../../src/domain/shared/map-with-concurrency.js';
import { composeBenchNotify, seedConnections } from '../support/bench-notify.js';
import { startSink } from '../support/sink.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const arg = (flag: string, fallback: string) => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const rounds = Number(arg('--rounds', '20'));
const which = arg('--path', 'both');
const CONNECTIONS = 1_000;
const MESSAGE = { kind: 'bench', text: 'hello from socketpost' };

const repeats = Number(arg('--repeats', '1'));
const results = new Map<string, number[]>();

/** Runs `run` `rounds` times and records the CPU time per post (and prints it when `repeats` is 1). */
async function measure(name: string, run: () => Promise<unknown>): Promise<void> {
  await run(); // warm-up
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < rounds; i += 1) await run();
  const used = process.cpuUsage(cpu);
  const ms = performance.now() - started;
  const posts = rounds * CONNECTIONS;
  const perPost = (used.user + used.system) / posts;
  results.set(name, [...(results.get(name) ?? []), perPost]);
  if (repeats === 1) {
    console.log(
      `${name}: ${perPost.toFixed(1)} µs CPU/post (user ${(used.user / posts).toFixed(1)}, system ${(used.system / posts).toFixed(1)}), ${Math.round((posts * 1000) / ms)} posts/s`,
    );
  }
}

async function main(): Promise<void> {
  const sink = await startSink();
  const { container, config } = composeBenchNotify({ LOG_LEVEL: 'silent', ...(process.env.METRICS ? { METRICS: process.env.METRICS } : {}) });
  await seedConnections(container, 'fan-user', sink.endpoint('fanout'), CONNECTIONS);
  const notify = container.resolve(NotifyUserUseCase);
  const ids = Array.from({ length: CONNECTIONS }, (_, i) => `fan-user-${i}`);
  const body = JSON.stringify(MESSAGE);
  const pool = new Pool(sink.origin, { connections: config.notifyConcurrency, pipelining: 1 });
  const raw = async (id: string) => {
    const res = await pool.request({ method: 'POST', path: `/fanout/@connections/${encodeURIComponent(id)}`, headers: { 'content-type': 'application/json' }, body });
    await res.body.dump();
  };
  const endpoint = sink.endpoint('fanout');
  const data = new TextEncoder().encode(body);
  const messenger = new SignedHttpConnectionMessenger({ credentials: BENCH_CREDENTIALS });
  const paced = new PacedConnectionMessenger(new SignedHttpConnectionMessenger({ credentials: BENCH_CREDENTIALS }));
  const signer = new SigV4Signer();
  const host = new URL(sink.origin).host;
  const signedHeaders = (id: string) =>
    signer.sign(
      { method: 'POST', host, path: `/fanout/@connections/${encodeURIComponent(id)}`, headers: { 'content-type': 'application/octet-stream', 'content-length': String(data.byteLength) }, body: data },
      BENCH_CREDENTIALS,
      'eu-west-1',
      Date.now(),
    );
  const fixed = signedHeaders('fan-user-0');
  const rawHeaders = async (id: string) => {
    const res = await pool.request({ method: 'POST', path: `/fanout/@connections/${encodeURIComponent(id)}`, headers: fixed, body: data });
    await res.body.dump();
  };
  const rawSigned = async (id: string) => {
    const res = await pool.request({ method: 'POST', path: `/fanout/@connections/${encodeURIComponent(id)}`, headers: signedHeaders(id), body: data });
    await res.body.dump();
  };
  const wanted = (name: string) => which === 'all' || which === name || (which === 'both' && (name === 'notify' || name === 'raw'));
  try {
   for (let repeat = 0; repeat < repeats; repeat += 1) {
    if (wanted('sign')) await measure('sign only (SigV4Signer, a fresh headers object per post)', async () => ids.forEach((id) => signedHeaders(id)));
    if (wanted('raw-headers')) await measure('raw undici, signed-size headers and byte body', () => mapWithConcurrency(ids, config.notifyConcurrency, rawHeaders));
    if (wanted('raw-signed')) await measure('raw undici + signing', () => mapWithConcurrency(ids, config.notifyConcurrency, rawSigned));
    if (wanted('messenger')) await measure('messenger.post', () => mapWithConcurrency(ids, config.notifyConcurrency, (id) => messenger.post(endpoint, id, data)));
    if (wanted('paced')) await measure('paced messenger.post', () => mapWithConcurrency(ids, config.notifyConcurrency, (id) => paced.post(endpoint, id, data)));
    if (wanted('notify'))
      await measure('notify', async () => {
        const report = await notify.execute({ userId: 'fan-user', message: MESSAGE });
        if (report.delivered !== CONNECTIONS) throw new Error(`delivered ${report.delivered}`);
      });
    if (wanted('raw')) await measure('raw undici', () => mapWithConcurrency(ids, config.notifyConcurrency, raw));
   }
    if (repeats > 1) {
      for (const [name, values] of results) {
        const sorted = [...values].sort((a, b) => a - b);
        console.log(`${name}: median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} µs CPU/post (min ${sorted[0]!.toFixed(1)}, max ${sorted.at(-1)!.toFixed(1)}, ${values.length} samples of ${rounds * CONNECTIONS} posts)`);
      }
    }
  } finally {
    await pool.close();
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
