import { interleaved, median, row, type BenchRow } from './support/bench-row.js';
import { startBenchServers } from './support/bench-server.js';
import type { Sink } from './support/sink.js';

export interface RestOptions {
  rounds: number;
  /** Seconds of load per path per round. */
  seconds: number;
  connections: number;
  env: Record<string, string | undefined>;
}

/**
 * `POST /notify` to a user with one connection (configured messenger posting to the sink) against a Fastify
 * hello-world route, with autocannon; and the same notify service with LOG_LEVEL=info against LOG_LEVEL=silent.
 * Each server runs alone in its process (bench/support/server.child.ts), so that none is charged what another
 * turns on for its process.
 */
export async function benchRest(sink: Sink, options: RestOptions): Promise<BenchRow[]> {
  const notify = { ...options.env, ROLE: 'notify', SINK_PORT: String(sink.port), BENCH_USER: 'rest-user' };
  const servers = await startBenchServers({
    hello: { ROLE: 'hello' },
    silent: { ...notify, LOG_LEVEL: 'silent' },
    info: { ...notify, LOG_LEVEL: 'info' },
  });
  /** Each server's CPU per request, by path; the first load of each is the warm-up. */
  const cpu: Record<keyof typeof servers, number[]> = { hello: [], silent: [], info: [] };
  const measured = async (path: keyof typeof servers) => {
    const { perSecond, cpuPerRequest } = await servers[path].load(options);
    cpu[path].push(cpuPerRequest);
    return perSecond;
  };
  try {
    const samples = await interleaved(options.rounds, {
      hello: () => measured('hello'),
      silent: () => measured('silent'),
      info: () => measured('info'),
    });
    const notifySilent = median(samples.silent);
    const warm = (values: number[]) => (values.length > 1 ? values.slice(1) : values);
    const cpuSilent = median(warm(cpu.silent));
    return [
      row('REST: POST /notify', notifySilent, 'req/s', { name: 'hello', value: median(samples.hello) }),
      row('REST: POST /notify, LOG_LEVEL=info', median(samples.info), 'req/s', { name: 'POST /notify, LOG_LEVEL=silent', value: notifySilent }),
      // What a shared machine blurs far less than rates: the server's CPU per request (above 1: that many times the baseline's).
      row('REST: POST /notify, server CPU per request', cpuSilent, 'µs/request', { name: 'hello, server CPU per request', value: median(warm(cpu.hello)) }),
      row('REST: POST /notify, LOG_LEVEL=info, server CPU per request', median(warm(cpu.info)), 'µs/request', { name: 'LOG_LEVEL=silent, server CPU per request', value: cpuSilent }),
    ];
  } finally {
    await Promise.all(Object.values(servers).map((s) => s.stop()));
  }
}
