/**
 * The servers of the metrics-cost bench, in one process apart from the load generator: the notify service (its
 * own composition root, configured messenger posting to the sink, LOG_LEVEL=silent) with METRICS=on and with
 * METRICS=off, and a Fastify hello-world route with and without the request-correlation hooks.
 * Env: SINK_PORT, and the service's variables (MESSENGER…).
 */
import 'reflect-metadata';
import Fastify, { type FastifyInstance } from 'fastify';
import { installCorrelation, installReportRequestId, requestIdOf } from '../../src/adapters/http/correlation.js';
import { startNotifyService } from '../../src/app/notify-service.js';
import { composeBenchNotify, seedConnections } from './bench-notify.js';

async function notifyService(metrics: 'on' | 'off', sinkPort: number): Promise<string> {
  const { config, container } = composeBenchNotify({ ...process.env, LOG_LEVEL: 'silent', METRICS: metrics });
  const endpoint = { apiId: 'bench1', domainName: `127.0.0.1:${sinkPort}`, stage: 'metrics', url: `http://127.0.0.1:${sinkPort}/metrics`, region: 'eu-west-1' };
  await seedConnections(container, 'metrics-user', endpoint, 1);
  return (await startNotifyService(config, container)).url;
}

async function hello(correlated: boolean): Promise<string> {
  const app: FastifyInstance = Fastify({ logger: false, ...(correlated ? { genReqId: requestIdOf } : {}) });
  if (correlated) {
    installCorrelation(app);
    installReportRequestId(app);
  }
  app.get('/hello', async () => ({ hello: 'world' }));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/hello`;
}

async function main(): Promise<void> {
  const sinkPort = Number(process.env.SINK_PORT);
  process.send?.({
    ready: {
      on: await notifyService('on', sinkPort),
      off: await notifyService('off', sinkPort),
      hello: await hello(false),
      correlated: await hello(true),
    },
  });
}

process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
