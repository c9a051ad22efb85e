import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('project documents', () => {
  it('should link from the README only to documents that are in the repository', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const links = [...readme.matchAll(/\]\(([^)#]+)(#[^)]*)?\)/g)].map((m) => m[1] as string).filter((l) => !/^[a-z]+:/.test(l));
    expect(links).toContain('docs/emulator.md');
    for (const link of links) expect(existsSync(join(root, link)), `${link} is named by the README`).toBe(true);
  });

  it('should never point at a document outside the repository', () => {
    const files = ['src', 'test', 'infra', 'docs', 'bench'].flatMap((d) => filesUnder(join(root, d))).concat(join(root, 'README.md'));
    const offenders = files.filter((f) => /(work\/shared|shared\/aws-websocket|facts sheet)/i.test(readFileSync(f, 'utf8')));
    expect(offenders.map((f) => relative(root, f)).filter((f) => f !== 'test/docs/documents.test.ts')).toEqual([]);
  });
});
