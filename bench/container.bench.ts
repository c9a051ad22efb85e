import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../infra/paths.js';
import { row, type BenchRow } from './support/bench-row.js';

const run = promisify(execFile);
const TARGET_MB = 70;

async function duMb(dir: string): Promise<number> {
  const { stdout } = await run('du', ['-sk', dir]);
  return Number(stdout.split(/\s+/)[0]) / 1024;
}

/**
 * The production install the Dockerfile makes (`npm ci --omit=dev --ignore-scripts` of package.json and the lock
 * file in an empty directory), in MB on disk, against the target. `estimate` (smoke runs) sums the installed
 * production packages of this checkout instead of installing them again.
 */
export async function benchContainer({ estimate }: { estimate: boolean }): Promise<BenchRow[]> {
  let mb: number;
  if (estimate) {
    const { stdout } = await run('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 }).catch(
      (error: { stdout: string }) => ({ stdout: error.stdout }),
    );
    const dirs = [...new Set(stdout.split('\n').filter((d) => d.includes(`${path.sep}node_modules${path.sep}`)))];
    const { stdout: du } = await run('du', ['-skc', ...dirs], { maxBuffer: 16 * 1024 * 1024 });
    mb = Number(/(\d+)\s+total\s*$/.exec(du)?.[1] ?? Number.NaN) / 1024;
  } else {
    const dir = mkdtempSync(path.join(tmpdir(), 'socketpost-prod-install-'));
    try {
      for (const file of ['package.json', 'package-lock.json']) copyFileSync(path.join(REPO_ROOT, file), path.join(dir, file));
      await run('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
      mb = await duMb(path.join(dir, 'node_modules'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return [row('container: production install', mb, 'MB', { name: 'target', value: TARGET_MB })];
}
