/**
 * The deployed service and the local dev kit live apart: `npm run build` (what the Dockerfile runs) emits no
 * file of src/local, and the dependency rule refuses any production import of it.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/paths.js';

const run = promisify(execFile);
const scratch = mkdtempSync(path.join(tmpdir(), 'socketpost-build-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(path.join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
  );
}

describe('the production build', () => {
  it('should emit the service and no file of the local dev kit', async () => {
    const outDir = path.join(scratch, 'dist');
    await run('npm', ['run', '-s', 'build', '--', '--outDir', outDir], { cwd: REPO_ROOT });
    const files = filesUnder(outDir);

    expect(files).toContain('app/server.js');
    expect(files).toContain('adapters/lambda/connect.handler.js');
    expect(files.filter((f) => f.startsWith('local/'))).toEqual([]);
    expect(files.filter((f) => /emulator|dynamodb-local|local-stack/.test(f))).toEqual([]);
  }, 120_000);
});

describe('the dependency rule', () => {
  it('should fail when production code imports the local dev kit', async () => {
    const tree = path.join(scratch, 'tree');
    mkdirSync(path.join(tree, 'src/app'), { recursive: true });
    mkdirSync(path.join(tree, 'src/local'), { recursive: true });
    cpSync(path.join(REPO_ROOT, '.dependency-cruiser.cjs'), path.join(tree, '.dependency-cruiser.cjs'));
    writeFileSync(path.join(tree, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } }));
    writeFileSync(path.join(tree, 'src/local/dev-tool.ts'), 'export const devOnly = 1;\n');
    writeFileSync(path.join(tree, 'src/app/server.ts'), "import { devOnly } from '../local/dev-tool.js';\nexport const port = devOnly;\n");

    const depcruise = path.join(REPO_ROOT, 'node_modules/.bin/depcruise');
    const outcome = await run(depcruise, ['src', '--config', '.dependency-cruiser.cjs'], { cwd: tree }).then(
      (r) => ({ code: 0, output: r.stdout }),
      (e: { code: number; stdout: string }) => ({ code: e.code, output: e.stdout }),
    );

    expect(outcome.code).not.toBe(0);
    expect(outcome.output).toContain('production-not-local');
    expect(outcome.output).toContain('src/app/server.ts');
  }, 60_000);
});
