import { mutationTestConfig } from './vitest.config.js';

export default mutationTestConfig(['test/adapters/api-gateway*.test.ts', 'test/adapters/signed-http*.test.ts']);
