import { describe, expect, it } from 'vitest';
import { loadServerConfig } from '../../src/app/config.js';
import { createContainer } from '../../src/app/container.js';
import { PROMETHEUS_METRICS } from '../../src/app/tokens.js';
import type { PrometheusMetrics } from '../../src/adapters/observability/prometheus.metrics.js';
import { CONNECTION_REPOSITORY, type ConnectionRepository } from '../../src/ports/connection.repository.js';
import { ENDPOINT_REGISTRY, type EndpointRegistry } from '../../src/ports/endpoint.registry.js';
import { GROUP_REPOSITORY, type GroupRepository } from '../../src/ports/group.repository.js';
import { IDEMPOTENCY_STORE, type IdempotencyStore } from '../../src/ports/idempotency.store.js';
import { MESSAGE_LOG, type MessageLog } from '../../src/ports/message.log.js';
import { TEST_CREDENTIALS } from '../support/dynamodb-local.js';
import { refusedPort } from '../support/loopback-sinks.js';

/** `socketpost_storage_errors_total` by `store`, from the Prometheus text. */
function storageErrorsByStore(text: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const match of text.matchAll(/^socketpost_storage_errors_total\{([^}]*)\} (\d+)$/gm)) {
    const store = /store="([^"]*)"/.exec(match[1] as string)?.[1] as string;
    counts[store] = (counts[store] ?? 0) + Number(match[2]);
  }
  return counts;
}

async function containerOnDeadStorage(metrics: 'on' | 'off') {
  const config = loadServerConfig({
    NOTIFY_API_KEYS: 'storage-metrics-test-key-0123456789',
    AWS_REGION: 'eu-west-1',
    STORAGE: 'dynamodb',
    DYNAMODB_ENDPOINT: `http://127.0.0.1:${await refusedPort()}`,
    METRICS: metrics,
  });
  const container = createContainer(config, { credentials: TEST_CREDENTIALS });
  const now = Date.now();
  const calls: Promise<unknown>[] = [
    container.resolve<ConnectionRepository>(CONNECTION_REPOSITORY).findByUser('alice'),
    container.resolve<EndpointRegistry>(ENDPOINT_REGISTRY).list(),
    container.resolve<GroupRepository>(GROUP_REPOSITORY).hasUser('team', 'alice'),
    container.resolve<IdempotencyStore>(IDEMPOTENCY_STORE).release('key-1'),
    container.resolve<MessageLog>(MESSAGE_LOG).isRecovering('alice', now),
  ];
  const outcomes = await Promise.allSettled(calls);
  return { container, outcomes };
}

describe('storage error metrics of the notify service', () => {
  it('should count a failed call of every store it builds: connections, endpoints, groups, idempotency and messages', async () => {
    const { container, outcomes } = await containerOnDeadStorage('on');
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected', 'rejected']);
    const text = await container.resolve<PrometheusMetrics>(PROMETHEUS_METRICS).text();
    expect(storageErrorsByStore(text)).toEqual({ connections: 1, endpoints: 1, groups: 1, idempotency: 1, messages: 1 });
    expect(text).toMatch(/socketpost_storage_errors_total\{[^}]*operation="isRecovering"[^}]*\} 1/);
  });

  it('should leave the stores unwrapped and count nothing with METRICS=off', async () => {
    const { container, outcomes } = await containerOnDeadStorage('off');
    expect(outcomes.every((o) => o.status === 'rejected')).toBe(true);
    expect(storageErrorsByStore(await container.resolve<PrometheusMetrics>(PROMETHEUS_METRICS).text())).toEqual({});
  });
});
