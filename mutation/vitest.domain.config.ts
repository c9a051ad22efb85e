import { mutationTestConfig } from './vitest.config.js';

export default mutationTestConfig(['test/domain/**/*.test.ts']);
