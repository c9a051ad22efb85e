import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const run = promisify(execFile);
const npmCli = join(process.execPath, '../../lib/node_modules/npm/bin/npm-cli.js');

describe('engines', () => {
  it('should install from the lock file on the running Node without an EBADENGINE warning', async () => {
    // --dry-run checks every locked package's engines against this Node without touching node_modules.
    const { stdout, stderr } = await run(process.execPath, [npmCli, 'ci', '--dry-run', '--no-audit', '--no-fund'], {
      cwd: root,
      env: { ...process.env, npm_config_loglevel: 'warn' },
    });
    expect(`${stdout}${stderr}`).not.toContain('EBADENGINE');
  }, 60_000);

  it('should state in the README the Node range of package.json and that Lambda and the container run Node 22', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
    const floor = /^>=(\d+\.\d+)$/.exec(pkg.engines.node)?.[1];
    expect(floor).toBeDefined();
    const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
    const [floorMajor, floorMinor] = (floor as string).split('.').map(Number) as [number, number];
    expect(major > floorMajor || (major === floorMajor && minor >= floorMinor)).toBe(true);
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme).toContain(`Node.js ${floor}+`);
    expect(readme).toMatch(/Node 22 in Lambda and the container/);
  });
});
