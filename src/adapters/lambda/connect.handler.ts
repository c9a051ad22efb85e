import type { RecordConnectionUseCase } from '../../domain/use-cases/record-connection.use-case.js';
import type { Logger } from '../../ports/logger.js';
import { composeConnect } from '../../app/lambda/connect.composition.js';
import type { WebSocketHandler } from './lambda-events.js';
import { observeWebSocketHandler } from './lambda-observability.js';
import { BAD_EVENT, OK, failureResult, header, locationOf, once, requestContextOf } from './lambda-support.js';

/**
 * `$connect`: stores the connection with the endpoint of the API + stage it was opened on. A client offering
 * the `socketpost.v1` subprotocol gets it back in `Sec-WebSocket-Protocol` (API Gateway passes the header on
 * to the handshake's answer; without it the client's handshake fails).
 */
export function createConnectHandler(recordConnection: RecordConnectionUseCase, logger: Logger): WebSocketHandler {
  return async (event) => {
    const ctx = requestContextOf(event);
    if (!ctx) return BAD_EVENT;
    const userId = ctx.authorizer?.userId;
    if (typeof userId !== 'string' || userId.length === 0) {
      logger.warn('connect without an authorized user', { connectionId: ctx.connectionId });
      return { statusCode: 401, body: 'Unauthorized' };
    }
    try {
      const offeredProtocols = header(event.headers, 'sec-websocket-protocol');
      const connection = await recordConnection.execute({
        ...locationOf(event),
        connectionId: ctx.connectionId,
        userId,
        connectedAt: ctx.connectedAt,
        sourceIp: ctx.identity?.sourceIp,
        userAgent: ctx.identity?.userAgent,
        ...(offeredProtocols !== undefined ? { offeredProtocols } : {}),
      });
      return connection.protocol ? { statusCode: 200, headers: { 'Sec-WebSocket-Protocol': connection.protocol } } : OK;
    } catch (error) {
      return failureResult(error, logger, 'connect');
    }
  };
}

export const handler: WebSocketHandler = once(() => {
  const { recordConnection, logger, metrics } = composeConnect();
  return observeWebSocketHandler('connect', createConnectHandler(recordConnection, logger), metrics);
});
