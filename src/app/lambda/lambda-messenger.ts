import { ApiGatewayConnectionMessenger } from '../../adapters/api-gateway/api-gateway-connection.messenger.js';
import type { ConnectionMessenger } from '../../ports/connection.messenger.js';

/** The messenger of the handlers that post (`$default`), built once per execution environment. */
let messenger: ConnectionMessenger | undefined;

export function lambdaMessenger(): ConnectionMessenger {
  return (messenger ??= new ApiGatewayConnectionMessenger());
}
