import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorageAgents, MAX_SOCKETS } from '../../src/adapters/dynamodb/dynamodb.client.js';

/**
 * The DynamoDB client's agents: a connect that does not complete fails after the connect timeout, counted from
 * the connect itself. A listener whose process never accepts (its event loop blocked) and whose accept queue is
 * full leaves further connects pending, as a black-holed endpoint or a saturated DynamoDB Local does.
 */
describe('createStorageAgents', () => {
  let stuck: ChildProcess;
  let port: number;

  beforeAll(async () => {
    const program =
      "require('net').createServer().listen({ port: 0, host: '127.0.0.1', backlog: 1 }, function () {" +
      ' console.log(this.address().port); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20000); });';
    stuck = spawn(process.execPath, ['-e', program], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [line] = (await once(createInterface({ input: stuck.stdout! }), 'line')) as [string];
    port = Number(line);
  });

  afterAll(() => {
    stuck.kill('SIGKILL');
  });

  it('should destroy a socket still connecting after the connect timeout, with a TimeoutError', async () => {
    const { httpAgent: agent, httpsAgent } = createStorageAgents(300);
    httpsAgent.destroy();
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, () => {
        const socket = agent.createConnection({ host: '127.0.0.1', port }) as Socket;
        return new Promise<string>((resolve) => {
          socket.once('connect', () => resolve('connected'));
          socket.once('error', (error: Error & { code?: string }) => resolve(`${error.name} ${error.code}: ${error.message}`));
        }).finally(() => socket.destroy());
      }),
    );
    expect(outcomes).toContain('TimeoutError ETIMEDOUT: connect timed out after 300 ms');
    agent.destroy();
  });

  it('should keep sockets alive and open at most MAX_SOCKETS per origin, over http and https', () => {
    for (const agent of Object.values(createStorageAgents(300))) {
      expect([(agent as unknown as { keepAlive: boolean }).keepAlive, agent.maxSockets]).toEqual([true, MAX_SOCKETS]);
      agent.destroy();
    }
  });
});
