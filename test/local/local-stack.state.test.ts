import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localStateFilePath } from '../../src/local/local-stack.config.js';
import {
  noStackMessage,
  readLocalStackState,
  removeLocalStackState,
  writeLocalStackState,
  type LocalStackState,
} from '../../src/local/local-stack.state.js';

const tempFile = () => join(mkdtempSync(join(tmpdir(), 'socketpost-state-')), 'nested', 'local-stack.json');

export function sampleState(overrides: Partial<LocalStackState> = {}): LocalStackState {
  return {
    version: 1,
    pid: process.pid,
    startedAt: new Date().toISOString(),
    restUrl: 'http://127.0.0.1:4000',
    apiId: 'a1b2c3d4e5',
    region: 'us-east-1',
    websocketUrls: { dev: 'ws://127.0.0.1:4001/dev' },
    connectionsUrls: { dev: 'http://127.0.0.1:4001/dev' },
    credentials: { accessKeyId: 'AKIATEST', secretAccessKey: 'test-secret' },
    jwtSecret: 'a-jwt-secret-of-at-least-thirty-two-chars',
    ...overrides,
  };
}

describe('local stack state file', () => {
  it('should default to .socketpost/local-stack.json in the project folder and honour SOCKETPOST_STATE_FILE', () => {
    expect(localStateFilePath({})).toBe(join(process.cwd(), '.socketpost', 'local-stack.json'));
    expect(localStateFilePath({ SOCKETPOST_STATE_FILE: '/tmp/x/state.json' })).toBe('/tmp/x/state.json');
  });

  it('should write the state readable by its owner only and read it back while its process lives', () => {
    const path = tempFile();
    writeLocalStackState(path, sampleState());
    expect(statSync(path).mode & 0o077).toBe(0);
    expect(readLocalStackState(path)).toEqual({ found: true, state: sampleState({ startedAt: expect.any(String) as string }) });
  });

  it('should call a state whose process has exited stale, and say how to start a stack', () => {
    const path = tempFile();
    writeLocalStackState(path, sampleState({ pid: 2 ** 22 + 12_345 }));
    const lookup = readLocalStackState(path);
    expect(lookup).toEqual({ found: false, reason: 'stale', path });
    if (!lookup.found) expect(noStackMessage(lookup)).toMatch(/no local stack is running.*npm start/);
  });

  it('should report a missing file and an unreadable one', () => {
    const path = tempFile();
    expect(readLocalStackState(path)).toEqual({ found: false, reason: 'missing', path });
    writeLocalStackState(path, sampleState());
    writeFileSync(path, '{"hello":');
    expect(readLocalStackState(path)).toEqual({ found: false, reason: 'unreadable', path });
  });

  it('should remove the file on exit only if it still belongs to the exiting stack', () => {
    const path = tempFile();
    writeLocalStackState(path, sampleState({ pid: process.pid }));
    removeLocalStackState(path, process.pid + 1);
    expect(existsSync(path)).toBe(true);
    removeLocalStackState(path, process.pid);
    expect(existsSync(path)).toBe(false);
    expect(() => removeLocalStackState(path, process.pid)).not.toThrow();
  });
});
