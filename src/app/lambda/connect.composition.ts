import { RecordConnectionUseCase } from '../../domain/use-cases/record-connection.use-case.js';
import { RegisterEndpointUseCase } from '../../domain/use-cases/register-endpoint.use-case.js';
import type { Logger } from '../../ports/logger.js';
import type { LambdaMetrics } from '../../adapters/lambda/lambda-observability.js';
import { lambdaClock, lambdaConfig, lambdaLogger, lambdaMetrics } from './lambda-environment.js';
import { lambdaConnectionRepository, lambdaEndpointRegistry, lambdaMessageLog } from './lambda-storage.js';

/** `$connect`: storage (connections, endpoints, the message log's recovering mark) and the clock; no messenger, no token verifier. */
export function composeConnect(): { recordConnection: RecordConnectionUseCase; logger: Logger; metrics: LambdaMetrics } {
  const config = lambdaConfig();
  const registerEndpoint = new RegisterEndpointUseCase(lambdaEndpointRegistry(), config.region);
  const recordConnection = new RecordConnectionUseCase(lambdaConnectionRepository(), registerEndpoint, lambdaClock(), {
    ttlGraceSeconds: config.connectionTtlGraceSeconds,
    recoveryWindowSeconds: config.recoveryWindowSeconds,
  }, lambdaMessageLog());
  return { recordConnection, logger: lambdaLogger(), metrics: lambdaMetrics() };
}
