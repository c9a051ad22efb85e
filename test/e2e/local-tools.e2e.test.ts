import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { JoseTokenVerifier } from '../../src/adapters/auth/jose-token.verifier.js';
import { LOCAL_DEFAULTS } from '../../src/local/local-stack.config.js';
import { writeLocalStackState, type LocalStackState } from '../../src/local/local-stack.state.js';
import { openSocket } from '../support/ws-client.js';

const run = promisify(execFile);
const cwd = join(import.meta.dirname, '../..');
const children: ChildProcess[] = [];
const servers: Server[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const server of servers.splice(0)) await new Promise((r) => server.close(r));
});

/** Environment of a fresh terminal: no socketpost variable, a state file of its own. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...extra };
  return env;
}

const stateFileIn = () => join(mkdtempSync(join(tmpdir(), 'socketpost-tools-')), 'local-stack.json');

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** `src/local/local.ts` (what `npm start` runs), resolved once the banner is printed or the process exits. */
function startStack(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/local/local.ts'], {
    cwd,
    env: cleanEnv({ PORT: '0', WS_PORT: '0', STORAGE: 'memory', ...env }),
  });
  children.push(child);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const started = { child, output: () => out, exited };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 45 s:\n${out}`)), 45_000);
    child.stdout?.on('data', () => {
      if (out.includes('Stop ')) {
        clearTimeout(timer);
        resolve(started);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      resolve(started);
    });
  });
}

async function occupiedPort(): Promise<number> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

const tool = (script: 'token' | 'post', args: string[], env: Record<string, string>) =>
  run(process.execPath, ['--import', 'tsx', `src/local/${script}.ts`, ...args], { cwd, env: cleanEnv(env) });

describe('local stack start-up', () => {
  it.each([
    ['PORT', 'PORT'],
    ['WS_PORT', 'WS_PORT'],
  ])('should exit with one line naming %s when its port is in use, without a stack trace', async (variable) => {
    const port = await occupiedPort();
    const started = await startStack({ [variable]: String(port), SOCKETPOST_STATE_FILE: stateFileIn() });
    expect(await started.exited).toBe(1);
    const lines = started.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^socketpost: port ${port} on 127\\.0\\.0\\.1 is already in use \\(${variable}\\).*set ${variable} to a free port`));
    expect(started.output()).not.toMatch(/\n\s+at |EADDRINUSE/);
  }, 60_000);

  it('should print the local AWS credentials, region, endpoint and state file, without the SDK Node 22 notice', async () => {
    const stateFile = stateFileIn();
    const started = await startStack({ SOCKETPOST_STATE_FILE: stateFile });
    const banner = started.output();
    expect(banner).toContain(`AWS_ACCESS_KEY_ID=${LOCAL_DEFAULTS.accessKeyId} AWS_SECRET_ACCESS_KEY=${LOCAL_DEFAULTS.secretAccessKey}`);
    expect(banner).toMatch(/region us-east-1, endpoint http:\/\/127\.0\.0\.1:\d+/);
    expect(banner).toMatch(/aws apigatewaymanagementapi post-to-connection --region us-east-1/);
    expect(banner).toContain(`State file          ${stateFile}`);
    expect(banner).not.toContain('NodeVersionSupportWarning');

    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as LocalStackState;
    const rest = /Notify REST API\s+(\S+)/.exec(banner)?.[1];
    expect(state).toMatchObject({
      pid: started.child.pid,
      restUrl: rest,
      apiKey: LOCAL_DEFAULTS.apiKey,
      region: 'us-east-1',
      jwtSecret: LOCAL_DEFAULTS.jwtSecret,
      credentials: { accessKeyId: LOCAL_DEFAULTS.accessKeyId, secretAccessKey: LOCAL_DEFAULTS.secretAccessKey },
    });
    expect(Object.keys(state.websocketUrls)).toEqual(['dev', 'prod']);
    expect(banner).toContain(`${state.websocketUrls.dev}?token=<JWT>`);

    started.child.kill('SIGTERM');
    const code = await started.exited;
    expect(started.output()).toContain('socketpost local stack stopped');
    expect(code).toBe(0);
    expect(existsSync(stateFile)).toBe(false);
  }, 60_000);

  it('should log each Lambda event with LOG_EVENTS=1, the token redacted', async () => {
    const started = await startStack({ LOG_EVENTS: '1', SOCKETPOST_STATE_FILE: stateFileIn() });
    const ws = /WebSocket \[dev\]\s+(ws:\/\/\S+)\?token=/.exec(started.output())?.[1] as string;
    const { stdout: token } = await tool('token', ['alice'], { JWT_SECRET: LOCAL_DEFAULTS.jwtSecret, SOCKETPOST_STATE_FILE: stateFileIn() });
    const socket = await openSocket(ws, { token: token.trim(), headers: { Authorization: `Bearer ${token.trim()}` } });
    socket.ws.send('{"action":"ping"}');
    expect(await socket.nextMessage()).toBe('{"type":"pong"}');
    socket.ws.close(1000);
    await socket.closed();
    await expect.poll(() => started.output(), { timeout: 10_000 }).toContain('"handler":"disconnect"');
    const events = started
      .output()
      .split('\n')
      .filter((l) => l.includes('"lambda event"'))
      .map((l) => JSON.parse(l) as { handler: string; event: { queryStringParameters?: { token: string }; headers?: Record<string, string> } });
    expect(events.map((e) => e.handler)).toEqual(['authorizer', 'connect', 'default', 'disconnect']);
    expect(events[0]?.event.queryStringParameters?.token).toBe('[REDACTED]');
    expect(events[0]?.event.headers?.Authorization).toBe('[REDACTED]');
    expect(started.output()).not.toContain(token.trim());
    // The pong went through an SDK client: its Node 22 notice is silenced in the local stack.
    expect(started.output()).not.toContain('NodeVersionSupportWarning');
  }, 60_000);
});

