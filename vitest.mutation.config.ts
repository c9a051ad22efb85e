import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// The tests `npm run mutation` runs against each mutant: the fast ones that exercise the domain, the messengers
// and the REST adapter. No global setup: none of them needs DynamoDB Local, and a run must fit in a few minutes.
const { globalSetup: _globalSetup, include: _include, ...shared } = base.test ?? {};

export default defineConfig({
  test: {
    ...shared,
    include: ['test/domain/**/*.test.ts', 'test/adapters/api-gateway*.test.ts', 'test/http/**/*.test.ts'],
    // Starts child processes and DynamoDB-backed services: slow, and about the composition root, not the adapters.
    exclude: ['test/http/notify-service.lifecycle.test.ts'],
  },
});
