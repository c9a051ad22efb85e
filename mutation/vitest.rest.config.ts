import { mutationTestConfig } from './vitest.config.js';

// Left out: the service suites (lifecycle, shutdown: processes and servers, about the composition root) and the
// raw-socket suite (real request and keep-alive timeouts, tens of seconds per run on a busy machine).
export default mutationTestConfig(
  ['test/http/**/*.test.ts'],
  ['test/http/notify-service.*.test.ts', 'test/http/raw-http.test.ts'],
);
