import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'cdk.out/**', 'node_modules/**', 'coverage/**', '.stryker-tmp/**', 'reports/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['error'] }],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through src/app/config.ts only (the local kit: src/local/local-stack.config.ts).' },
      ],
    },
  },
  {
    // The console's browser scripts (served by the local stack, run in the page).
    files: ['src/local/console/assets/**/*.js'],
    languageOptions: {
      globals: { document: 'readonly', window: 'readonly', fetch: 'readonly', URL: 'readonly', WebSocket: 'readonly' },
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
  {
    files: ['src/app/config.ts', 'src/local/local-stack.config.ts', 'test/**', 'infra/**', 'bench/**', 'vitest.config.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['src/local/local.ts', 'src/app/server.ts', 'src/local/token.ts', 'src/local/post.ts', 'bench/**', 'infra/**', 'test/**'],
    rules: { 'no-console': 'off' },
  },
);
