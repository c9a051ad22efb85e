/**
 * CPU per `POST /notify` through the REST app without a network (`app.inject`), the messenger answering
 * `delivered` at once (not part of `npm run bench`): what the HTTP layer and request logging cost, apart from
 * sockets and the post. Lines go to stdout: run with `| cat > /dev/null`; figures are printed on stderr.
 *   node --import tsx bench/profile/inject.profile.ts | cat > /dev/null
 */
import 'reflect-metadata';
import type { FastifyInstance } from 'fastify';
import { loadServerConfig } from '../../src/app/config.js';
import { createContainer } from '../../src/app/container.js';
import { buildApp } from '../../src/app/app.js';
import { parityUseCases } from '../../src/app/parity.container.js';
import { createPinoLogger } from '../../src/adapters/logging/pino.logger.js';
import { CheckReadinessUseCase } from '../../src/domain/use-cases/check-readiness.use-case.js';
import { ListConnectionsUseCase } from '../../src/domain/use-cases/list-connections.use-case.js';
import { NotifyUserUseCase } from '../../src/domain/use-cases/notify-user.use-case.js';
import type { ConnectionMessenger } from '../../src/ports/connection.messenger.js';
import { BENCH_API_KEY } from '../support/bench-row.js';
import { seedConnections } from '../support/bench-notify.js';

const instant: ConnectionMessenger = {
  post: () => Promise.resolve({ status: 'delivered' }),
  getConnection: () => Promise.resolve({ status: 'gone' }),
  deleteConnection: () => Promise.resolve({ status: 'deleted' }),
};

async function appAt(level: 'silent' | 'info'): Promise<FastifyInstance> {
  const config = loadServerConfig({ NOTIFY_API_KEYS: BENCH_API_KEY, STORAGE: 'memory', AWS_REGION: 'eu-west-1', RATE_LIMIT_PER_MINUTE: '0', LOG_LEVEL: level });
  const logger = createPinoLogger({ level, batched: true });
  const container = createContainer(config, { logger, messenger: instant });
  await seedConnections(container, 'u', { apiId: 'a', domainName: 'h', stage: 's', url: 'http://127.0.0.1:1/s', region: 'eu-west-1' }, 1);
  return buildApp({
    useCases: {
      notifyUser: container.resolve(NotifyUserUseCase),
      listConnections: container.resolve(ListConnectionsUseCase),
      checkReadiness: container.resolve(CheckReadinessUseCase),
      parity: parityUseCases(container),
    },
    apiKeys: config.apiKeys,
    rateLimitPerMinute: 0,
    ...(level === 'silent' ? {} : { logger: logger.instance }),
  });
}

const request = {
  method: 'POST' as const,
  url: '/notify',
  headers: { authorization: `Bearer ${BENCH_API_KEY}`, 'content-type': 'application/json' },
  payload: JSON.stringify({ userId: 'u', message: { kind: 'bench', text: 'hello' } }),
};

async function main(): Promise<void> {
  const apps = { silent: await appAt('silent'), info: await appAt('info') };
  const samples: Record<string, number[]> = { silent: [], info: [] };
  const N = 3_000;
  for (let round = 0; round < 8; round += 1) {
    for (const name of (round % 2 ? ['info', 'silent'] : ['silent', 'info']) as Array<'silent' | 'info'>) {
      const cpu = process.cpuUsage();
      for (let i = 0; i < N; i += 1) {
        const res = await apps[name].inject(request);
        if (res.statusCode !== 200) throw new Error(`${name}: ${res.statusCode} ${res.body}`);
      }
      const used = process.cpuUsage(cpu);
      if (round > 0) samples[name]!.push((used.user + used.system) / N);
    }
  }
  for (const [name, values] of Object.entries(samples)) {
    values.sort((a, b) => a - b);
    process.stderr.write(`${name}: median ${values[Math.floor(values.length / 2)]!.toFixed(1)} µs CPU per inject (min ${values[0]!.toFixed(1)})\n`);
  }
}

main().then(() => process.exit(0), (error: unknown) => { console.error(error); process.exit(1); });
