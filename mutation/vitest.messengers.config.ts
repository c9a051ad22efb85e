import { mutationTestConfig } from './vitest.config.js';

// Every test of src/adapters/api-gateway: its messengers, the pacing, the outcome mapping, credentials, the signer
// and the undici exchange.
const config = mutationTestConfig([
  'test/adapters/api-gateway*.test.ts',
  'test/adapters/signed-http*.test.ts',
  'test/adapters/paced*.test.ts',
  'test/adapters/sigv4*.test.ts',
  'test/adapters/undici*.test.ts',
]);

// The two 5,000-socket fan-outs through the emulator are load tests (10 s each, sensitive to a busy machine):
// against every mutant they would cost more than the rest together; `npm test` runs them.
config.test = { ...config.test, testNamePattern: /^(?!.*(?:5,000-socket|storm without pacing))/ };

export default config;
