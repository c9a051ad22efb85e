/**
 * CPU per call of the layers above the network (not part of `npm run bench`): the paced messenger and the
 * notify use case over a messenger that answers `delivered` at once, to 1,000 in-memory connections.
 *   node --import tsx bench/profile/overhead.profile.ts
 */
import 'reflect-metadata';
import { PacedConnectionMessenger } from '../../src/adapters/api-gateway/paced-connection.messenger.js';
import { InMemoryConnectionRepository } from '../../src/adapters/memory/in-memory-connection.repository.js';
import { SystemClock } from '../../src/adapters/system/system.clock.js';
import { mapWithConcurrency } from '../../src/domain/shared/map-with-concurrency.js';
import { NotifyUserUseCase } from '../../src/domain/use-cases/notify-user.use-case.js';
import type { ConnectionMessenger } from '../../src/ports/connection.messenger.js';
import type { Logger } from '../../src/ports/logger.js';

const N = 1_000;
const instant: ConnectionMessenger = {
  post: () => Promise.resolve({ status: 'delivered' }),
  getConnection: () => Promise.resolve({ status: 'gone' }),
  deleteConnection: () => Promise.resolve({ status: 'deleted' }),
};
const silent: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, child: () => silent };
const endpoint = { apiId: 'a', domainName: 'h', stage: 's', url: 'http://127.0.0.1:1/s', region: 'eu-west-1' };
const data = new TextEncoder().encode('x');
const ids = Array.from({ length: N }, (_, i) => `c-${i}`);

async function perCall(name: string, rounds: number, run: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 20; i += 1) await run();
  const samples: number[] = [];
  for (let s = 0; s < 7; s += 1) {
    const cpu = process.cpuUsage();
    for (let i = 0; i < rounds; i += 1) await run();
    const used = process.cpuUsage(cpu);
    samples.push((used.user + used.system) / (rounds * N));
  }
  samples.sort((a, b) => a - b);
  console.log(`${name}: median ${samples[3]!.toFixed(2)} µs CPU per connection (min ${samples[0]!.toFixed(2)})`);
}

async function main(): Promise<void> {
  const repository = new InMemoryConnectionRepository();
  const now = Date.now();
  for (const id of ids) await repository.save({ connectionId: id, userId: 'u', endpoint, connectedAt: now, expiresAt: Math.floor(now / 1000) + 7_200 });
  const paced = new PacedConnectionMessenger(instant);
  const notifyBare = new NotifyUserUseCase(repository, instant, new SystemClock(), silent);
  const notifyPaced = new NotifyUserUseCase(repository, paced, new SystemClock(), silent);
  await perCall('bare messenger, 32 at once', 50, () => mapWithConcurrency(ids, 32, (id) => instant.post(endpoint, id, data)));
  await perCall('paced messenger, 32 at once', 50, () => mapWithConcurrency(ids, 32, (id) => paced.post(endpoint, id, data)));
  await perCall('findByUser (in-memory)', 50, () => repository.findByUser('u'));
  await perCall('notify, bare messenger', 50, () => notifyBare.execute({ userId: 'u', message: { a: 1 } }));
  await perCall('notify, paced messenger', 50, () => notifyPaced.execute({ userId: 'u', message: { a: 1 } }));
}

main().then(() => process.exit(0), (error: unknown) => { console.error(error); process.exit(1); });
