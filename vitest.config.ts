import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { LongFirstSequencer } from './test/support/long-first.sequencer.js';

// The SDK's notice that it will need Node 22 from 2027 would repeat in every worker and in the global setup.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    // The default is one worker per core but one: a single worker on 2 cores, which runs the long files (mostly
    // waiting on sockets, child processes and DynamoDB Local) one after the other. Three at least: on 2 cores,
    // with the durations of a last run, 2 workers took 144 s and 3 took 129 and 135 s.
    maxWorkers: Math.max(3, availableParallelism() - 1),
    // The files of a worker share its modules instead of each importing the SDK, Fastify and the rest again (the
    // "import" part of the run fell from ≈ 58 s to ≈ 10 s). Each file still runs alone in its worker; the files that
    // need fresh modules (the Lambda entry points, composed once from process.env) reset them (vi.resetModules).
    isolate: false,
    sequence: { sequencer: LongFirstSequencer },
    testTimeout: 20_000,
    hookTimeout: 60_000,
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['reflect-metadata'],
  },
});
