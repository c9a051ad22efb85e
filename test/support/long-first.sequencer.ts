import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that take longest, mostly waiting (sockets, child processes, DynamoDB Local, a 30 s run), by path prefix.
 * They start first, so that the short files fill the other worker meanwhile instead of one long file running alone
 * at the end. Vitest already orders by the durations of the last run when it has them (node_modules/.vite); this
 * covers the first run after a clone or `npm ci`, when it would order by file size (bench-smoke, a small file that
 * runs for half a minute, came last).
 */
const LONG_FIRST = [
  'test/bench/',
  'test/e2e/ws-client.e2e',
  'test/e2e/',
  'test/infra/synth-cli',
  'test/infra/production-build',
  'test/clients/package-exports',
  'test/browser/',
];

export class LongFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const path = (file: TestSpecification) => relative(this.ctx.config.root, file.moduleId);
    // With the durations of a complete last run, the base order (failed first, then longest first) is the better one.
    if (sorted.every((file) => this.ctx.cache.getFileTestResults(`${file.project.name}:${path(file)}`))) return sorted;
    const rank = (file: TestSpecification) => {
      const i = LONG_FIRST.findIndex((prefix) => path(file).startsWith(prefix));
      return i === -1 ? LONG_FIRST.length : i;
    };
    // Array.prototype.sort is stable: within a rank, the order of the base sequencer is kept.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
