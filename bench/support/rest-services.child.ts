/**
 * The servers of the REST bench, in one process apart from the load generator: a Fastify hello-world route,
 * and the notify service (its own composition root, configured messenger posting to the sink) twice, with
 * LOG_LEVEL=silent and LOG_LEVEL=info (request logs to stdout, a pipe, as in a container).
 * Env: SINK_PORT, and the service's variables (MESSENGER…).
 */
import 'reflect-metadata';
import Fastify from 'fastify';
import { startNotifyService } from '../../src/app/notify-service.js';
import { composeBenchNotify, seedConnections } from './bench-notify.js';

async function notifyService(logLevel: 'silent' | 'info', sinkPort: number): Promise<string> {
  const { config, container, logger } = composeBenchNotify({ ...process.env, LOG_LEVEL: logLevel });
  const endpoint = { apiId: 'bench1', domainName: `127.0.0.1:${sinkPort}`, stage: 'rest', url: `http://127.0.0.1:${sinkPort}/rest`, region: 'eu-west-1' };
  await seedConnections(container, 'rest-user', endpoint, 1);
  const service = await startNotifyService(config, container, logLevel === 'silent' ? undefined : logger.instance);
  return service.url;
}

async function main(): Promise<void> {
  const sinkPort = Number(process.env.SINK_PORT);
  const hello = Fastify({ logger: false });
  hello.get('/hello', async () => ({ hello: 'world' }));
  await hello.listen({ host: '127.0.0.1', port: 0 });
  const address = hello.server.address();
  const helloUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hello`;
  // `cpu`: this process's CPU time so far, for the REST bench's CPU per request.
  process.on('message', () => process.send?.({ cpu: process.cpuUsage() }));
  process.send?.({ ready: { hello: helloUrl, silent: await notifyService('silent', sinkPort), info: await notifyService('info', sinkPort) } });
}

process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
