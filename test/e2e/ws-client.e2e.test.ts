import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { createServerClient, type ServerClient } from '../../src/clients/server-client.js';
import { SocketpostWsClient, type WsCloseEvent, type WsOpenEvent } from '../../src/clients/ws-client.js';
import { useLocalStack } from '../support/local-stack.js';

/**
 * The ws-client against the local stack with API Gateway's limits shortened (idle 2 s, maximum duration 5 s):
 * for 30 s `/notify` sends 10 numbered messages a second while the client's sockets are replaced before the
 * maximum duration and, every 4 s, the service closes the client's socket (`DELETE /connections/:id`).
 */
const SECONDS = 30;
const PER_SECOND = 10;
const TOTAL = SECONDS * PER_SECOND;

const e2e = useLocalStack({
  env: { WS_STAGES: 'dev', STORAGE: 'memory', WS_IDLE_TIMEOUT_MS: '2000', WS_MAX_DURATION_MS: '5000' },
});

interface RunResult {
  received: number[];
  /** Messages whose notify found no open socket of the user at all. */
  sentToNobody: number[];
  opens: WsOpenEvent['reason'][];
  drops: number;
  serverCloses: WsCloseEvent[];
}

async function runFor(userId: string, recovery: boolean): Promise<RunResult> {
  const { stack } = e2e;
  const api: ServerClient = createServerClient({ baseUrl: stack.notify.url, apiKey: stack.config.apiKeys[0]! });
  const received: number[] = [];
  const opens: WsOpenEvent['reason'][] = [];
  const serverCloses: WsCloseEvent[] = [];
  const client = new SocketpostWsClient({
    url: stack.emulator.wsUrl('dev'),
    token: () => stack.token(userId),
    WebSocket: WebSocket,
    recovery,
    heartbeatIntervalMs: 1_000, // under the 2 s idle timeout
    rotateAfterMs: 2_500, // under the 5 s maximum duration
    overlapMs: 500,
    backoff: { initialDelayMs: 300, maxDelayMs: 2_000 },
  });
  client.on('message', (m) => {
    const body = (typeof m.data === 'string' ? JSON.parse(m.data) : m.data) as { n: number };
    received.push(body.n);
  });
  client.on('open', (e) => opens.push(e.reason));
  client.on('reconnecting', (e) => {
    if (e.code !== undefined) serverCloses.push({ code: e.code, reason: e.reason ?? '' });
  });
  await new Promise<void>((resolve) => client.on('open', () => resolve()));

  const userSockets = () => stack.emulator.connections().filter((c) => c.authorizer?.userId === userId);
  let drops = 0;
  // Every 4 s the service closes the client's socket, unless a rotation is under way (two sockets open).
  const dropper = setInterval(() => {
    const sockets = userSockets();
    if (sockets.length !== 1) return;
    drops += 1;
    void api.DELETE('/connections/{connectionId}', { params: { path: { connectionId: sockets[0]!.connectionId } } });
  }, 4_000);

  const sentToNobody: number[] = [];
  const started = Date.now();
  try {
    for (let n = 1; n <= TOTAL; n++) {
      const due = started + ((n - 1) * 1_000) / PER_SECOND;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      const { data, error } = await api.POST('/notify', { body: { userId, message: { n } } });
      if (error) throw new Error(`notify ${n} failed: ${JSON.stringify(error)}`);
      if (data && 'delivered' in data && data.delivered + data.failed === 0) sentToNobody.push(n);
    }
  } finally {
    clearInterval(dropper);
  }
  // Let the last messages (and a replay, with recovery) arrive.
  const settleUntil = Date.now() + 5_000;
  while (Date.now() < settleUntil && !received.includes(TOTAL)) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 500));
  client.close();
  return { received, sentToNobody, opens, drops, serverCloses };
}

function duplicatesOf(values: number[]): number[] {
  const seen = new Set<number>();
  return values.filter((v) => (seen.has(v) ? true : (seen.add(v), false)));
}

// The two runs use different users and go side by side, so the file takes 30 s rather than 60.
describe.concurrent('the ws-client across 30 s of forced reconnects (local stack, idle 2 s, maximum duration 5 s)', () => {
  it(
    'should, with recovery off, deliver each message at most once and in order, and lose what was sent while no socket was open',
    async () => {
      const run = await runFor('e2e-plain', false);
      const lost = Array.from({ length: TOTAL }, (_, i) => i + 1).filter((n) => !run.received.includes(n));
      console.log(
        `ws-client e2e, recovery off: ${run.received.length} of ${TOTAL} received, ${lost.length} lost (${run.sentToNobody.length} sent while no socket was recorded), ` +
          `${run.drops} forced drops, opens: ${JSON.stringify(countBy(run.opens))}`,
      );

      expect(duplicatesOf(run.received)).toEqual([]);
      expect(run.received).toEqual([...run.received].sort((a, b) => a - b));
      // The client replaced its sockets before the 5 s limit (rotations) and came back after each forced drop.
      expect(run.opens.filter((r) => r === 'rotation').length).toBeGreaterThanOrEqual(3);
      expect(run.drops).toBeGreaterThanOrEqual(3);
      expect(run.opens.filter((r) => r === 'reconnect').length).toBeGreaterThanOrEqual(run.drops);
      // What a drop costs without recovery: the messages sent while the client was reconnecting never arrive.
      expect(lost.length).toBeGreaterThan(0);
      for (const n of run.sentToNobody) expect(run.received).not.toContain(n);
    },
    120_000,
  );

  it(
    'should, with recovery on, deliver every message exactly once and in order',
    async () => {
      const run = await runFor('e2e-recovery', true);
      console.log(
        `ws-client e2e, recovery on: ${new Set(run.received).size} of ${TOTAL} received (${run.sentToNobody.length} sent while no socket was recorded, replayed), ` +
          `${run.drops} forced drops, opens: ${JSON.stringify(countBy(run.opens))}`,
      );

      expect(run.received).toEqual(Array.from({ length: TOTAL }, (_, i) => i + 1));
      expect(run.opens.filter((r) => r === 'rotation').length).toBeGreaterThanOrEqual(3);
      expect(run.drops).toBeGreaterThanOrEqual(3);
      // The drops cost something on the wire (nothing was recorded for these messages) but nothing in the application.
      expect(run.sentToNobody.length).toBeGreaterThan(0);
    },
    120_000,
  );
});

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}
