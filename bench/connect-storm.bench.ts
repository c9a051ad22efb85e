import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { loadLocalStackConfig } from '../src/local/local-stack.config.js';
import { startLocalStack } from '../src/local/local-stack.js';
import { median, percentile, row, type BenchRow } from './support/bench-row.js';

export interface ConnectStormOptions {
  sockets: number;
  /** The sockets' openings are spread evenly over this window. */
  windowMs: number;
  rounds: number;
  /** DynamoDB Local to use; the bench starts its own when absent. */
  dynamoDbEndpoint?: string;
}

interface StormRound {
  opened: number;
  handshakeMs: number[];
}

/** Opens `sockets` sockets spread over the window, each with its own token; resolves once all opened or failed. */
async function storm(url: string, tokens: string[], windowMs: number): Promise<{ round: StormRound; sockets: WebSocket[] }> {
  const sockets: WebSocket[] = [];
  const handshakeMs: number[] = [];
  const gap = windowMs / tokens.length;
  const started = performance.now();
  const attempts = tokens.map(
    (token, i) =>
      new Promise<void>((resolve) => {
        setTimeout(() => {
          const opening = performance.now();
          const ws = new WebSocket(`${url}?token=${encodeURIComponent(token)}`);
          sockets.push(ws);
          ws.once('open', () => {
            handshakeMs.push(performance.now() - opening);
            resolve();
          });
          ws.once('error', () => resolve());
          ws.once('unexpected-response', () => resolve());
        }, Math.max(0, started + i * gap - performance.now()));
      }),
  );
  await Promise.all(attempts);
  return { round: { opened: handshakeMs.length, handshakeMs }, sockets };
}

async function closeAll(sockets: WebSocket[]): Promise<void> {
  await Promise.all(
    sockets.map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === WebSocket.CLOSED) return resolve();
          ws.once('close', () => resolve());
          ws.close(1000);
        }),
    ),
  );
}

/**
 * `sockets` WebSocket handshakes within one window through the emulator, the real authorizer and connect
 * handler, recording each connection in DynamoDB Local: successes and p50/p99 handshake time.
 */
export async function benchConnectStorm(options: ConnectStormOptions): Promise<BenchRow[]> {
  const config = loadLocalStackConfig({
    STORAGE: 'dynamodb',
    TABLE_NAME: `bench-storm-${Date.now()}`,
    LOG_LEVEL: 'silent',
    PORT: '0',
    WS_PORT: '0',
    WS_STAGES: 'bench',
    ...(options.dynamoDbEndpoint ? { DYNAMODB_ENDPOINT: options.dynamoDbEndpoint } : {}),
  });
  const stack = await startLocalStack(config);
  try {
    const url = stack.emulator.wsUrl('bench');
    const tokens = await Promise.all(Array.from({ length: options.sockets }, (_, i) => stack.token(`storm-user-${i % 50}`)));
    const rounds: StormRound[] = [];
    for (let r = 0; r <= options.rounds; r += 1) {
      const { round, sockets } = await storm(url, tokens, options.windowMs);
      await closeAll(sockets);
      if (r > 0) rounds.push(round);
    }
    const attempted = { name: 'sockets attempted', value: options.sockets };
    return [
      row('connect storm: successes (worst round)', Math.min(...rounds.map((r) => r.opened)), 'connects', attempted),
      row('connect storm: handshake p50', median(rounds.map((r) => percentile(r.handshakeMs, 50))), 'ms'),
      row('connect storm: handshake p99', median(rounds.map((r) => percentile(r.handshakeMs, 99))), 'ms'),
    ];
  } finally {
    await stack.stop();
  }
}
