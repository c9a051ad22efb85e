import type { RemoveConnectionUseCase } from '../../domain/use-cases/remove-connection.use-case.js';
import type { Logger } from '../../ports/logger.js';
import { composeDisconnect } from '../../app/lambda/disconnect.composition.js';
import type { WebSocketHandler } from './lambda-events.js';
import { observeWebSocketHandler } from './lambda-observability.js';
import { OK, once, requestContextOf } from './lambda-support.js';

/** `$disconnect`: forgets the connection. Always 200: API Gateway ignores the answer, and the TTL is the safety net. */
export function createDisconnectHandler(removeConnection: RemoveConnectionUseCase, logger: Logger): WebSocketHandler {
  return async (event) => {
    const ctx = requestContextOf(event);
    if (!ctx) {
      logger.warn('disconnect event without requestContext');
      return OK;
    }
    const { connectionId, disconnectStatusCode, disconnectReason } = ctx;
    try {
      const { removed } = await removeConnection.execute(connectionId);
      logger.info('disconnected', { connectionId, removed, disconnectStatusCode, disconnectReason });
    } catch (error) {
      logger.error('disconnect could not remove the connection', {
        connectionId,
        error: error instanceof Error ? error.message : String(error),
      });
    }
    return OK;
  };
}

export const handler: WebSocketHandler = once(() => {
  const { removeConnection, logger, metrics } = composeDisconnect();
  return observeWebSocketHandler('disconnect', createDisconnectHandler(removeConnection, logger), metrics);
});