describe('local tools without a running stack', () => {
  it('should make npm run post say no stack is running and how to start one', async () => {
    const stateFile = stateFileIn();
    await expect(tool('post', ['dev', 'abc=', 'hello'], { SOCKETPOST_STATE_FILE: stateFile })).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining(`no local stack is running (no ${stateFile}); start one with \`npm start\``),
    });
  }, 30_000);

  it('should make npm run token fall back to the default local secret and say so on stderr', async () => {
    const { stdout, stderr } = await tool('token', ['alice'], { SOCKETPOST_STATE_FILE: stateFileIn() });
    expect(await new JoseTokenVerifier({ secret: LOCAL_DEFAULTS.jwtSecret }).verify(stdout.trim())).toEqual({ valid: true, subject: 'alice' });
    expect(stderr).toMatch(/no local stack is running.*npm start.*default local secret/);
  }, 30_000);

  it('should make npm run token sign with the secret of the running stack from its state file', async () => {
    const stateFile = stateFileIn();
    const secret = 'a-stack-secret-that-is-not-the-default-one';
    writeLocalStackState(stateFile, {
      version: 1,
      pid: process.pid,
      startedAt: new Date().toISOString(),
      restUrl: 'http://127.0.0.1:1',
      apiId: 'a1b2c3d4e5',
      region: 'us-east-1',
      websocketUrls: { dev: 'ws://127.0.0.1:1/dev' },
      connectionsUrls: { dev: 'http://127.0.0.1:1/dev' },
      credentials: { accessKeyId: 'AKIA', secretAccessKey: 'x' },
      jwtSecret: secret,
    });
    const { stdout, stderr } = await tool('token', ['bob'], { SOCKETPOST_STATE_FILE: stateFile });
    expect(await new JoseTokenVerifier({ secret }).verify(stdout.trim())).toEqual({ valid: true, subject: 'bob' });
    expect(stderr).toBe('');
  }, 30_000);
});
