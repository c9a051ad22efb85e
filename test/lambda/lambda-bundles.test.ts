/**
 * Each Lambda handler is bundled on its own (infra's NodejsFunction, esbuild): it must carry only the adapters
 * it uses, so a cold start loads no SDK client it never calls.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { HANDLERS } from '../../infra/paths.js';
import { bundleHandler, packagesIn } from '../support/lambda-bundle.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'socketpost-bundles-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const DYNAMODB = '@aws-sdk/client-dynamodb';
const MANAGEMENT_API = '@aws-sdk/client-apigatewaymanagementapi';

describe('Lambda handler bundles', () => {
  it('should bundle the authorizer with jose and no SDK client, no container', async () => {
    const packages = packagesIn(await bundleHandler(HANDLERS.authorizer));
    expect(packages).toContain('jose');
    for (const unused of [DYNAMODB, '@aws-sdk/lib-dynamodb', MANAGEMENT_API, 'tsyringe', 'reflect-metadata', 'fastify']) {
      expect(packages, unused).not.toContain(unused);
    }
  }, 60_000);

  it('should bundle connect and disconnect with DynamoDB and without the management API client', async () => {
    for (const entry of [HANDLERS.connect, HANDLERS.disconnect]) {
      const packages = packagesIn(await bundleHandler(entry));
      expect(packages, entry).toContain(DYNAMODB);
      for (const unused of [MANAGEMENT_API, 'jose', 'tsyringe', 'fastify']) expect(packages, `${entry}: ${unused}`).not.toContain(unused);
    }
  }, 60_000);

  it('should bundle the default route with the management API client and DynamoDB (resume reads the message log)', async () => {
    const packages = packagesIn(await bundleHandler(HANDLERS.default));
    expect(packages).toContain(MANAGEMENT_API);
    expect(packages).toContain(DYNAMODB);
    for (const unused of ['jose', 'tsyringe', 'fastify']) expect(packages, unused).not.toContain(unused);
  }, 60_000);

  it('should produce a bundle that Node imports on its own and that exports the handler', async () => {
    const file = path.join(scratch, 'authorizer.mjs');
    writeFileSync(file, (await bundleHandler(HANDLERS.authorizer)).code);
    const probe = `import(${JSON.stringify(file)}).then((m) => console.log(typeof m.handler))`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', probe], { cwd: scratch });
    expect(stdout.trim()).toBe('function');
  }, 60_000);
});
