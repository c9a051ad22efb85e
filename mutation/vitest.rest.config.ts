import { mutationTestConfig } from './vitest.config.js';

// The service suites (lifecycle, shutdown) start processes and servers: they are about the composition root.
export default mutationTestConfig(['test/http/**/*.test.ts'], ['test/http/notify-service.*.test.ts']);
