import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { HANDLERS } from '../infra/paths.js';
import { bundleHandler } from '../test/support/lambda-bundle.js';
import { interleaved, median, row, type BenchRow } from './support/bench-row.js';

const run = promisify(execFile);
const BARE = fileURLToPath(new URL('./support/bare-put.handler.ts', import.meta.url));

/** Milliseconds a fresh Node process takes to import a bundle (what a Lambda cold start pays before the handler runs). */
async function importMs(file: string): Promise<number> {
  const probe = `const t = performance.now(); await import(${JSON.stringify(file)}); process.stdout.write(String(performance.now() - t));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', probe], {
    env: { ...process.env, AWS_REGION: 'eu-west-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  return Number(stdout);
}

/**
 * Each handler's esbuild bundle (built as infra builds it) against a bare handler making one DynamoDB
 * PutCommand: bundle size, and import time in a fresh process, interleaved round by round.
 */
export async function benchColdStart({ rounds }: { rounds: number }): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'socketpost-cold-'));
  try {
    const entries: Record<string, string> = { ...HANDLERS, bare: BARE };
    const files: Record<string, string> = {};
    const bytes: Record<string, number> = {};
    for (const [name, entry] of Object.entries(entries)) {
      const bundle = await bundleHandler(entry);
      files[name] = path.join(dir, `${name}.mjs`);
      bytes[name] = bundle.bytes;
      writeFileSync(files[name], bundle.code);
    }
    const samples = await interleaved(
      rounds,
      Object.fromEntries(Object.entries(files).map(([name, file]) => [name, () => importMs(file)])) as Record<string, () => Promise<number>>,
    );
    const bare = { kb: bytes.bare! / 1024, ms: median(samples.bare!) };
    return Object.keys(HANDLERS).flatMap((name) => [
      row(`cold start: ${name} bundle`, bytes[name]! / 1024, 'KB', { name: 'bare PutCommand', value: bare.kb }),
      row(`cold start: ${name} import`, median(samples[name]!), 'ms', { name: 'bare PutCommand', value: bare.ms }),
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
