import { describe, expect, it } from 'vitest';
import { banner } from '../../src/local/local-stack.js';
import { useLocalStack } from '../support/local-stack.js';
import { handshakeStatus } from '../support/ws-client.js';

const e2e = useLocalStack({ label: 'obs' });

/** The value of one Prometheus sample line (labels in the order the registry writes them), or undefined. */
function sample(text: string, line: string): number | undefined {
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

describe('metrics and correlation on the local stack (real sockets, emulator, DynamoDB Local)', () => {
  it('should print where /metrics is, count a real connect, a refusal and a delivery, and answer with the request id', async () => {
    const { stack } = e2e;
    expect(banner(stack)).toContain(`${stack.notify.url}/metrics`);

    const socket = await e2e.connect('olga');
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
