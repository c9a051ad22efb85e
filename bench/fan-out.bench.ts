import { performance } from 'node:perf_hooks';
import { ApiGatewayConnectionMessenger } from '../src/adapters/api-gateway/api-gateway-connection.messenger.js';
import { SystemClock } from '../src/adapters/system/system.clock.js';
import { InMemoryConnectionRepository } from '../src/adapters/memory/in-memory-connection.repository.js';
import { NotifyUserUseCase } from '../src/domain/use-cases/notify-user.use-case.js';
import type { Logger } from '../src/ports/logger.js';
import type { FakeManagementApi } from '../test/support/fake-management-api.js';
import { BENCH_CREDENTIALS, loopbackEndpoint } from './client-reuse.bench.js';

export interface FanOutRun {
  concurrency: number;
  ms: number;
  delivered: number;
}

export interface FanOutResult {
  connections: number;
  delayMs: number;
  runs: FanOutRun[];
  /** time at concurrency 1 / time at the highest concurrency */
  ratio: number;
}

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quiet };

/** Notifies one user with `connections` sockets while the fake API takes `delayMs` per post. */
export async function benchFanOut(
  api: FakeManagementApi,
  { connections = 200, delayMs = 10, concurrencies = [1, 32] }: { connections?: number; delayMs?: number; concurrencies?: number[] } = {},
): Promise<FanOutResult> {
  api.setDefaultBehaviour({ status: 200, delayMs });
  const endpoint = loopbackEndpoint(api, 'fanout');
  const clock = new SystemClock();
  const repository = new InMemoryConnectionRepository();
  const expiresAt = Math.floor(clock.now() / 1000) + 7_200;
  for (let i = 0; i < connections; i += 1) {
    await repository.save({ connectionId: `fan-${i}`, userId: 'bench-user', endpoint, connectedAt: clock.now(), expiresAt });
  }

  const messenger = new ApiGatewayConnectionMessenger({ credentials: BENCH_CREDENTIALS });
  const runs: FanOutRun[] = [];
  try {
    // Warm-up opens the keep-alive sockets once, for both runs alike.
    await messenger.post(endpoint, 'warm-up', new TextEncoder().encode('x'));
    for (const concurrency of concurrencies) {
      const notify = new NotifyUserUseCase(repository, messenger, clock, quiet, { concurrency });
      const started = performance.now();
      const report = await notify.execute({ userId: 'bench-user', message: { kind: 'bench' } });
      runs.push({ concurrency, ms: performance.now() - started, delivered: report.delivered });
    }
  } finally {
    messenger.close();
    api.setDefaultBehaviour({ status: 200 });
  }

  const slowest = runs.find((r) => r.concurrency === Math.min(...concurrencies));
  const fastest = runs.find((r) => r.concurrency === Math.max(...concurrencies));
  return { connections, delayMs, runs, ratio: slowest && fastest ? slowest.ms / fastest.ms : Number.NaN };
}
