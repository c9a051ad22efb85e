import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A bench helper process (a sink, a service) that reports `{ ready: … }` over IPC once listening. */
export interface BenchChild<R> {
  process: ChildProcess;
  ready: R;
  /** Sends a request and waits for the next message the child sends back. */
  ask<T>(message: unknown): Promise<T>;
  stop(): Promise<void>;
}

/** Starts a TypeScript file of bench/support as a child (through tsx), its stdout drained and discarded. */
export async function startChild<R>(file: string, env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<BenchChild<R>> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', fileURLToPath(new URL(file, import.meta.url))], {
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  child.stdout?.resume(); // log lines go to a pipe, as in a container; nobody reads them
  const ready = await new Promise<R>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} did not start within 30 s`)), 30_000);
    child.once('message', (m: { ready?: R }) => {
      clearTimeout(timer);
      resolve(m.ready as R);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${file} exited with ${code} before it was ready`));
    });
  });
  return {
    process: child,
    ready,
    ask: <T>(message: unknown) =>
      new Promise<T>((resolve) => {
        child.once('message', (m) => resolve(m as T));
        child.send(message as never);
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
