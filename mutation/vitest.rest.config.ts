import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { mutationTestConfig } from './vitest.config.js';

/**
 * Most REST mutants are static (schemas and route options, built when the app is): each runs every test until
 * the first failure (Stryker's bail). Running the fast files that read the schemas and the mapper first lets a
 * killed mutant stop after seconds instead of after the slow app-per-test suites. Order only: the same tests
 * run, with the same outcome.
 */
const FIRST = [
  'openapi.documentation.test.ts',
  'openapi.test.ts',
  'http-error.mapper.test.ts',
  'api-key.guard.test.ts',
  'rest-api.response-schemas.test.ts',
  'parity-routes.behaviour.test.ts',
  'parity-routes.test.ts',
];

class FastFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const index = FIRST.findIndex((name) => file.moduleId.endsWith(`/${name}`));
      return index < 0 ? FIRST.length : index;
    };
    return [...files].sort((a, b) => rank(a) - rank(b) || a.moduleId.localeCompare(b.moduleId));
  }
}

// Left out: the service suites (lifecycle, shutdown: processes and servers, about the composition root) and the
// raw-socket suite (real request and keep-alive timeouts, tens of seconds per run on a busy machine).
const config = mutationTestConfig(['test/http/**/*.test.ts'], ['test/http/notify-service.*.test.ts', 'test/http/raw-http.test.ts']);
config.test = { ...config.test, sequence: { ...config.test?.sequence, sequencer: FastFirstSequencer } };

export default config;
