import { RemoveConnectionUseCase } from '../../domain/use-cases/remove-connection.use-case.js';
import type { Logger } from '../../ports/logger.js';
import type { LambdaMetrics } from '../../adapters/lambda/lambda-observability.js';
import { lambdaLogger, lambdaMetrics } from './lambda-environment.js';
import { lambdaConnectionRepository, lambdaGroupRepository } from './lambda-storage.js';

/** `$disconnect`: the connection record and the groups the socket joined itself. */
export function composeDisconnect(): { removeConnection: RemoveConnectionUseCase; logger: Logger; metrics: LambdaMetrics } {
  return { removeConnection: new RemoveConnectionUseCase(lambdaConnectionRepository(), lambdaGroupRepository()), logger: lambdaLogger(), metrics: lambdaMetrics() };
}
