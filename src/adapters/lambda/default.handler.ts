import type { AnswerClientMessageUseCase } from '../../domain/use-cases/answer-client-message.use-case.js';
import type { Logger } from '../../ports/logger.js';
import { composeDefault } from '../../app/lambda/default.composition.js';
import type { WebSocketHandler } from './lambda-events.js';
import { observeWebSocketHandler } from './lambda-observability.js';
import { BAD_EVENT, OK, failureResult, locationOf, once, requestContextOf } from './lambda-support.js';

/** `$default`: `{"action":"ping"}` gets `{"type":"pong"}` through the sender's own endpoint; the rest is accepted. */
export function createDefaultHandler(answerClientMessage: AnswerClientMessageUseCase, logger: Logger): WebSocketHandler {
  return async (event) => {
    const ctx = requestContextOf(event);
    if (!ctx) return BAD_EVENT;
    const { connectionId } = ctx;
    try {
      const outcome = await answerClientMessage.execute({
        ...locationOf(event),
        connectionId,
        body: typeof event.body === 'string' ? event.body : null,
        isBase64Encoded: event.isBase64Encoded === true,
        allowedGroups: String(event.requestContext.authorizer?.groups ?? '').split(',').filter(Boolean),
      });
      if (outcome.answered && outcome.result.status !== 'delivered') {
        logger.warn('pong not delivered', { connectionId, result: outcome.result });
      }
      return OK;
    } catch (error) {
      return failureResult(error, logger, 'message');
    }
  };
}

export const handler: WebSocketHandler = once(() => {
  const { answerClientMessage, logger, metrics } = composeDefault();
  return observeWebSocketHandler('default', createDefaultHandler(answerClientMessage, logger), metrics);
});
