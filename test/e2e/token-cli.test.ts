import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { JoseTokenVerifier } from '../../src/adapters/auth/jose-token.verifier.js';
import { LOCAL_DEFAULTS } from '../../src/local/local-stack.config.js';

const run = promisify(execFile);
const cwd = join(import.meta.dirname, '../..');
// A state file of its own that does not exist: a stack a developer runs meanwhile must not change the secret.
const env = { ...process.env, SOCKETPOST_STATE_FILE: join(mkdtempSync(join(tmpdir(), 'socketpost-token-')), 'none.json') };
const tokenCli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'src/local/token.ts', ...args], { cwd, env });

describe('npm run token', () => {
  it('should print a JWT for the user that the local authorizer accepts, valid for --ttl seconds', async () => {
    const { stdout } = await tokenCli('alice', '--ttl', '600');
    const token = stdout.trim();
    expect(await new JoseTokenVerifier({ secret: LOCAL_DEFAULTS.jwtSecret }).verify(token)).toEqual({ valid: true, subject: 'alice' });
    const claims = decodeJwt(token);
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(600);
  }, 30_000);

  it('should explain its usage when the user id is missing or the ttl is not a number', async () => {
    await expect(tokenCli()).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('usage: npm run token -- <userId>') });
    await expect(tokenCli('alice', '--ttl', 'soon')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--ttl') });
    await expect(tokenCli('alice', '--ttl', '86401')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('24 h') });
  }, 30_000);
});
