/** The client libraries stand alone: they import nothing of the service, and the service never imports them. */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/paths.js';

const run = promisify(execFile);
const scratch = mkdtempSync(path.join(tmpdir(), 'socketpost-clients-rule-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs dependency-cruiser with the project's rules over a tiny tree of the given files. */
async function cruise(name: string, files: Record<string, string>): Promise<{ code: number; output: string }> {
  const tree = path.join(scratch, name);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(tree, file)), { recursive: true });
    writeFileSync(path.join(tree, file), content);
  }
  cpSync(path.join(REPO_ROOT, '.dependency-cruiser.cjs'), path.join(tree, '.dependency-cruiser.cjs'));
  writeFileSync(path.join(tree, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } }));
  const depcruise = path.join(REPO_ROOT, 'node_modules/.bin/depcruise');
  return run(depcruise, ['src', '--config', '.dependency-cruiser.cjs'], { cwd: tree }).then(
    (r) => ({ code: 0, output: r.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, output: e.stdout }),
  );
}

describe('the client libraries’ dependency rules', () => {
  it('should fail when a client imports the service’s code', async () => {
    const outcome = await cruise('client-imports-domain', {
      'src/domain/limits.ts': 'export const MAX = 1;\n',
      'src/clients/ws-client.ts': "import { MAX } from '../domain/limits.js';\nexport const max = MAX;\n",
    });
    expect(outcome.code).not.toBe(0);
    expect(outcome.output).toContain('clients-stand-alone');
    expect(outcome.output).toContain('src/clients/ws-client.ts');
  }, 60_000);

  it('should fail when the service imports a client', async () => {
    const outcome = await cruise('app-imports-client', {
      'src/clients/ws-client.ts': 'export const client = 1;\n',
      'src/app/server.ts': "import { client } from '../clients/ws-client.js';\nexport const c = client;\n",
    });
    expect(outcome.code).not.toBe(0);
    expect(outcome.output).toContain('production-not-clients');
    expect(outcome.output).toContain('src/app/server.ts');
  }, 60_000);

  it('should let the local dev kit import a client (to bundle it for the console)', async () => {
    const outcome = await cruise('local-imports-client', {
      'src/clients/ws-client.ts': 'export const client = 1;\n',
      'src/local/bundle.ts': "import { client } from '../clients/ws-client.js';\nexport const c = client;\n",
    });
    expect(outcome).toMatchObject({ code: 0 });
  }, 60_000);
});
