import { RemoveConnectionUseCase } from '../../domain/use-cases/remove-connection.use-case.js';
import type { Logger } from '../../ports/logger.js';
import { lambdaLogger } from './lambda-environment.js';
import { lambdaConnectionRepository } from './lambda-storage.js';

/** `$disconnect`: the connection repository only. */
export function composeDisconnect(): { removeConnection: RemoveConnectionUseCase; logger: Logger } {
  return { removeConnection: new RemoveConnectionUseCase(lambdaConnectionRepository()), logger: lambdaLogger() };
}
