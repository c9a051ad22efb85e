import { RecordConnectionUseCase } from '../../domain/use-cases/record-connection.use-case.js';
import { RegisterEndpointUseCase } from '../../domain/use-cases/register-endpoint.use-case.js';
import type { Logger } from '../../ports/logger.js';
import type { LambdaMetrics } from '../../adapters/lambda/lambda-observability.js';
import { lambdaClock, lambdaConfig, lambdaLogger, lambdaMetrics } from './lambda-environment.js';
import { lambdaConnectionRepository, lambdaEndpointRegistry } from './lambda-storage.js';

/** `$connect`: storage and the clock; no messenger, no token verifier. */
export function composeConnect(): { recordConnection: RecordConnectionUseCase; logger: Logger; metrics: LambdaMetrics } {
  const config = lambdaConfig();
  const registerEndpoint = new RegisterEndpointUseCase(lambdaEndpointRegistry(), config.region);
  const recordConnection = new RecordConnectionUseCase(lambdaConnectionRepository(), registerEndpoint, lambdaClock(), {
    ttlGraceSeconds: config.connectionTtlGraceSeconds,
  });
  return { recordConnection, logger: lambdaLogger(), metrics: lambdaMetrics() };
}
