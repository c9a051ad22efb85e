/**
 * The notify service alone in a process (its own composition root, LOG_LEVEL=silent, configured messenger
 * posting to the sink), for the memory bench. Answers `{ rss: true }` over IPC with its RSS in bytes, read after
 * a full GC so that garbage not yet collected does not count as growth. Env: SINK_PORT, service variables.
 */
import 'reflect-metadata';
import { startNotifyService } from '../../src/app/notify-service.js';
import { composeBenchNotify, seedConnections } from './bench-notify.js';

async function main(): Promise<void> {
  const sinkPort = Number(process.env.SINK_PORT);
  const { config, container } = composeBenchNotify({ ...process.env, LOG_LEVEL: 'silent' });
  const endpoint = { apiId: 'bench1', domainName: `127.0.0.1:${sinkPort}`, stage: 'mem', url: `http://127.0.0.1:${sinkPort}/mem`, region: 'eu-west-1' };
  await seedConnections(container, 'mem-user', endpoint, 1);
  const service = await startNotifyService(config, container);
  process.on('message', () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    gc?.();
    process.send?.({ rss: process.memoryUsage().rss });
  });
  process.send?.({ ready: { url: service.url } });
}

process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
