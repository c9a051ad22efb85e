import { afterEach, describe, expect, it, vi } from 'vitest';
import { createContainer } from '../../src/app/container.js';
import { startNotifyService } from '../../src/app/notify-service.js';
import { RecordConnectionUseCase } from '../../src/domain/use-cases/record-connection.use-case.js';
import { coreConfig, serverConfig, TEST_API_KEY } from '../support/core-config.js';
import { ScriptedMessenger } from '../support/scripted-messenger.js';
import { MemoryLogger } from '../support/silent-logger.js';

/** The EMF lines written to stdout (other output passes through). */
function captureEmf(): { lines: () => Record<string, unknown>[] } {
  const written: string[] = [];
  const original = process.stdout.write.bind(process.stdout);
  vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: never[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (!text.includes('"_aws"')) return original(chunk, ...rest);
    written.push(text);
    return true;
  }) as typeof process.stdout.write);
  return { lines: () => written.flatMap((t) => t.split('\n').filter(Boolean)).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the notify service with METRICS_EMF_INTERVAL_SECONDS', () => {
  it('should write its deliveries and latencies as EMF lines, at the latest when it stops', async () => {
    const messenger = new ScriptedMessenger();
    const config = { ...coreConfig(), metricsEmfIntervalSeconds: 3_600 };
    const container = createContainer(config, { messenger, logger: new MemoryLogger() });
    const c = await container.resolve(RecordConnectionUseCase).execute({
      connectionId: 'c1',
      userId: 'alice',
      apiId: 'apia1',
      domainName: 'apia1.execute-api.us-east-1.amazonaws.com',
      stage: 'dev',
    });
    messenger.open('c1', { url: c.endpoint.url, region: c.endpoint.region });
    const emf = captureEmf();
    const service = await startNotifyService({ ...serverConfig(), metricsEmfIntervalSeconds: 3_600 }, container);

    const res = await fetch(`${service.url}/notify`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'alice', message: 'hi' }),
    });
    expect(await res.json()).toMatchObject({ delivered: 1 });
    // Prometheus records too: one registry, two outputs.
    const scrape = await fetch(`${service.url}/metrics`, { headers: { authorization: `Bearer ${TEST_API_KEY}` } });
    expect(await scrape.text()).toMatch(/socketpost_deliveries_total\{route="\/notify",outcome="delivered"\} 1/);
    expect(emf.lines()).toEqual([]);

    await service.close();
    const lines = emf.lines();
    expect(lines.find((l) => 'Deliveries' in l)).toMatchObject({ Deliveries: 1, outcome: 'delivered', service: 'socketpost' });
    expect(lines.find((l) => 'NotifyLatency' in l)?.NotifyLatency).toEqual(expect.any(Number));
    expect(lines.find((l) => 'FanOutSize' in l)).toMatchObject({ FanOutSize: 1 });
  });
});
