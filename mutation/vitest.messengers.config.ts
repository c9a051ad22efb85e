import { mutationTestConfig } from './vitest.config.js';

const config = mutationTestConfig(['test/adapters/api-gateway*.test.ts', 'test/adapters/signed-http*.test.ts', 'test/adapters/paced*.test.ts']);

// The two 5,000-socket fan-outs through the emulator are load tests (10 s each, sensitive to a busy machine):
// against every mutant they would cost more than the rest together; `npm test` runs them.
config.test = { ...config.test, testNamePattern: /^(?!.*(?:5,000-socket|storm without pacing))/ };

export default config;
