import { RemoveConnectionUseCase } from '../../domain/use-cases/remove-connection.use-case.js';
import type { Logger } from '../../ports/logger.js';
import type { LambdaMetrics } from '../../adapters/lambda/lambda-observability.js';
import { lambdaLogger, lambdaMetrics } from './lambda-environment.js';
import { lambdaConnectionRepository } from './lambda-storage.js';

/** `$disconnect`: the connection repository only. */
export function composeDisconnect(): { removeConnection: RemoveConnectionUseCase; logger: Logger; metrics: LambdaMetrics } {
  return { removeConnection: new RemoveConnectionUseCase(lambdaConnectionRepository()), logger: lambdaLogger(), metrics: lambdaMetrics() };
}
