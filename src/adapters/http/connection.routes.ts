import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { CloseConnectionUseCase } from '../../domain/use-cases/close-connection.use-case.js';
import type { CloseUserConnectionsUseCase } from '../../domain/use-cases/close-user-connections.use-case.js';
import type { IsUserOnlineUseCase } from '../../domain/use-cases/is-user-online.use-case.js';
import type { StopSignal } from '../../domain/shared/stop-signal.js';
import type { RunIdempotentlyUseCase } from '../../domain/use-cases/run-idempotently.use-case.js';
import type { SendToConnectionUseCase } from '../../domain/use-cases/send-to-connection.use-case.js';
import { UserParams } from './http.schemas.js';
import { idempotently } from './idempotency.js';
import { CloseUserReply, ConnectionDeliveryReply, ConnectionParams, IdempotencyHeaders, MessageBody } from './parity.schemas.js';
import { routeResponses } from './route-responses.js';

export interface ConnectionRoutesOptions {
  sendToConnection: SendToConnectionUseCase;
  closeConnection: CloseConnectionUseCase;
  closeUserConnections: CloseUserConnectionsUseCase;
  isUserOnline: IsUserOnlineUseCase;
  runIdempotently: RunIdempotentlyUseCase;
  /** Stops sends still running when the service shuts down (they answer with what is known). */
  shutdown?: StopSignal;
}

/**
 * Exactly the statuses each route can answer: every route has a path parameter (414) and the API key check
 * and rate limit (401, 429); a POST, PUT or DELETE may carry a body (413, 415), HEAD never does; an
 * Idempotency-Key may be in use (409) or reused (422).
 */
const SEND_ERRORS = [400, 401, 404, 409, 413, 414, 415, 422, 429, 503];
const CLOSE_ERRORS = [400, 401, 404, 413, 414, 415, 429, 502, 503];
const CLOSE_USER_ERRORS = [400, 401, 413, 414, 415, 429, 503];
const ONLINE_ERRORS = [400, 401, 404, 414, 429, 503];

/** One connection (send, close) and one user's connections (close all, online?). */
export const connectionRoutes: FastifyPluginAsyncTypebox<ConnectionRoutesOptions> = async (app, uc) => {
  app.post(
    '/connections/:connectionId/messages',
    {
      schema: {
        operationId: 'sendToConnection',
        tags: ['connections'],
        summary: 'Send a message to one connection, through its own endpoint',
        description: 'Unknown or gone (410: its record is then removed) → 404 CONNECTION_NOT_FOUND.',
        security: [{ apiKey: [] }],
        params: ConnectionParams,
        headers: IdempotencyHeaders,
        body: MessageBody,
        response: routeResponses({ status: 200, schema: ConnectionDeliveryReply, description: 'Sent (or failed: see `error`); a gone connection answers 404.' }, SEND_ERRORS),
      },
    },
    async (request, reply) =>
      idempotently(request, reply, uc.runIdempotently, () =>
        uc.sendToConnection.execute({ connectionId: request.params.connectionId, message: request.body.message }, uc.shutdown),
      ),
  );

  app.delete(
    '/connections/:connectionId',
    {
      schema: {
        operationId: 'closeConnection',
        tags: ['connections'],
        summary: 'Close a connection (DELETE @connections through its own endpoint) and forget it',
        security: [{ apiKey: [] }],
        params: ConnectionParams,
        response: routeResponses({ status: 204, description: 'Closed, and its record removed (no body).' }, CLOSE_ERRORS),
      },
    },
    async (request, reply) => {
      await uc.closeConnection.execute(request.params.connectionId);
      return reply.status(204).send();
    },
  );

  app.delete(
    '/users/:userId/connections',
    {
      schema: {
        operationId: 'closeUserConnections',
        tags: ['connections'],
        summary: 'Close every connection of a user',
        security: [{ apiKey: [] }],
        params: UserParams,
        response: routeResponses({ status: 200, schema: CloseUserReply, description: "What became of each of the user's connections (also when she had none)." }, CLOSE_USER_ERRORS),
      },
    },
    async (request) => uc.closeUserConnections.execute(request.params.userId),
  );

  app.head(
    '/users/:userId/connections',
    {
      // Documented, unlike the HEAD routes Fastify adds for each GET.
      config: { swagger: { exposeHeadRoute: true } },
      schema: {
        operationId: 'isUserOnline',
        tags: ['connections'],
        summary: 'Is the user online? 200 when she has a live connection, else 404 (no body)',
        security: [{ apiKey: [] }],
        params: UserParams,
        response: routeResponses({ status: 200, description: 'She has a live connection (no body).' }, ONLINE_ERRORS, {
          withoutBody: true,
          descriptions: { 404: 'She has no live connection (no body); a HEAD answer never has a body, errors neither.' },
        }),
      },
    },
    async (request, reply) => reply.status((await uc.isUserOnline.execute(request.params.userId)) ? 200 : 404).send(),
  );
};
