/**
 * `npm run load`: the local stack under load, on loopback only, bounded in count and time.
 *
 * Starts the local stack (`src/local/local.ts`, DynamoDB Local unless `--storage memory`) as a child process,
 * opens 2,000 WebSocket clients over stages `dev` and `prod` for 100 users, then for 30 s sends 20 notifies per
 * second (each to one user, round robin) while clients disconnect and new ones connect throughout. Checks:
 * - every message reaches, exactly once, each socket of its user that was open for its whole delivery
 *   (open before the notify was sent, not closed before its answer came back); no socket gets a message twice
 *   or a message of another user;
 * - once every client has closed, no connection record remains (`GET /users/:userId/connections`);
 * - the service's RSS stays flat (median of the last 5 s of the run against the first 5 s).
 * Prints its figures and writes `bench/load.json`; exits 1 when a check fails.
 *
 * Options: `--clients N --users N --rate N --seconds N --churn N` (per second) `--storage memory|dynamodb`,
 * `--cpu-prof-dir DIR` (a CPU profile of the service).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { issueLocalToken } from '../../src/adapters/auth/jose-token.issuer.js';
import { LOCAL_DEFAULTS } from '../../src/local/local-stack.config.js';

const { values: args } = parseArgs({
  options: {
    clients: { type: 'string', default: '2000' },
    users: { type: 'string', default: '100' },
    rate: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '30' },
    churn: { type: 'string', default: '10' },
    storage: { type: 'string', default: 'dynamodb' },
    /** Writes a CPU profile of the service into this directory (`node --cpu-prof`). */
    'cpu-prof-dir': { type: 'string' },
  },
});
const CLIENTS = Number(args.clients);
const USERS = Number(args.users);
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const CHURN_PER_SECOND = Number(args.churn);
const STORAGE = args.storage === 'memory' ? 'memory' : 'dynamodb';
/** The whole run is cut after this, whatever happens. */
const HARD_LIMIT_MS = 6 * 60_000;
const RSS_GROWTH_LIMIT_MB = 64;
const OPEN_CONCURRENCY = 50;

const root = join(import.meta.dirname, '../..');

interface Client {
  id: number;
  userId: string;
  stage: 'dev' | 'prod';
  ws: WebSocket;
  /** performance.now() when the client saw `open`. */
  openedAt: number;
  /** performance.now() when the client started closing; Infinity while open. */
  closingAt: number;
  /** Message id → times received. */
  received: Map<number, number>;
  foreign: number;
}

interface SentNotify {
  id: number;
  userId: string;
  sentAt: number;
  answeredAt: number;
  status: number;
  delivered: number;
  failed: number;
}

