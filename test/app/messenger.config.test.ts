import { describe, expect, it } from 'vitest';
import { ApiGatewayConnectionMessenger } from '../../src/adapters/api-gateway/api-gateway-connection.messenger.js';
import { InstrumentedConnectionMessenger } from '../../src/adapters/observability/instrumented-connection.messenger.js';
import { PacedConnectionMessenger } from '../../src/adapters/api-gateway/paced-connection.messenger.js';
import { SignedHttpConnectionMessenger } from '../../src/adapters/api-gateway/signed-http-connection.messenger.js';
import { loadCoreConfig } from '../../src/app/config.js';
import { createContainer } from '../../src/app/container.js';
import { CONNECTION_MESSENGER, type ConnectionMessenger } from '../../src/ports/connection.messenger.js';
import { coreConfig } from '../support/core-config.js';

/** The adapter behind the metrics and pacing decorators the container registers. */
function adapterOf(messenger: ConnectionMessenger): unknown {
  expect(messenger).toBeInstanceOf(InstrumentedConnectionMessenger);
  const paced = (messenger as unknown as { inner: unknown }).inner;
  expect(paced).toBeInstanceOf(PacedConnectionMessenger);
  return (paced as { inner: unknown }).inner;
}

describe('MESSENGER configuration', () => {
  it('should default to signed-http', () => {
    expect(loadCoreConfig({}).messenger).toBe('signed-http');
  });

  it('should accept sdk and signed-http', () => {
    expect(loadCoreConfig({ MESSENGER: 'sdk' }).messenger).toBe('sdk');
    expect(loadCoreConfig({ MESSENGER: ' signed-http ' }).messenger).toBe('signed-http');
  });

  it('should refuse any other value, naming the variable and the allowed values, with the other problems', () => {
    expect(() => loadCoreConfig({ MESSENGER: 'fetch', NOTIFY_CONCURRENCY: '0' })).toThrow(
      /MESSENGER must be one of signed-http, sdk \(got "fetch"\)[\s\S]*NOTIFY_CONCURRENCY|NOTIFY_CONCURRENCY[\s\S]*MESSENGER must be one of signed-http, sdk \(got "fetch"\)/,
    );
  });

  it('should register the paced signed-HTTP messenger by default, and the paced SDK messenger for sdk', () => {
    const credentials = { accessKeyId: 'AKIDCONTAINER', secretAccessKey: 'container-secret' };
    const signed = createContainer(coreConfig(), { credentials }).resolve<ConnectionMessenger>(CONNECTION_MESSENGER);
    const sdk = createContainer(coreConfig({ messenger: 'sdk' }), { credentials }).resolve<ConnectionMessenger>(CONNECTION_MESSENGER);

    expect(adapterOf(signed)).toBeInstanceOf(SignedHttpConnectionMessenger);
    expect(adapterOf(sdk)).toBeInstanceOf(ApiGatewayConnectionMessenger);
  });

  it('should register the paced messenger without the metrics decorator when METRICS=off', () => {
    const credentials = { accessKeyId: 'AKIDCONTAINER', secretAccessKey: 'container-secret' };
    const messenger = createContainer(coreConfig({ metrics: 'off' }), { credentials }).resolve<ConnectionMessenger>(CONNECTION_MESSENGER);
    expect(messenger).toBeInstanceOf(PacedConnectionMessenger);
  });
});
