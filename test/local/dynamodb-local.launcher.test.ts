import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import {
  JavaNotFoundError,
  startDynamoDbLocal,
  type DynamoDbLocal,
} from '../../src/local/dynamodb-local.launcher.js';
import { TEST_CREDENTIALS } from '../support/dynamodb-local.js';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Resolves true when the port can be bound on all interfaces again (as DynamoDB Local binds it). */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, () => server.close(() => resolve(true)));
  });
}

describe('startDynamoDbLocal', () => {
  // Kept as a promise so that the instance is stopped even when the test gives up while it is still starting
  // (a slow JVM start on a loaded machine would otherwise leave a second DynamoDB Local running).
  let starting: Promise<DynamoDbLocal> | undefined;

  afterAll(async () => {
    const instance = await starting?.catch(() => undefined);
    await instance?.stop();
  });

  it('should start a second DynamoDB Local that answers, then stop it, free its port and reap its pid', async () => {
    starting = startDynamoDbLocal();
    const instance = await starting;
    const { endpoint, port, pid } = instance;
    expect(endpoint).toBe(`http://127.0.0.1:${port}`);
    expect(isAlive(pid)).toBe(true);

    const client = new DynamoDBClient({ region: 'eu-west-1', endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    try {
      const { TableNames } = await client.send(new ListTablesCommand({}));
      expect(TableNames).toEqual([]);
    } finally {
      client.destroy();
    }

    await instance.stop();
    await instance.stop();

    expect(isAlive(pid)).toBe(false);
    expect(await portIsFree(port)).toBe(true);
    // The launcher's own start timeout is 60 s; a JVM start on a busy machine may take longer than the default.
  }, 90_000);

  it('should say what to install when java is not on PATH', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const error = await startDynamoDbLocal().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(JavaNotFoundError);
      expect((error as JavaNotFoundError).code).toBe('JAVA_NOT_FOUND');
      expect((error as Error).message).toMatch(/Java 17\+/);
      expect((error as Error).message).toContain('apt-get install -y openjdk-17-jre-headless');
      expect((error as Error).message).toContain('STORAGE=memory');
    } finally {
      process.env.PATH = path;
    }
  });
});