async function main(): Promise<void> {
  const hardStop = setTimeout(() => {
    console.error(`load: still running after ${HARD_LIMIT_MS / 1000} s, giving up`);
    child?.kill('SIGKILL');
    process.exit(1);
  }, HARD_LIMIT_MS);
  hardStop.unref();

  const stack = await startStack();
  child = stack.child;
  const tokens = await Promise.all(Array.from({ length: USERS }, (_, u) => issueLocalToken(LOCAL_DEFAULTS.jwtSecret, userIdOf(u), { ttlSeconds: 3_600 })));
  const clients = new Set<Client>();
  const everyClient: Client[] = [];
  let nextId = 0;
  let openFailures = 0;

  const open = async (userIndex: number, stage: 'dev' | 'prod'): Promise<void> => {
    const id = nextId++;
    const userId = userIdOf(userIndex);
    const ws = new WebSocket(`${stack.ws[stage]}?token=${encodeURIComponent(tokens[userIndex] as string)}`, { perMessageDeflate: false });
    const client: Client = { id, userId, stage, ws, openedAt: Infinity, closingAt: Infinity, received: new Map(), foreign: 0 };
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { id: number; userId: string };
      if (message.userId !== userId) client.foreign += 1;
      client.received.set(message.id, (client.received.get(message.id) ?? 0) + 1);
    });
    await new Promise<void>((resolve) => {
      ws.once('open', () => {
        client.openedAt = performance.now();
        clients.add(client);
        everyClient.push(client);
        resolve();
      });
      ws.once('error', () => {
        openFailures += 1;
        resolve();
      });
    });
  };
  const close = (client: Client): Promise<void> => {
    clients.delete(client);
    client.closingAt = performance.now();
    return new Promise<void>((resolve) => {
      if (client.ws.readyState === WebSocket.CLOSED) return resolve();
      client.ws.once('close', () => resolve());
      client.ws.close(1000);
    });
  };

  // 1. Open every client, OPEN_CONCURRENCY at a time.
  const openStarted = performance.now();
  for (let i = 0; i < CLIENTS; i += OPEN_CONCURRENCY) {
    await Promise.all(
      Array.from({ length: Math.min(OPEN_CONCURRENCY, CLIENTS - i) }, (_, k) => open((i + k) % USERS, (i + k) % 2 === 0 ? 'dev' : 'prod')),
    );
  }
  const openSeconds = (performance.now() - openStarted) / 1000;
  console.log(`load: ${clients.size} clients open in ${openSeconds.toFixed(1)} s (${openFailures} refused)`);

  // 2. Notifies at RATE per second, churn throughout, RSS sampled every second.
  const sent: SentNotify[] = [];
  const rss: Array<{ t: number; mb: number }> = [];
  const runStarted = performance.now();
  const runEnds = runStarted + SECONDS * 1000;
  const inFlight = new Set<Promise<void>>();
  let churned = 0;

  const sampler = setInterval(() => rss.push({ t: (performance.now() - runStarted) / 1000, mb: rssMb(stack.child.pid as number) }), 1_000);
  let churnCredit = 0;
  const churner = setInterval(() => {
    churnCredit += CHURN_PER_SECOND / 10;
    for (; churnCredit >= 1; churnCredit -= 1) {
      const victims = [...clients];
      const victim = victims[Math.floor(Math.random() * victims.length)];
      if (!victim) return;
      churned += 1;
      const done = close(victim).then(() => open(Number(victim.userId.slice(5)), victim.stage));
      inFlight.add(done);
      void done.finally(() => inFlight.delete(done));
    }
  }, 100);

  for (let n = 0; performance.now() < runEnds; n += 1) {
    const due = runStarted + (n * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const record: SentNotify = { id: n, userId: userIdOf(n % USERS), sentAt: performance.now(), answeredAt: Infinity, status: 0, delivered: 0, failed: 0 };
    sent.push(record);
    const request = fetch(`${stack.notifyUrl}/notify`, {
      method: 'POST',
      headers: { authorization: `Bearer ${LOCAL_DEFAULTS.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ userId: record.userId, message: { id: n, userId: record.userId } }),
    })
      .then(async (res) => {
        record.status = res.status;
        const body = (await res.json()) as { delivered?: number; failed?: number };
        record.delivered = body.delivered ?? 0;
        record.failed = body.failed ?? 0;
      })
      .catch(() => undefined)
      .finally(() => (record.answeredAt = performance.now()));
    inFlight.add(request);
    void request.finally(() => inFlight.delete(request));
  }
  clearInterval(churner);
  await Promise.all([...inFlight]);
  clearInterval(sampler);
  const runSeconds = (performance.now() - runStarted) / 1000;
  // Let the last frames arrive before judging.
  await sleep(500);

  // 3. Judge deliveries.
  let expected = 0;
  let lost = 0;
  let duplicated = 0;
  let foreign = 0;
  const byUser = new Map<string, Client[]>();
  for (const c of everyClient) byUser.set(c.userId, [...(byUser.get(c.userId) ?? []), c]);
  for (const c of everyClient) {
    foreign += c.foreign;
    for (const times of c.received.values()) if (times > 1) duplicated += times - 1;
  }
  for (const notify of sent) {
    for (const c of byUser.get(notify.userId) ?? []) {
      const openThroughout = c.openedAt < notify.sentAt && c.closingAt > notify.answeredAt;
      if (!openThroughout) continue;
      expected += 1;
      if (!c.received.has(notify.id)) lost += 1;
    }
  }
  const answered = sent.filter((s) => s.status === 200);
  const latencies = answered.map((s) => s.answeredAt - s.sentAt).sort((a, b) => a - b);

  console.log(
    `load: run over: ${sent.length} notifies, ${answered.length} answered 200; expected ${expected} deliveries: lost ${lost}, duplicated ${duplicated}, foreign ${foreign}`,
  );

  // 4. Close everyone; no record may remain.
  await Promise.all([...clients].map(close));
  let remaining = 0;
  let unanswered = 0;
  for (let attempt = 0; attempt < 120; attempt += 1) {
    remaining = 0;
    unanswered = 0;
    for (let u = 0; u < USERS; u += 1) {
      const res = await fetch(`${stack.notifyUrl}/users/${userIdOf(u)}/connections`, { headers: { authorization: `Bearer ${LOCAL_DEFAULTS.apiKey}` } });
      const body = (await res.json()) as { connections?: unknown[] };
      if (res.status === 200 && body.connections) remaining += body.connections.length;
      else unanswered += 1;
    }
    if (remaining === 0 && unanswered === 0) break;
    if (attempt % 10 === 0) console.log(`load: ${remaining} records still listed, ${unanswered} users unanswered`);
    await sleep(500);
  }

  // 5. RSS: the first 5 s of the run against the last 5 s.
  const firstWindow = median(rss.filter((s) => s.t <= 5).map((s) => s.mb));
  const lastWindow = median(rss.filter((s) => s.t > runSeconds - 5).map((s) => s.mb));
  const rssGrowthMb = lastWindow - firstWindow;

  await stopStack(stack.child);
  const problems = stackProblems(stack.output());

  const result = {
    date: new Date().toISOString(),
    node: process.version,
    storage: STORAGE,
    clients: CLIENTS,
    users: USERS,
    stages: ['dev', 'prod'],
    notifiesPerSecond: RATE,
    seconds: SECONDS,
    openSeconds: round(openSeconds),
    runSeconds: round(runSeconds),
    clientsChurned: churned,
    notifiesSent: sent.length,
    notifiesAnswered200: answered.length,
    postsDelivered: sent.reduce((a, s) => a + s.delivered, 0),
    postsFailed: sent.reduce((a, s) => a + s.failed, 0),
    expectedDeliveries: expected,
    lost,
    duplicated,
    foreign,
    recordsRemaining: remaining,
    usersNotListed: unanswered,
    latencyMs: { p50: round(percentile(latencies, 0.5)), p95: round(percentile(latencies, 0.95)), p99: round(percentile(latencies, 0.99)), max: round(latencies.at(-1) ?? NaN) },
    rssMb: { first5s: round(firstWindow), last5s: round(lastWindow), growth: round(rssGrowthMb), limit: RSS_GROWTH_LIMIT_MB, samples: rss.map((s) => round(s.mb)) },
    stackWarningsAndErrors: problems.map(({ level, msg, count, example }) => ({ level, msg, count, example })),
  };
  const checks = {
    everyNotifyAnswered: answered.length === sent.length,
    noLoss: lost === 0,
    noDuplicate: duplicated === 0,
    noForeign: foreign === 0,
    noRecordLeft: remaining === 0 && unanswered === 0,
    rssFlat: rssGrowthMb <= RSS_GROWTH_LIMIT_MB,
  };
  const passed = Object.values(checks).every(Boolean);
  writeFileSync(join(root, 'bench/load.json'), `${JSON.stringify({ ...result, checks, passed }, null, 2)}\n`);
  console.log(
    [
      `load: ${result.notifiesSent} notifies in ${result.runSeconds} s (${RATE}/s) to ${USERS} users, ${CLIENTS} clients on dev+prod, ${churned} churned`,
      `      ${result.postsDelivered} posts delivered, ${result.postsFailed} failed; expected ${expected} deliveries: lost ${lost}, duplicated ${duplicated}, foreign ${foreign}`,
      `      notify latency p50 ${result.latencyMs.p50} ms, p95 ${result.latencyMs.p95} ms, p99 ${result.latencyMs.p99} ms`,
      `      records left after every client closed: ${remaining}`,
      `      service RSS ${result.rssMb.first5s} MB → ${result.rssMb.last5s} MB (growth ${result.rssMb.growth} MB, limit ${RSS_GROWTH_LIMIT_MB})`,
      `      stack warnings and errors: ${problems.length === 0 ? 'none' : problems.map((p) => `${p.count} × "${p.msg}" (level ${p.level})`).join('; ')}`,
      `load: ${passed ? 'PASSED' : `FAILED (${Object.entries(checks).filter(([, ok]) => !ok).map(([k]) => k).join(', ')})`}; wrote bench/load.json`,
    ].join('\n'),
  );
  process.exit(passed ? 0 : 1);
}

let child: ChildProcess | undefined;

async function startStack(): Promise<{ child: ChildProcess; notifyUrl: string; ws: { dev: string; prod: string }; output: () => string }> {
  const profile = args['cpu-prof-dir'] ? ['--cpu-prof', `--cpu-prof-dir=${args['cpu-prof-dir']}`] : [];
  const started = spawn(process.execPath, [...profile, '--import', 'tsx', 'src/local/local.ts'], {
    cwd: root,
    // One client with one key: the per-key rate limit is not what is measured here.
    env: { ...process.env, PORT: '0', WS_PORT: '0', STORAGE, LOG_LEVEL: 'warn', NOTIFY_API_KEYS: LOCAL_DEFAULTS.apiKey, RATE_LIMIT_PER_MINUTE: '1000000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  started.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  started.stderr?.on('data', (d: Buffer) => process.stderr.write(d));
  const deadline = Date.now() + 90_000;
  while (!out.includes('Stop ')) {
    if (started.exitCode !== null || Date.now() > deadline) throw new Error(`the local stack did not start:\n${out}`);
    await sleep(100);
  }
  const notifyUrl = /Notify REST API\s+(http:\/\/\S+)/.exec(out)?.[1] as string;
  const dev = /WebSocket \[dev\]\s+(ws:\/\/\S+)\?token=/.exec(out)?.[1] as string;
  const prod = /WebSocket \[prod\]\s+(ws:\/\/\S+)\?token=/.exec(out)?.[1] as string;
  return { child: started, notifyUrl, ws: { dev, prod }, output: () => out };
}

/** The stack's warning and error lines (it logs at warn), grouped by message: count and first example. */
function stackProblems(output: string): Array<{ level: number; msg: string; count: number; example: Record<string, unknown> }> {
  const byMsg = new Map<string, { level: number; msg: string; count: number; example: Record<string, unknown> }>();
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    const level = Number(entry.level);
    if (!(level >= 40)) continue;
    const msg = String(entry.msg);
    const seen = byMsg.get(msg);
    if (seen) seen.count += 1;
    else byMsg.set(msg, { level, msg, count: 1, example: entry });
  }
  return [...byMsg.values()].sort((x, y) => y.count - x.count);
}

async function stopStack(stack: ChildProcess): Promise<void> {
  const exited = new Promise<void>((resolve) => stack.once('exit', () => resolve()));
  stack.kill('SIGTERM');
  await Promise.race([exited, sleep(20_000)]);
  if (stack.exitCode === null) stack.kill('SIGKILL');
}

/** Resident set size of a process in MB, from /proc (Linux). */
function rssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]);
    return kb / 1024;
  } catch {
    return NaN;
  }
}

function userIdOf(index: number): string {
  return `load-${String(index).padStart(3, '0')}`;
}

function median(values: number[]): number {
  return percentile([...values].sort((a, b) => a - b), 0.5);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

main().catch((error: unknown) => {
  console.error('load: failed', error);
  child?.kill('SIGKILL');
  process.exit(1);
});
