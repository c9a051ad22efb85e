import { ApiGatewayConnectionMessenger } from '../../adapters/api-gateway/api-gateway-connection.messenger.js';
import { SignedHttpConnectionMessenger } from '../../adapters/api-gateway/signed-http-connection.messenger.js';
import type { ConnectionMessenger } from '../../ports/connection.messenger.js';
import { lambdaConfig } from './lambda-environment.js';

/** The messenger of the handlers that post (`$default`), as `MESSENGER` chooses, built once per execution environment. */
let messenger: ConnectionMessenger | undefined;

export function lambdaMessenger(): ConnectionMessenger {
  return (messenger ??= lambdaConfig().messenger === 'sdk' ? new ApiGatewayConnectionMessenger() : new SignedHttpConnectionMessenger());
}
