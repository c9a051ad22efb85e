import { AnswerClientMessageUseCase } from '../../domain/use-cases/answer-client-message.use-case.js';
import type { Logger } from '../../ports/logger.js';
import type { LambdaMetrics } from '../../adapters/lambda/lambda-observability.js';
import { lambdaConfig, lambdaLogger, lambdaMetrics } from './lambda-environment.js';
import { lambdaMessenger } from './lambda-messenger.js';

/** `$default`: the messenger (to answer a ping through the sender's endpoint); no storage. */
export function composeDefault(): { answerClientMessage: AnswerClientMessageUseCase; logger: Logger; metrics: LambdaMetrics } {
  return { answerClientMessage: new AnswerClientMessageUseCase(lambdaMessenger(), lambdaConfig().region), logger: lambdaLogger(), metrics: lambdaMetrics() };
}
