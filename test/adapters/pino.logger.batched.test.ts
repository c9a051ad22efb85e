import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isoTime } from '../../src/adapters/logging/pino.logger.js';

/** Logs one line, then stays alive without logging (the test kills it). */
const IDLE_LOGGER = `
import('${new URL('../../src/adapters/logging/pino.logger.ts', import.meta.url).href}').then(({ createPinoLogger }) => {
  createPinoLogger({ level: 'info', batched: true }).info('one line, then nothing');
  setInterval(() => undefined, 1000);
});`;

describe('the service logger (lines written in batches)', () => {
  it('should flush every line logged before the process exits, even when it exits at once', () => {
    const child = fileURLToPath(new URL('../support/batched-log.child.ts', import.meta.url));
    const run = spawnSync(process.execPath, ['--import', 'tsx', child], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(0);
    const lines = run.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((l) => l.i)).toEqual([0, 1, 2]);
    expect(lines[0]).toMatchObject({ msg: 'line before exit', service: 'socketpost' });
  });

  it('should write a line logged while the service is idle within the flush interval, not only once a batch is full', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', IDLE_LOGGER], { cwd: process.cwd() });
    try {
      const first = await new Promise<string>((resolve, reject) => {
        child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString('utf8')));
        child.once('exit', (code) => reject(new Error(`exited with ${code} before writing`)));
      });
      expect(JSON.parse(first.trim())).toMatchObject({ msg: 'one line, then nothing' });
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);

  it("should stamp lines with pino's ISO time, formatted once per millisecond", () => {
    const stamp = isoTime();
    expect(stamp).toMatch(/^,"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"$/);
    const at = Date.parse(JSON.parse(`{${stamp.slice(1)}}`).time as string);
    expect(Math.abs(at - Date.now())).toBeLessThan(60_000);
  });
});
