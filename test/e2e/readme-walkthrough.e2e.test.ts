import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDbEndpoint, freshTableName } from '../support/dynamodb-local.js';

const run = promisify(execFile);
const repo = join(import.meta.dirname, '../..');
const readme = readFileSync(join(repo, 'README.md'), 'utf8');
const walkthrough = readme.slice(readme.indexOf('## Five-minute walkthrough'), readme.indexOf('## REST API'));

/** The README's command lines that start with `prefix` (a `\` continuation joined), in order. */
function readmeCommands(prefix: string): string[] {
  const joined = walkthrough.replace(/\\\n\s*/g, '');
  return joined
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith(prefix));
}

/** The project seen from another folder: its own `.socketpost/`, the same code and node_modules. */
function projectCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'socketpost-readme-'));
  for (const name of ['package.json', 'package-lock.json', 'tsconfig.json', 'node_modules', 'src']) symlinkSync(join(repo, name), join(dir, name));
  return dir;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/** Polls until `check` holds (hooks cannot use expect.poll); nothing asserts on how long it took. */
async function until(check: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A second terminal: PATH and HOME only, none of the stack's variables. */
const terminalEnv = (): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, HOME: process.env.HOME });

/** `curl -s URL -H 'k: v' … [-d 'body']` → the same request with fetch. */
async function curlWithFetch(command: string): Promise<Response> {
  const url = /^curl -s (\S+)/.exec(command)?.[1] as string;
  const headers = Object.fromEntries([...command.matchAll(/-H '([^:]+): ([^']*)'/g)].map((m) => [m[1] as string, m[2] as string]));
  const body = /-d '([^']*)'/.exec(command)?.[1];
  return fetch(url, { method: body === undefined ? 'GET' : 'POST', headers, ...(body === undefined ? {} : { body }) });
}

describe('README walkthrough, on non-default ports, from a second process with no variable set', () => {
  let cwd: string;
  let stack: ChildProcess;
  let client: ChildProcess | undefined;
  let ports: { rest: number; ws: number };
  let clientOut = '';
  const onPorts = (command: string) =>
    command.replaceAll('127.0.0.1:3000', `127.0.0.1:${ports.rest}`).replaceAll('127.0.0.1:3001', `127.0.0.1:${ports.ws}`);

  beforeAll(async () => {
    cwd = projectCopy();
    ports = { rest: await freePort(), ws: await freePort() };
    // Step 1, `npm start`, on other ports (against the run's DynamoDB Local, so no second Java starts).
    stack = spawn('npm', ['start'], {
      cwd,
      detached: true,
      env: {
        ...terminalEnv(),
        PORT: String(ports.rest),
        WS_PORT: String(ports.ws),
        DYNAMODB_ENDPOINT: dynamoDbEndpoint(),
        TABLE_NAME: freshTableName('readme'),
      },
    });
    let out = '';
    stack.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    stack.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    await until(() => out.includes('Stop '), `the banner of npm start:\n${out}`, 60_000);
    if (!out.includes(`http://127.0.0.1:${ports.rest}`)) throw new Error(`npm start did not use PORT:\n${out}`);
  }, 90_000);

  afterAll(async () => {
    client?.kill('SIGKILL');
    if (stack?.pid && stack.exitCode === null && stack.signalCode === null) {
      const exited = new Promise((r) => stack.once('exit', r));
      process.kill(-stack.pid, 'SIGTERM');
      await exited;
      await until(() => !existsSync(join(cwd, '.socketpost', 'local-stack.json')), 'the state file to be removed', 10_000);
    }
  }, 30_000);

  it('should run steps 2 to 6 as written', async () => {
    expect(existsSync(join(cwd, '.socketpost', 'local-stack.json'))).toBe(true);
    // Steps 2 and 3 in one shell, as in the second terminal: mint a token, connect, ping.
    const [tokenCommand] = readmeCommands('TOKEN=$(npm run -s token');
    const [clientCommand] = readmeCommands('node -e');
    expect(tokenCommand).toBeDefined();
    expect(clientCommand).toContain('ws://127.0.0.1:3001/dev?token=$TOKEN');
    client = spawn('sh', ['-c', `${tokenCommand}\n${onPorts(clientCommand as string)}`], { cwd, env: terminalEnv() });
    client.stdout?.on('data', (d: Buffer) => (clientOut += d.toString()));
    client.stderr?.on('data', (d: Buffer) => (clientOut += d.toString()));
    await expect.poll(() => clientOut, { timeout: 30_000 }).toContain('connected');
    // Step 5: the client's ping is answered through its own stage.
    await expect.poll(() => clientOut, { timeout: 10_000 }).toContain('got {"type":"pong"}');

    // Step 4, the curl command done with fetch.
    const [notifyCommand, listCommand] = readmeCommands('curl -s');
    const report = (await (await curlWithFetch(onPorts(notifyCommand as string))).json()) as { delivered: number };
    expect(report).toMatchObject({ userId: 'alice', delivered: 1, gone: 0, failed: 0 });
    await expect.poll(() => clientOut, { timeout: 10_000 }).toContain('got {"hello":"world"}');

    // Step 6: list alice's connections, then post through the wrong and the right stage with the SDK.
    const listed = (await (await curlWithFetch(onPorts(listCommand as string))).json()) as { connections: Array<{ connectionId: string; stage: string }> };
    expect(listed.connections).toHaveLength(1);
    const connectionId = listed.connections[0]?.connectionId as string;
    const [wrongStage, rightStage] = readmeCommands('npm run -s post').map((c) => c.split('#')[0]?.trim().replace('<connectionId>', connectionId) as string);
    const wrong = await run('sh', ['-c', wrongStage as string], { cwd, env: terminalEnv() }).catch((e: { stdout: string; code: number }) => e);
    expect(wrong.stdout).toContain('"status": "forbidden"');
    const right = await run('sh', ['-c', rightStage as string], { cwd, env: terminalEnv() });
    expect(right.stdout).toContain('"status": "delivered"');
    expect(`${right.stdout}${right.stderr}`).not.toContain('NodeVersionSupportWarning');
    await expect.poll(() => clientOut, { timeout: 10_000 }).toContain('got hello');
  }, 90_000);
});
