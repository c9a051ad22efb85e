import { AnswerClientMessageUseCase } from '../../domain/use-cases/answer-client-message.use-case.js';
import { ResumeMessagesUseCase } from '../../domain/use-cases/resume-messages.use-case.js';
import type { Logger } from '../../ports/logger.js';
import type { LambdaMetrics } from '../../adapters/lambda/lambda-observability.js';
import { lambdaClock, lambdaConfig, lambdaLogger, lambdaMetrics } from './lambda-environment.js';
import { lambdaMessenger } from './lambda-messenger.js';
import { SocketGroupUseCase } from '../../domain/use-cases/socket-group.use-case.js';
import { lambdaConnectionRepository, lambdaGroupRepository, lambdaMessageLog } from './lambda-storage.js';

/**
 * `$default`: the messenger (to answer through the sender's endpoint); for `join`/`leave`, the sender's
 * connection record and the group memberships; for `resume`, the connection record and the message log.
 */
export function composeDefault(): { answerClientMessage: AnswerClientMessageUseCase; logger: Logger; metrics: LambdaMetrics } {
  const config = lambdaConfig();
  const resume = new ResumeMessagesUseCase(lambdaConnectionRepository(), lambdaMessageLog(), lambdaMessenger(), lambdaClock(), {
    windowSeconds: config.recoveryWindowSeconds,
  });
  return {
    answerClientMessage: new AnswerClientMessageUseCase(
      lambdaMessenger(),
      config.region,
      new SocketGroupUseCase(lambdaConnectionRepository(), lambdaGroupRepository()),
      resume,
    ),
    logger: lambdaLogger(),
    metrics: lambdaMetrics(),
  };
}
