import { loadRoute } from './support/autocannon-load.js';
import { interleaved, median, row, type BenchRow } from './support/bench-row.js';
import { startChild } from './support/child-process.js';
import type { Sink } from './support/sink.js';

export interface RestOptions {
  rounds: number;
  /** Seconds of load per path per round. */
  seconds: number;
  connections: number;
  env: Record<string, string | undefined>;
}

interface Urls {
  hello: string;
  silent: string;
  info: string;
}

/**
 * `POST /notify` to a user with one connection (configured messenger posting to the sink) against a Fastify
 * hello-world route, with autocannon; and the same notify service with LOG_LEVEL=info against LOG_LEVEL=silent.
 */
export async function benchRest(sink: Sink, options: RestOptions): Promise<BenchRow[]> {
  const env: Record<string, string> = { SINK_PORT: String(sink.port) };
  for (const [key, value] of Object.entries(options.env)) if (value !== undefined) env[key] = value;
  const services = await startChild<Urls>('./rest-services.child.ts', env);
  /** The servers' process's CPU time (user + system) per request of each load, by path; the first is the warm-up. */
  const cpu: Record<keyof Urls, number[]> = { hello: [], silent: [], info: [] };
  const serverCpu = async () => {
    const { user, system } = (await services.ask<{ cpu: NodeJS.CpuUsage }>('cpu')).cpu;
    return user + system;
  };
  const measured = async (path: keyof Urls, url: string, post: boolean) => {
    const before = await serverCpu();
    const { perSecond, total } = await loadRoute(url, options, post ? 'rest-user' : undefined);
    cpu[path].push(((await serverCpu()) - before) / total);
    return perSecond;
  };
  try {
    const { hello, silent, info } = services.ready;
    const samples = await interleaved(options.rounds, {
      hello: () => measured('hello', hello, false),
      silent: () => measured('silent', `${silent}/notify`, true),
      info: () => measured('info', `${info}/notify`, true),
    });
    const notifySilent = median(samples.silent);
    const warm = (values: number[]) => (values.length > 1 ? values.slice(1) : values);
    const cpuSilent = median(warm(cpu.silent));
    return [
      row('REST: POST /notify', notifySilent, 'req/s', { name: 'hello', value: median(samples.hello) }),
      row('REST: POST /notify, LOG_LEVEL=info', median(samples.info), 'req/s', { name: 'POST /notify, LOG_LEVEL=silent', value: notifySilent }),
      // What a shared machine blurs far less than rates: the servers' CPU per request (above 1: that many times the baseline's).
      row('REST: POST /notify, server CPU per request', cpuSilent, 'µs/request', { name: 'hello, server CPU per request', value: median(warm(cpu.hello)) }),
      row('REST: POST /notify, LOG_LEVEL=info, server CPU per request', median(warm(cpu.info)), 'µs/request', { name: 'LOG_LEVEL=silent, server CPU per request', value: cpuSilent }),
    ];
  } finally {
    await services.stop();
  }
}
