import { Writable } from 'node:stream';
import { createPinoLogger } from '../src/adapters/logging/pino.logger.js';
import { createRequestContext, runWithRequestContext } from '../src/adapters/observability/request-context.js';
import { interleaved, median, row, type BenchRow } from './support/bench-row.js';
import { startBenchServers } from './support/bench-server.js';
import type { Sink } from './support/sink.js';

export interface MetricsCostOptions {
  rounds: number;
  /** Seconds of load per path per round. */
  seconds: number;
  connections: number;
  /** Log lines written per path per round by the logging micro-benchmark. */
  lines: number;
  env: Record<string, string | undefined>;
}

/** Microseconds per info line of the real logger (to a stream that drops it), inside a request context or not. */
async function logLineMicros(lines: number, inContext: boolean): Promise<number> {
  const sink = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  const logger = createPinoLogger({ level: 'info', destination: sink });
  const write = () => {
    const started = process.hrtime.bigint();
    for (let i = 0; i < lines; i += 1) logger.info('post forbidden', { connectionId: 'L0SM9cOFvHcCIhw=', endpoint: 'https://a1.execute-api.eu-west-1.amazonaws.com/dev' });
    return Number(process.hrtime.bigint() - started) / 1_000 / lines;
  };
  return inContext ? runWithRequestContext(createRequestContext('7f3e2a1c-9b0d-4e55-8c1a-2d6f0b9e4a31', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'), write) : write();
}

/**
 * What metrics and request correlation cost: `POST /notify` with METRICS=on against METRICS=off (the same service,
 * LOG_LEVEL=silent, interleaved round by round); a hello-world route with the correlation hooks against without
 * (the hooks' cost where it weighs most); and one log line in a request context (requestId and traceId added by the
 * logger's mixin) against one outside. Each server runs alone in its process: prom-client's collectors and the
 * async-context hooks of correlation work process-wide, and would otherwise be charged to the baselines too.
 */
export async function benchMetricsCost(sink: Sink, options: MetricsCostOptions): Promise<BenchRow[]> {
  const notify = { ...options.env, ROLE: 'notify', LOG_LEVEL: 'silent', SINK_PORT: String(sink.port), BENCH_USER: 'metrics-user' };
  const servers = await startBenchServers({
    on: { ...notify, METRICS: 'on' },
    off: { ...notify, METRICS: 'off' },
    hello: { ROLE: 'hello' },
    correlated: { ROLE: 'hello', CORRELATED: '1' },
  });
  const load = async (name: keyof typeof servers) => (await servers[name].load(options)).perSecond;
  try {
    const samples = await interleaved(options.rounds, {
      on: () => load('on'),
      off: () => load('off'),
      hello: () => load('hello'),
      correlated: () => load('correlated'),
      lineInContext: () => logLineMicros(options.lines, true),
      lineOutside: () => logLineMicros(options.lines, false),
    });
    return [
      row('metrics: POST /notify, METRICS=on', median(samples.on), 'req/s', { name: 'POST /notify, METRICS=off', value: median(samples.off) }),
      row('metrics: hello route, correlation hooks', median(samples.correlated), 'req/s', { name: 'hello route without', value: median(samples.hello) }),
      row('metrics: info log line with requestId', median(samples.lineInContext), 'µs/line', { name: 'outside a request', value: median(samples.lineOutside) }),
    ];
  } finally {
    await Promise.all(Object.values(servers).map((s) => s.stop()));
  }
}
