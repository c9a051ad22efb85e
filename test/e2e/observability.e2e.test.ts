import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLocalStackConfig } from '../../src/local/local-stack.config.js';
import { banner, startLocalStack, type LocalStack } from '../../src/local/local-stack.js';
import { dynamoDbEndpoint, freshTableName } from '../support/dynamodb-local.js';
import { handshakeStatus, openSocket, type TestSocket } from '../support/ws-client.js';

let stack: LocalStack;
const open: TestSocket[] = [];

beforeAll(async () => {
  stack = await startLocalStack(
    loadLocalStackConfig({
      PORT: '0',
      WS_PORT: '0',
      STORAGE: 'dynamodb',
      DYNAMODB_ENDPOINT: dynamoDbEndpoint(),
      TABLE_NAME: freshTableName('obs'),
      LOG_LEVEL: 'silent',
    }),
  );
});

afterAll(async () => {
  for (const s of open) s.ws.terminate();
  await stack?.stop();
});

/** The value of one Prometheus sample line (labels in the order the registry writes them), or undefined. */
function sample(text: string, line: string): number | undefined {
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

describe('metrics and correlation on the local stack (real sockets, emulator, DynamoDB Local)', () => {
  it('should print where /metrics is, count a real connect, a refusal and a delivery, and answer with the request id', async () => {
    expect(banner(stack)).toContain(`${stack.notify.url}/metrics`);

    const socket = await openSocket(stack.emulator.wsUrl('dev'), { token: await stack.token('olga') });
    open.push(socket);
    expect(await handshakeStatus(stack.emulator.wsUrl('dev'), { token: 'not-a-jwt' })).toBe(401);

    const res = await fetch(`${stack.notify.url}/notify`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.config.apiKeys[0]}`, 'content-type': 'application/json', 'x-request-id': 'e2e-olga-1' },
      body: JSON.stringify({ userId: 'olga', message: { hi: 'olga' } }),
    });
    expect(res.headers.get('x-request-id')).toBe('e2e-olga-1');
    expect(await res.json()).toMatchObject({ requestId: 'e2e-olga-1', delivered: 1 });
    expect(String(await socket.nextMessage())).toBe('{"hi":"olga"}');

    const scrape = await fetch(`${stack.notify.url}/metrics`, { headers: { authorization: `Bearer ${stack.config.apiKeys[0]}` } });
    expect(scrape.status).toBe(200);
    const text = await scrape.text();
    expect(sample(text, 'socketpost_connects_total{stage="dev",outcome="accepted"}')).toBe(1);
    expect(sample(text, 'socketpost_authorizer_refusals_total{reason="invalid_token"}')).toBe(1);
    expect(sample(text, 'socketpost_deliveries_total{route="/notify",outcome="delivered"}')).toBe(1);
    expect(sample(text, 'socketpost_posts_total{stage="dev",result="delivered"}')).toBe(1);
    expect(sample(text, 'socketpost_post_duration_seconds_count{stage="dev",result="delivered"}')).toBe(1);
    expect(text).not.toContain('olga');
  });
});
