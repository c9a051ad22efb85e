import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * What `npm start` writes for the local tools (`npm run post`, `npm run token`): where the running stack
 * listens and the secrets it accepts, so the tools need no variable in their terminal. Local values only.
 */
export interface LocalStackState {
  version: 1;
  /** The `npm start` process; a file whose process is gone is stale. */
  pid: number;
  startedAt: string;
  restUrl: string;
  /** Present when the stack uses the printed local default key. */
  apiKey?: string;
  apiId: string;
  region: string;
  /** Stage → `ws://…/{stage}`. */
  websocketUrls: Record<string, string>;
  /** Stage → management endpoint `http://…/{stage}` (append `/@connections/{id}`). */
  connectionsUrls: Record<string, string>;
  credentials: { accessKeyId: string; secretAccessKey: string };
  jwtSecret: string;
}

/** Writes the state file atomically, readable by its owner only (it holds the local secrets). */
export function writeLocalStackState(path: string, state: LocalStackState): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}

/** Removes the state file if it still describes process `pid` (another stack may have replaced it). */
export function removeLocalStackState(path: string, pid: number): void {
  const state = readStateFile(path);
  if (state && state.pid !== pid) return;
  rmSync(path, { force: true });
}

export type StateLookup =
  | { found: true; state: LocalStackState }
  | { found: false; reason: 'missing' | 'stale' | 'unreadable'; path: string };

/** The running stack's state, or why there is none (no file, its process is gone, not our format). */
export function readLocalStackState(path: string): StateLookup {
  let state: LocalStackState | undefined;
  try {
    state = readStateFile(path);
  } catch {
    return { found: false, reason: 'unreadable', path };
  }
  if (!state) return { found: false, reason: 'missing', path };
  if (!processAlive(state.pid)) return { found: false, reason: 'stale', path };
  return { found: true, state };
}

/** One line saying why no stack was found and how to start one. */
export function noStackMessage(lookup: Extract<StateLookup, { found: false }>): string {
  const why = {
    missing: `no local stack is running (no ${lookup.path})`,
    stale: `no local stack is running (${lookup.path} was left by a process that has exited)`,
    unreadable: `the local stack state file ${lookup.path} cannot be read`,
  }[lookup.reason];
  return `${why}; start one with \`npm start\` in another terminal of this project`;
}

function readStateFile(path: string): LocalStackState | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const value = JSON.parse(text) as Partial<LocalStackState>;
  if (value.version !== 1 || typeof value.pid !== 'number' || typeof value.jwtSecret !== 'string' || !value.connectionsUrls) {
    throw new Error('not a socketpost local stack state file');
  }
  return value as LocalStackState;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
