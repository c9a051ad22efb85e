/**
 * CPU per log line (not part of `npm run bench`), stdout a pipe as in a container:
 *   node --import tsx bench/profile/log-line.profile.ts | cat > /dev/null
 * Prints to stderr: a line of the notify service's pino options, to a synchronous and to a buffered destination,
 * and what a child logger (one per request in Fastify) costs.
 */
import { pino } from 'pino';
import { pinoOptions } from '../../src/adapters/logging/pino.logger.js';

const N = 50_000;
function perLine(name: string, run: (i: number) => void): void {
  for (let i = 0; i < 5_000; i += 1) run(i);
  const samples: number[] = [];
  for (let s = 0; s < 5; s += 1) {
    const cpu = process.cpuUsage();
    for (let i = 0; i < N; i += 1) run(i);
    const used = process.cpuUsage(cpu);
    samples.push((used.user + used.system) / N);
  }
  samples.sort((a, b) => a - b);
  process.stderr.write(`${name}: median ${samples[2]!.toFixed(2)} µs CPU (min ${samples[0]!.toFixed(2)})\n`);
}

const fields = { userId: 'rest-user', bytes: 31, delivered: 1, gone: 0, failed: 0 };
const sync = pino(pinoOptions('info'), pino.destination({ dest: 1, sync: true }));
const buffered = pino(pinoOptions('info'), pino.destination({ dest: 1, sync: false, minLength: 4096 }));
const asyncNow = pino(pinoOptions('info'), pino.destination({ dest: 1, sync: false }));
const plain = pino({ level: 'info' }, pino.destination({ dest: 1, sync: false, minLength: 4096 }));
perLine('line, service options, sync destination', () => sync.info(fields, 'notify finished'));
perLine('line, service options, buffered destination', () => buffered.info(fields, 'notify finished'));
perLine('line, service options, asynchronous destination (minLength 0)', () => asyncNow.info(fields, 'notify finished'));
perLine('line, pino defaults, buffered destination', () => plain.info(fields, 'notify finished'));
perLine('child logger, service options', (i) => buffered.child({ reqId: `req-${i}` }));
perLine('child logger + line, service options, buffered', (i) => buffered.child({ reqId: `req-${i}` }).info(fields, 'notify finished'));
buffered.flush();
