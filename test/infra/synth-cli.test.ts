import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/paths.js';

const run = promisify(execFile);
const readJson = <T>(file: string) => JSON.parse(readFileSync(file, 'utf8')) as T;

describe('cdk synth through the CLI', { timeout: 180_000 }, () => {
  const outdir = mkdtempSync(path.join(tmpdir(), 'socketpost-cli-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('should use the same app command in cdk.json and in the synth and deploy scripts', () => {
    const { app } = readJson<{ app: string }>(path.join(REPO_ROOT, 'cdk.json'));
    const { scripts } = readJson<{ scripts: Record<string, string> }>(path.join(REPO_ROOT, 'package.json'));
    expect(app).toBe('npx tsx infra/app.ts');
    expect(scripts.synth).toContain(`--app '${app}'`);
    expect(scripts.deploy).toContain(`--app '${app}'`);
  });

  it('should synthesize offline, without AWS credentials', async () => {
    // No credentials and no instance metadata: the synth must not need an account.
    const env: NodeJS.ProcessEnv = { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', AWS_REGION: 'eu-central-1' };
    for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'CDK_DEFAULT_ACCOUNT']) delete env[key];
    env.AWS_CONFIG_FILE = path.join(outdir, 'no-config');
    env.AWS_SHARED_CREDENTIALS_FILE = path.join(outdir, 'no-credentials');

    await run('npx', ['cdk', 'synth', '--quiet', '--output', outdir, '-c', 'stage=ci'], { cwd: REPO_ROOT, env, maxBuffer: 16 * 1024 * 1024 });

    const templateFile = path.join(outdir, 'socketpost-ci.template.json');
    expect(existsSync(templateFile)).toBe(true);
    const template = readJson<{ Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> }>(templateFile);
    const stage = Object.values(template.Resources).find((r) => r.Type === 'AWS::ApiGatewayV2::Stage');
    expect(stage?.Properties.StageName).toBe('ci');
    const manifest = readJson<{ artifacts: Record<string, { environment?: string }> }>(path.join(outdir, 'manifest.json'));
    // Account left to deploy time, region from the environment.
    expect(manifest.artifacts['socketpost-ci']?.environment).toBe('aws://unknown-account/eu-central-1');
  });
});
