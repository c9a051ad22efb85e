import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { issueLocalToken } from '../../src/adapters/auth/jose-token.issuer.js';
import { LOCAL_DEFAULTS, loadLocalStackConfig } from '../../src/local/local-stack.config.js';
import { startLocalStack, type LocalStack } from '../../src/local/local-stack.js';
import { openSocket, type TestSocket } from '../support/ws-client.js';

const cwd = join(import.meta.dirname, '../..');

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the local stack supervises its DynamoDB Local', () => {
  let stack: LocalStack | undefined;
  const sockets: TestSocket[] = [];

  afterAll(async () => {
    for (const s of sockets) s.ws.terminate();
    await stack?.stop();
  });

  const readyz = async () => (await fetch(`${stack?.notify.url}/readyz`)).status;
  const notify = async (userId: string, message: string) => {
    const res = await fetch(`${stack?.notify.url}/notify`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack?.config.apiKeys[0]}`, 'content-type': 'application/json' },
      body: JSON.stringify({ userId, message }),
    });
    return (await res.json()) as { delivered: number };
  };

  it('should restart a killed DynamoDB Local, turn /readyz green again and keep delivering; a second crash soon after stops the stack', async () => {
    stack = await startLocalStack(loadLocalStackConfig({ PORT: '0', WS_PORT: '0', STORAGE: 'dynamodb', LOG_LEVEL: 'silent' }));
    const local = stack.dynamoDbLocal;
    expect(local).toBeDefined();
    const socket = await openSocket(stack.emulator.wsUrl('dev'), { token: await stack.token('alice') });
    sockets.push(socket);
    expect(await notify('alice', 'before')).toMatchObject({ delivered: 1 });
    expect(await socket.nextMessage()).toBe('before');

    const firstPid = local?.pid as number;
    process.kill(firstPid, 'SIGKILL');
    await expect.poll(() => isAlive(firstPid), { timeout: 10_000 }).toBe(false);

    // Back without restarting the service: same endpoint, table re-created, the open socket recorded again.
    await expect.poll(() => local?.restarts, { timeout: 60_000, interval: 200 }).toBe(1);
    await expect.poll(readyz, { timeout: 20_000, interval: 200 }).toBe(200);
    expect(local?.pid).not.toBe(firstPid);
    expect(await notify('alice', 'after the restart')).toMatchObject({ delivered: 1 });
    expect(await socket.nextMessage()).toBe('after the restart');

    // A second crash within the window: the stack stops itself with a message saying what to do.
    process.kill(local?.pid as number, 'SIGKILL');
    const error = await stack.failed;
    expect(error.message).toMatch(/died twice within \d+ s.*npm start again/);
    await expect(fetch(`${stack.notify.url}/healthz`)).rejects.toThrow();
    expect((await socket.closed()).code).toBe(1001);
  }, 120_000);
});

describe('Ctrl-C of npm start with a socket open', () => {
  let child: ChildProcess | undefined;

  afterEach(() => {
    if (child?.pid) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });

  it('should stop in order (stop accepting, close the sockets so $disconnect runs, then storage) with no error logged', async () => {
    child = spawn('npm', ['start'], { cwd, env: { ...process.env, PORT: '0', WS_PORT: '0', LOG_LEVEL: 'info' }, detached: true });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<void>((resolve) => child?.once('exit', () => resolve()));
    await expect.poll(() => out, { timeout: 60_000, interval: 200 }).toContain('Stop ');
    const wsDev = /WebSocket \[dev\]\s+(ws:\/\/\S+)\?token=/.exec(out)?.[1] as string;
    const socket = await openSocket(wsDev, { token: await issueLocalToken(LOCAL_DEFAULTS.jwtSecret, 'alice') });

    // A terminal's Ctrl-C: SIGINT to the whole foreground process group.
    process.kill(-(child.pid as number), 'SIGINT');
    await exited;

    expect((await socket.closed()).code).toBe(1001);
    expect(out).toContain('socketpost local stack stopped');
    // The socket's $disconnect ran against a live DynamoDB Local: nothing at level error (50) or above.
    const lines = out.split('\n').filter((l) => l.startsWith('{'));
    const levels = lines.map((l) => (JSON.parse(l) as { level: number }).level);
    expect(levels.filter((level) => level >= 50)).toEqual([]);
    expect(lines.some((l) => l.includes('"msg":"disconnected"') && l.includes('"removed":true'))).toBe(true);
  }, 90_000);
});
