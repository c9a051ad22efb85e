/**
 * One server of the REST and metrics benches, alone in its process, so that what a server turns on for its whole
 * process (the async-context hooks of request correlation, prom-client's collectors) is charged to it and to no
 * baseline measured beside it. Answers any IPC message with `{ cpu }`, its CPU time so far.
 *   ROLE=hello       a Fastify hello-world route (CORRELATED=1: with the request-correlation hooks)
 *   ROLE=notify      the notify service (its own composition root, the service variables of the env: LOG_LEVEL,
 *                    METRICS, MESSENGER…), one connection of BENCH_USER on the sink at SINK_PORT; request lines
 *                    go to stdout, a pipe, as in a container
 * Reports `{ ready: { url } }`: the route to load (`…/hello`, or the service's `…/notify`).
 */
import 'reflect-metadata';
import Fastify from 'fastify';
import { installCorrelation, requestIdOf } from '../../src/adapters/http/correlation.js';
import { startNotifyService } from '../../src/app/notify-service.js';
import { composeBenchNotify, seedConnections } from './bench-notify.js';

async function hello(correlated: boolean): Promise<string> {
  const app = Fastify({ logger: false, ...(correlated ? { genReqId: requestIdOf } : {}) });
  if (correlated) installCorrelation(app);
  app.get('/hello', async () => ({ hello: 'world' }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hello`;
}

async function notify(): Promise<string> {
  const sinkPort = Number(process.env.SINK_PORT);
  const { config, container, logger } = composeBenchNotify({ ...process.env });
  const stage = 'bench';
  const endpoint = { apiId: 'bench1', domainName: `127.0.0.1:${sinkPort}`, stage, url: `http://127.0.0.1:${sinkPort}/${stage}`, region: 'eu-west-1' };
  await seedConnections(container, process.env.BENCH_USER ?? 'bench-user', endpoint, 1);
  const service = await startNotifyService(config, container, config.logLevel === 'silent' ? undefined : logger.instance);
  return `${service.url}/notify`;
}

async function main(): Promise<void> {
  const role = process.env.ROLE;
  if (role !== 'hello' && role !== 'notify') throw new Error(`ROLE must be hello or notify, not ${String(role)}`);
  const url = role === 'hello' ? await hello(process.env.CORRELATED === '1') : await notify();
  process.on('message', () => process.send?.({ cpu: process.cpuUsage() }));
  process.send?.({ ready: { url } });
}

process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
