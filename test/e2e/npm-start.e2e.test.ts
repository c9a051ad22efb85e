import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { issueLocalToken } from '../../src/adapters/auth/jose-token.issuer.js';
import { LOCAL_DEFAULTS } from '../../src/local/local-stack.config.js';
import { openSocket } from '../support/ws-client.js';

const cwd = join(import.meta.dirname, '../..');
let child: ChildProcess | undefined;

afterEach(() => {
  // Whatever happened, leave no process group behind.
  if (child?.pid) killGroup(child.pid, 'SIGKILL');
  child = undefined;
});

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts `npm start` in its own process group, with free ports, and resolves once the banner is printed. */
type Exit = { code: number | null; signal: NodeJS.Signals | null };

function startNpm(env: Record<string, string>): Promise<{ output: () => string; exited: Promise<Exit> }> {
  child = spawn('npm', ['start'], { cwd, env: { ...process.env, PORT: '0', WS_PORT: '0', LOG_LEVEL: 'warn', SOCKETPOST_STATE_FILE: stateFile(), ...env }, detached: true });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  // 'close', not 'exit': npm may exit before the stack's own process has written its last lines to the
  // shared pipe; 'close' comes once every process of the group has closed it.
  const exited = new Promise<Exit>((resolve) => child?.once('close', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 60 s:\n${out}`)), 60_000);
    const check = () => {
      if (out.includes('Stop ')) {
        clearTimeout(timer);
        resolve({ output: () => out, exited });
      }
    };
    child?.stdout?.on('data', check);
    void exited.then(({ code }) => reject(new Error(`npm start exited with ${code} before the banner:\n${out}`)));
  });
}

describe('npm start', () => {
  it('should start the whole stack, deliver a notify end to end, and stop every child on SIGTERM', async () => {
    const started = await startNpm({});
    const banner = started.output();
    expect(banner).toContain('socketpost local stack is ready');
    expect(banner).toMatch(/Storage\s+DynamoDB http:\/\/127\.0\.0\.1:\d+/);
    const notifyUrl = /Notify REST API\s+(http:\/\/\S+)/.exec(banner)?.[1];
    const wsDev = /WebSocket \[dev\]\s+(ws:\/\/\S+)\?token=/.exec(banner)?.[1];
    expect(notifyUrl).toBeDefined();
    expect(wsDev).toBeDefined();
    expect(banner).toContain(LOCAL_DEFAULTS.apiKey);

    const socket = await openSocket(wsDev as string, { token: await issueLocalToken(LOCAL_DEFAULTS.jwtSecret, 'alice') });
    const res = await fetch(`${notifyUrl}/notify`, {
      method: 'POST',
      headers: { authorization: `Bearer ${LOCAL_DEFAULTS.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'alice', message: 'hello from npm start' }),
    });
    expect(await res.json()).toMatchObject({ delivered: 1 });
    expect(await socket.nextMessage()).toBe('hello from npm start');

    // SIGTERM to the whole process group, as a terminal's Ctrl-C or a process manager does.
    const pgid = child?.pid as number;
    killGroup(pgid, 'SIGTERM');
    await started.exited;
    expect((await socket.closed()).code).toBe(1001);
    // Every process of the group (npm, tsx, node, java) has exited: nothing is orphaned.
    await expect.poll(() => groupAlive(pgid), { timeout: 10_000 }).toBe(false);
    // The stack itself shut down cleanly (npm reports the signal; our process said it stopped).
    expect(started.output()).toContain('socketpost local stack stopped');
    await expect(fetch(`${notifyUrl}/healthz`)).rejects.toThrow();
  }, 90_000);

  it('should run on in-memory storage without Java when STORAGE=memory', async () => {
    const started = await startNpm({ STORAGE: 'memory', PATH: pathWithoutJava() });
    expect(started.output()).toContain('in memory (STORAGE=memory)');
    const pgid = child?.pid as number;
    killGroup(pgid, 'SIGTERM');
    await started.exited;
    await expect.poll(() => groupAlive(pgid), { timeout: 10_000 }).toBe(false);
    expect(started.output()).toContain('socketpost local stack stopped');
  }, 90_000);

  it('should exit with a message saying to install Java or set STORAGE=memory when Java is missing', async () => {
    await expect(startNpm({ PATH: pathWithoutJava() })).rejects.toThrow(/Java[\s\S]*install[\s\S]*STORAGE=memory/);
    expect(child?.exitCode).not.toBe(0);
  }, 90_000);
});

/** Each stack writes its state in a temporary folder, never in the project's `.socketpost/`. */
function stateFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'socketpost-npm-start-')), 'local-stack.json');
}

/** A PATH holding node and npm only (they live beside java in /usr/bin on these machines). */
function pathWithoutJava(): string {
  const dir = mkdtempSync(join(tmpdir(), 'socketpost-nojava-'));
  symlinkSync(process.execPath, join(dir, 'node'));
  const npmCli = join(process.execPath, '../../lib/node_modules/npm/bin/npm-cli.js');
  symlinkSync(npmCli, join(dir, 'npm'));
  symlinkSync('/bin/sh', join(dir, 'sh'));
  return dir;
}
