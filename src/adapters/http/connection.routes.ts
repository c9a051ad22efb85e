import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { CloseConnectionUseCase } from '../../domain/use-cases/close-connection.use-case.js';
import type { CloseUserConnectionsUseCase } from '../../domain/use-cases/close-user-connections.use-case.js';
import type { IsUserOnlineUseCase } from '../../domain/use-cases/is-user-online.use-case.js';
import type { RunIdempotentlyUseCase } from '../../domain/use-cases/run-idempotently.use-case.js';
import type { SendToConnectionUseCase } from '../../domain/use-cases/send-to-connection.use-case.js';
import { ErrorReply, UserParams } from './http.schemas.js';
import { idempotently } from './idempotency.js';
import { CloseUserReply, ConnectionDeliveryReply, ConnectionParams, IdempotencyHeaders, MessageBody } from './parity.schemas.js';

export interface ConnectionRoutesOptions {
  sendToConnection: SendToConnectionUseCase;
  closeConnection: CloseConnectionUseCase;
  closeUserConnections: CloseUserConnectionsUseCase;
  isUserOnline: IsUserOnlineUseCase;
  runIdempotently: RunIdempotentlyUseCase;
}

const errors = { 400: ErrorReply, 401: ErrorReply, 503: ErrorReply };

/** One connection (send, close) and one user's connections (close all, online?). */
export const connectionRoutes: FastifyPluginAsyncTypebox<ConnectionRoutesOptions> = async (app, uc) => {
  app.post(
    '/connections/:connectionId/messages',
    {
      schema: {
        tags: ['connections'],
        summary: 'Send a message to one connection, through its own endpoint',
        description: 'Unknown or gone (410: its record is then removed) → 404 CONNECTION_NOT_FOUND.',
        security: [{ apiKey: [] }],
        params: ConnectionParams,
        headers: IdempotencyHeaders,
        body: MessageBody,
        response: { 200: ConnectionDeliveryReply, 404: ErrorReply, 409: ErrorReply, 413: ErrorReply, 422: ErrorReply, ...errors },
      },
    },
    async (request, reply) =>
      idempotently(request, reply, uc.runIdempotently, () =>
        uc.sendToConnection.execute({ connectionId: request.params.connectionId, message: request.body.message }),
      ),
  );

  app.delete(
    '/connections/:connectionId',
    {
      schema: {
        tags: ['connections'],
        summary: 'Close a connection (DELETE @connections through its own endpoint) and forget it',
        security: [{ apiKey: [] }],
        params: ConnectionParams,
        response: { 204: { type: 'null', description: 'Closed.' }, 404: ErrorReply, 502: ErrorReply, ...errors },
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
        tags: ['connections'],
        summary: 'Close every connection of a user',
        security: [{ apiKey: [] }],
        params: UserParams,
        response: { 200: CloseUserReply, ...errors },
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
        tags: ['connections'],
        summary: 'Is the user online? 200 when she has a live connection, else 404 (no body)',
        security: [{ apiKey: [] }],
        params: UserParams,
      },
    },
    async (request, reply) => reply.status((await uc.isUserOnline.execute(request.params.userId)) ? 200 : 404).send(),
  );
};
