/**
 * `npm run bench`: bounded, loopback-only benchmarks of the API Gateway messenger against the fake
 * @connections API. Prints ratios measured within this one run. Exits 0 whatever the timings (no pass/fail
 * on speed); 1 only if a benchmark crashes.
 */
import { startFakeManagementApi } from '../test/support/fake-management-api.js';
import { benchClientReuse, type ClientReuseResult } from './client-reuse.bench.js';
import { benchFanOut } from './fan-out.bench.js';
import { benchMemory } from './memory.bench.js';
import { selfSignedCertificate, withoutCertificateChecks } from './self-signed.bench.js';

// Node 20 is what this machine runs; the SDK's upgrade notice would only clutter the table.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const rows: Array<[string, string]> = [];
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function reuseRows(label: string, reuse: ClientReuseResult, target: boolean): void {
  rows.push([`${label}: one reused client`, `${fmt(reuse.reusedPerSecond)} posts/s`]);
  rows.push([`${label}: new client per post`, `${fmt(reuse.newClientPerSecond)} posts/s`]);
  const verdict = target ? `target >= 3x: ${reuse.ratio >= 3 ? 'met' : 'NOT met'}` : 'no handshake: client set-up CPU only';
  rows.push(['  ratio reused / new', `${fmt(reuse.ratio, 1)}x (${verdict})`]);
  rows.push(['  extra cost of a new client', `${fmt(1000 / reuse.newClientPerSecond - 1000 / reuse.reusedPerSecond, 2)} ms/post`]);
  if (reuse.failures > 0) rows.push(['  failed posts', String(reuse.failures)]);
}

async function main(): Promise<void> {
  // The real endpoint is HTTPS: a new client pays a TLS handshake there, so that is the headline figure.
  const certificate = selfSignedCertificate();
  if (certificate) {
    const tlsApi = await startFakeManagementApi({ tls: certificate });
    try {
      reuseRows('HTTPS', await withoutCertificateChecks(() => benchClientReuse(tlsApi)), true);
    } finally {
      await tlsApi.close();
    }
  } else {
    rows.push(['HTTPS', 'skipped (openssl not found)']);
  }

  const api = await startFakeManagementApi();
  try {
    reuseRows('HTTP', await benchClientReuse(api), !certificate);

    const fan = await benchFanOut(api);
    for (const run of fan.runs) {
      rows.push([
        `notify ${fan.connections} conns, concurrency ${run.concurrency}`,
        `${fmt(run.ms)} ms (${run.delivered}/${fan.connections} delivered, ${fan.delayMs} ms/post)`,
      ]);
    }
    rows.push([`  ratio concurrency 1 / ${fan.runs.at(-1)?.concurrency ?? '?'}`, `${fmt(fan.ratio, 1)}x faster`]);

    const memory = await benchMemory(api);
    rows.push([`heap used before ${fmt(memory.posts)} posts`, `${fmt(memory.beforeMb, 1)} MB`]);
    rows.push([`heap used after ${fmt(memory.posts)} posts`, `${fmt(memory.afterMb, 1)} MB`]);
    rows.push([
      '  growth',
      `${fmt(memory.afterMb - memory.beforeMb, 1)} MB with ${memory.clients} client${memory.clients === 1 ? '' : 's'}` +
        (memory.gcExposed ? '' : ' (no gc available: noisy)'),
    ]);
  } finally {
    await api.close();
  }

  const width = Math.max(...rows.map(([name]) => name.length));
  console.log('socketpost benchmarks (loopback, fake @connections API, one run)');
  console.log(`${'benchmark'.padEnd(width)} | result`);
  console.log(`${'-'.repeat(width)}-|-${'-'.repeat(40)}`);
  for (const [name, value] of rows) console.log(`${name.padEnd(width)} | ${value}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('benchmark failed:', error);
    process.exit(1);
  },
);
