import { mutationTestConfig } from './vitest.config.js';

// The service lifecycle suite starts child processes and is about the composition root, not the REST adapter.
export default mutationTestConfig(['test/http/**/*.test.ts'], ['test/http/notify-service.lifecycle.test.ts']);
