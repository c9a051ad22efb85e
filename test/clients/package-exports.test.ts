/** `socketpost/client`, `socketpost/ws-client` and the root export resolve from the production build, with types. */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/paths.js';

const run = promisify(execFile);
const pkg = mkdtempSync(path.join(tmpdir(), 'socketpost-exports-'));
afterAll(() => rmSync(pkg, { recursive: true, force: true }));

type Exports = Record<string, string | { types: string; default: string }>;

describe('the package exports', () => {
  it('should load the server client, the WebSocket client and the root export by name, each with its types', async () => {
    copyFileSync(path.join(REPO_ROOT, 'package.json'), path.join(pkg, 'package.json'));
    symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(pkg, 'node_modules'), 'dir');
    await run('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', path.join(pkg, 'dist')], { cwd: REPO_ROOT });

    const exportsField = (JSON.parse(readFileSync(path.join(pkg, 'package.json'), 'utf8')) as { exports: Exports }).exports;
    for (const name of ['.', './client', './ws-client']) {
      const target = exportsField[name];
      expect(target, name).toBeTypeOf('object');
      const { types, default: js } = target as { types: string; default: string };
      expect(existsSync(path.join(pkg, types)), `${name} types ${types}`).toBe(true);
      expect(existsSync(path.join(pkg, js)), `${name} code ${js}`).toBe(true);
    }
    // A package may import itself by name: the same resolution a dependent service gets.
    const script = [
      "const ws = await import('socketpost/ws-client');",
      "const client = await import('socketpost/client');",
      // The root export is the notify service's programmatic entry; like server.ts, it needs the reflect polyfill first.
      "await import('reflect-metadata');",
      "const root = await import('socketpost');",
      'console.log(JSON.stringify([typeof ws.SocketpostWsClient, ws.RECOVERY_SUBPROTOCOL, typeof client.createServerClient, typeof root.startNotifyService]));',
    ].join('\n');
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: pkg });
    expect(JSON.parse(stdout)).toEqual(['function', 'socketpost.v1', 'function', 'function']);
  }, 180_000);
});
