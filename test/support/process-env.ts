/**
 * Puts `process.env` back to `saved` in place (assigning `process.env` a plain object would leave that object,
 * not the real environment, to the next test files of the worker: vitest.config.ts runs them with `isolate: false`).
 */
export function restoreEnv(saved: NodeJS.ProcessEnv): void {
  for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
  Object.assign(process.env, saved);
}
