import { mutationTestConfig } from './vitest.config.js';

// The domain's tests, and the message recovery's tests of domain code on in-memory adapters (its config test is
// about src/app).
export default mutationTestConfig(['test/domain/**/*.test.ts', 'test/recovery/*.test.ts'], ['test/recovery/recovery-config.test.ts']);
