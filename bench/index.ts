/**
 * `npm run bench [-- --quick] [-- --out FILE]`: loopback benchmarks of socketpost, printed as a table and
 * written to bench/results.json as `[{ name, value, unit, baseline, baselineValue, ratio }]`. Every figure is
 * the median of at least 3 warm rounds, and every ratio compares paths interleaved round by round in this one
 * run (the machine is shared: absolute figures drift, ratios hold). Exits 0 whatever the figures; 1 if a
 * benchmark fails (e.g. a notify not delivered).
 *
 *   --quick                  3 rounds, 10,000 notifies for memory, container size from the installed tree
 *   --smoke                  a tiny load and one round, for the test that checks every row is written
 *   --out FILE               where to write the results (default bench/results.json)
 *   --dynamodb-endpoint URL  a DynamoDB Local to use for the connect storm (else one is started)
 *   --only a,b               run only these sections: signing, fan-out, rest, storm, cold-start, container, memory, broadcast, metrics
 * The messenger is the one the service's configuration chooses (MESSENGER, NOTIFY_CONCURRENCY…).
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { benchColdStart } from './cold-start.bench.js';
import { benchConnectStorm } from './connect-storm.bench.js';
import { benchContainer } from './container.bench.js';
import { benchFanOut } from './fan-out.bench.js';
import { benchMemory } from './memory.bench.js';
import { benchMetricsCost } from './metrics-cost.bench.js';
import { benchRest } from './rest.bench.js';
import { benchSigning } from './signing.bench.js';
import { row, type BenchRow } from './support/bench-row.js';
import { startSink } from './support/sink.js';

// Node 20 is what this machine runs; the SDK's upgrade notice would only clutter the table.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

export type BenchMode = 'full' | 'quick' | 'smoke';
export const SECTIONS = ['signing', 'fan-out', 'rest', 'storm', 'cold-start', 'container', 'memory', 'broadcast', 'metrics'] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchOptions {
  mode: BenchMode;
  out: string;
  dynamoDbEndpoint?: string;
  only?: Section[];
  /** Service variables passed to the notify composition root (MESSENGER…). */
  env?: Record<string, string | undefined>;
  log?: (line: string) => void;
}

const SCALE = {
  full: { signPerRound: 5_000, rounds: 5, connections: 1_000, naivePosts: 300, restSeconds: 3, sockets: 500, notifies: 100_000 },
  quick: { signPerRound: 2_000, rounds: 3, connections: 1_000, naivePosts: 200, restSeconds: 1.5, sockets: 500, notifies: 10_000 },
  // Checks that every row is produced, nothing more: one round, figures meaningless.
  smoke: { signPerRound: 100, rounds: 1, connections: 20, naivePosts: 10, restSeconds: 0.2, sockets: 10, notifies: 200 },
} as const;

/** The service variables the bench passes through from its own environment. */
export function serviceEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  const names = ['MESSENGER', 'NOTIFY_CONCURRENCY', 'NOTIFY_MAX_ATTEMPTS'];
  return Object.fromEntries(names.filter((n) => env[n]).map((n) => [n, env[n]]));
}

export async function runBench(options: BenchOptions): Promise<BenchRow[]> {
  const scale = SCALE[options.mode];
  const log = options.log ?? (() => undefined);
  const env = options.env ?? serviceEnv();
  const wanted = (section: Section) => !options.only || options.only.includes(section);
  const rows: BenchRow[] = [];
  const section = async (name: Section, run: () => Promise<BenchRow[]>) => {
    if (!wanted(name)) return;
    const started = performance.now();
    rows.push(...(await run()));
    log(`  ${name} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  };

  const sink = await startSink();
  try {
    // Every ratio is value / baseline value, here too (below 1: the signature costs less than the baseline's).
    await section('signing', async () =>
      (await benchSigning({ rounds: Math.max(3, scale.rounds), perRound: scale.signPerRound })).map((r) =>
        row(r.name, r.value, r.unit, { name: r.baseline, value: r.baselineValue }),
      ),
    );
    await section('fan-out', () => benchFanOut(sink, { connections: scale.connections, rounds: scale.rounds, naivePosts: scale.naivePosts, env }));
    await section('rest', () => benchRest(sink, { rounds: scale.rounds, seconds: scale.restSeconds, connections: 64, env }));
    await section('storm', () =>
      benchConnectStorm({ sockets: scale.sockets, windowMs: 1_000, rounds: scale.rounds, ...(options.dynamoDbEndpoint ? { dynamoDbEndpoint: options.dynamoDbEndpoint } : {}) }),
    );
    await section('cold-start', () => benchColdStart({ rounds: scale.rounds }));
    await section('container', () => benchContainer({ estimate: options.mode !== 'full' }));
    await section('memory', () => benchMemory(sink, { notifies: scale.notifies, env }));
    await section('broadcast', async () => (await import('./broadcast.bench.js')).benchBroadcast(sink, { connections: scale.connections, rounds: scale.rounds, env, ...(options.dynamoDbEndpoint ? { dynamoDbEndpoint: options.dynamoDbEndpoint } : {}) }));
    await section('metrics', () => benchMetricsCost(sink, { rounds: scale.rounds, seconds: scale.restSeconds, connections: 64, lines: options.mode === 'smoke' ? 1_000 : 100_000, env }));
  } finally {
    await sink.stop();
  }
  writeFileSync(options.out, `${JSON.stringify(rows, null, 2)}\n`);
  return rows;
}

const fmt = (n: number | null, digits = 2) =>
  n === null ? '' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: Number.isInteger(n) ? 0 : Math.min(digits, 2) });

/** The results as a Markdown table (the README's Performance section shows one). */
export function table(rows: readonly BenchRow[]): string {
  const lines = ['| benchmark | value | baseline | baseline value | ratio |', '|---|--:|---|--:|--:|'];
  for (const r of rows) {
    lines.push(`| ${r.name} | ${fmt(r.value)} ${r.unit} | ${r.baseline ?? ''} | ${r.baselineValue === null ? '' : `${fmt(r.baselineValue)} ${r.unit}`} | ${fmt(r.ratio, 3)} |`);
  }
  return lines.join('\n');
}

function parseArgs(argv: string[]): BenchOptions {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const only = value('--only')?.split(',').map((s) => s.trim()) as Section[] | undefined;
  const unknown = only?.filter((s) => !(SECTIONS as readonly string[]).includes(s)) ?? [];
  if (unknown.length > 0) throw new Error(`--only: unknown section(s) ${unknown.join(', ')}; choose from ${SECTIONS.join(', ')}`);
  const endpoint = value('--dynamodb-endpoint');
  return {
    mode: argv.includes('--smoke') ? 'smoke' : argv.includes('--quick') ? 'quick' : 'full',
    out: value('--out') ?? fileURLToPath(new URL('./results.json', import.meta.url)),
    ...(endpoint ? { dynamoDbEndpoint: endpoint } : {}),
    ...(only ? { only } : {}),
  };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const env = serviceEnv();
  console.log(
    `socketpost bench (${options.mode}): Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ` +
      `${Math.round(totalmem() / 1024 ** 3)} GB; messenger ${env.MESSENGER ?? '(configured default)'}`,
  );
  const rows = await runBench({ ...options, env, log: (line) => console.log(line) });
  console.log('');
  console.log(table(rows));
  console.log(`\n${rows.length} rows written to ${options.out} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error('benchmark failed:', error);
      process.exit(1);
    },
  );
}
