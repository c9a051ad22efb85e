import { defineConfig } from 'vitest/config';
import base from '../vitest.config.js';

/**
 * The tests `npm run mutation` runs against each mutant: the fast ones of one area (domain, messengers or REST
 * adapter). No global setup: none of them needs DynamoDB Local, and a run must fit in a few minutes.
 */
export function mutationTestConfig(include: string[], exclude: string[] = []) {
  // The run's speed settings (no isolation, workers, file order) are left out: Stryker's runner sets its own.
  const { globalSetup: _globalSetup, include: _include, isolate: _isolate, maxWorkers: _maxWorkers, sequence: _sequence, ...shared } = base.test ?? {};
  return defineConfig({
    root: new URL('..', import.meta.url).pathname,
    test: { ...shared, include, exclude: ['**/node_modules/**', ...exclude] },
  });
}

/** All three areas at once: `npx vitest run -c mutation/vitest.config.ts`. */
export default mutationTestConfig(
  [
    'test/domain/**/*.test.ts',
    'test/adapters/api-gateway*.test.ts',
    'test/adapters/signed-http*.test.ts',
    'test/adapters/paced*.test.ts',
    'test/adapters/sigv4*.test.ts',
    'test/adapters/undici*.test.ts',
    'test/http/**/*.test.ts',
  ],
  ['test/http/notify-service.*.test.ts'],
);
