import { ApiGatewayConnectionMessenger } from '../../adapters/api-gateway/api-gateway-connection.messenger.js';
import { SignedHttpConnectionMessenger } from '../../adapters/api-gateway/signed-http-connection.messenger.js';
import type { ConnectionMessenger } from '../../ports/connection.messenger.js';
import { InstrumentedConnectionMessenger } from '../../adapters/observability/instrumented-connection.messenger.js';
import { lambdaConfig, lambdaMetrics } from './lambda-environment.js';

/** The messenger of the handlers that post (`$default`), as `MESSENGER` chooses, built once per execution environment. */
let messenger: ConnectionMessenger | undefined;

export function lambdaMessenger(): ConnectionMessenger {
  if (messenger) return messenger;
  const config = lambdaConfig();
  const adapter = config.messenger === 'sdk' ? new ApiGatewayConnectionMessenger() : new SignedHttpConnectionMessenger();
  // METRICS=on: each post counted by stage and result, and timed.
  return (messenger = config.metrics === 'off' ? adapter : new InstrumentedConnectionMessenger(adapter, lambdaMetrics()));
}
