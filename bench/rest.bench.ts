import autocannon from 'autocannon';
import { BENCH_API_KEY, interleaved, median, row, type BenchRow } from './support/bench-row.js';
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

/** Requests per second autocannon sustains against one route; throws if any answer is not 2xx. */
async function load(url: string, options: RestOptions, post: boolean): Promise<number> {
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.seconds,
    ...(post
      ? {
          method: 'POST' as const,
          headers: { authorization: `Bearer ${BENCH_API_KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ userId: 'rest-user', message: { kind: 'bench', text: 'hello' } }),
        }
      : {}),
  });
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0) throw new Error(`${url}: ${bad} failed requests of ${result.requests.total}`);
  return result.requests.total / options.seconds;
}

/**
 * `POST /notify` to a user with one connection (configured messenger posting to the sink) against a Fastify
 * hello-world route, with autocannon; and the same notify service with LOG_LEVEL=info against LOG_LEVEL=silent.
 */
export async function benchRest(sink: Sink, options: RestOptions): Promise<BenchRow[]> {
  const env: Record<string, string> = { SINK_PORT: String(sink.port) };
  for (const [key, value] of Object.entries(options.env)) if (value !== undefined) env[key] = value;
  const services = await startChild<Urls>('./rest-services.child.ts', env);
  try {
    const { hello, silent, info } = services.ready;
    const samples = await interleaved(options.rounds, {
      hello: () => load(hello, options, false),
      silent: () => load(`${silent}/notify`, options, true),
      info: () => load(`${info}/notify`, options, true),
    });
    const notifySilent = median(samples.silent);
    return [
      row('REST: POST /notify', notifySilent, 'req/s', { name: 'hello', value: median(samples.hello) }),
      row('REST: POST /notify, LOG_LEVEL=info', median(samples.info), 'req/s', { name: 'POST /notify, LOG_LEVEL=silent', value: notifySilent }),
    ];
  } finally {
    await services.stop();
  }
}
