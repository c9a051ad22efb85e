/**
 * The deployed service and the local dev kit live apart: `npm run build` (what the Dockerfile runs) emits no
 * file of src/local, and the dependency rule refuses any production import of it.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
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

/** The package a bare specifier names (`@scope/name/sub` → `@scope/name`); undefined for relative paths and built-ins. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  return builtinModules.includes(name) ? undefined : name;
}

/** Every module specifier a compiled ES module loads: static imports and re-exports, side-effect imports, import(). */
function specifiersOf(code: string): string[] {
  const found: string[] = [];
  for (const pattern of [/\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g, /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g]) {
    for (const match of code.matchAll(pattern)) found.push(match[1]!);
  }
  return found;
}

describe('the production build', () => {
  const outDir = path.join(scratch, 'dist');
  let built: Promise<string[]> | undefined;
  const build = () => (built ??= run('npm', ['run', '-s', 'build', '--', '--outDir', outDir], { cwd: REPO_ROOT }).then(() => filesUnder(outDir)));

  it('should emit the service and no file of the local dev kit', async () => {
    const files = await build();

    expect(files).toContain('app/server.js');
    expect(files).toContain('adapters/lambda/connect.handler.js');
    expect(files.filter((f) => f.startsWith('local/'))).toEqual([]);
    expect(files.filter((f) => /emulator|dynamodb-local|local-stack/.test(f))).toEqual([]);
  }, 120_000);

  it('should load only packages listed in dependencies, which is all `npm ci --omit=dev` installs', async () => {
    const files = (await build()).filter((f) => f.endsWith('.js'));
    const { dependencies = {} } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    const missing = new Set<string>();
    const used = new Set<string>();
    for (const file of files) {
      for (const specifier of specifiersOf(readFileSync(path.join(outDir, file), 'utf8'))) {
        const name = packageOf(specifier);
        if (!name) continue;
        used.add(name);
        if (!(name in dependencies)) missing.add(`${name} (imported by dist/${file})`);
      }
    }
    expect(used.size, 'the scan found the service’s packages').toBeGreaterThan(5);
    expect(used).toContain('fastify');
    expect([...missing]).toEqual([]);
  }, 120_000);

  it('should keep infrastructure and local-only libraries out of dependencies', () => {
    const { dependencies = {} } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    for (const devOnly of ['aws-cdk-lib', 'constructs', 'aws-cdk', 'ws', 'esbuild']) expect(Object.keys(dependencies)).not.toContain(devOnly);
  });
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
