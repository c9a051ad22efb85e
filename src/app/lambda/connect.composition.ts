import { RecordConnectionUseCase } from '../../domain/use-cases/record-connection.use-case.js';
import { RegisterEndpointUseCase } from '../../domain/use-cases/register-endpoint.use-case.js';
import type { Logger } from '../../ports/logger.js';
import { lambdaClock, lambdaConfig, lambdaLogger } from './lambda-environment.js';
import { lambdaConnectionRepository, lambdaEndpointRegistry } from './lambda-storage.js';

/** `$connect`: storage and the clock; no messenger, no token verifier. */
export function composeConnect(): { recordConnection: RecordConnectionUseCase; logger: Logger } {
  const config = lambdaConfig();
  const registerEndpoint = new RegisterEndpointUseCase(lambdaEndpointRegistry(), config.region);
  const recordConnection = new RecordConnectionUseCase(lambdaConnectionRepository(), registerEndpoint, lambdaClock(), {
    ttlGraceSeconds: config.connectionTtlGraceSeconds,
  });
  return { recordConnection, logger: lambdaLogger() };
}
