import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { DeliveryReport, NotifyUserUseCase } from '../../domain/use-cases/notify-user.use-case.js';
import type { ListConnectionsUseCase } from '../../domain/use-cases/list-connections.use-case.js';
import { ValidationError } from '../../domain/errors/domain.error.js';
import type { NotifyUsersReport, NotifyUsersUseCase } from '../../domain/use-cases/notify-users.use-case.js';
import type { RunIdempotentlyUseCase } from '../../domain/use-cases/run-idempotently.use-case.js';
import { ConnectionsReply, ErrorReply, NotifyReply, UserParams } from './http.schemas.js';
import { idempotently } from './idempotency.js';
import { IdempotencyHeaders, NotifyRequestBody, NotifyUsersReply } from './parity.schemas.js';
import type { StopSignal } from '../../domain/shared/stop-signal.js';

export interface NotifyRoutesOptions {
  notifyUser: NotifyUserUseCase;
  listConnections: ListConnectionsUseCase;
  /** `userIds` (1–100 users) and the Idempotency-Key header. */
  notifyUsers?: NotifyUsersUseCase;
  runIdempotently?: RunIdempotentlyUseCase;
  /** When it stops, in-flight notifies answer at once with what is known (the rest `failed`, `SHUTDOWN`). */
  shutdown?: StopSignal;
}

const errors = { 400: ErrorReply, 401: ErrorReply, 413: ErrorReply, 503: ErrorReply };

/** `POST /notify` and `GET /users/:userId/connections`: one use case each, errors mapped by the app's handler. */
export const notifyRoutes: FastifyPluginAsyncTypebox<NotifyRoutesOptions> = async (app, { notifyUser, listConnections, notifyUsers, runIdempotently, shutdown }) => {
  app.post(
    '/notify',
    {
      schema: {
        tags: ['notify'],
        summary: "Send a message to every open socket of a user, each through its own stage's endpoint",
        description: 'Give `userId`, or `userIds` (1–100 users: the answer then has the totals and a `users` list).',
        security: [{ apiKey: [] }],
        headers: IdempotencyHeaders,
        body: NotifyRequestBody,
        response: { 200: Type.Union([NotifyReply, NotifyUsersReply]), 409: ErrorReply, 422: ErrorReply, ...errors },
      },
    },
    async (request, reply) => {
      const { userId, userIds, ...rest } = request.body;
      if ((userId === undefined) === (userIds === undefined) || (userIds && !notifyUsers)) {
        throw new ValidationError('userId', 'body.userId is required (or, instead, userIds: 1–100 user ids)');
      }
      return idempotently<DeliveryReport | NotifyUsersReport>(request, reply, runIdempotently, () =>
        userIds && notifyUsers ? notifyUsers.execute({ userIds, ...rest }, shutdown) : notifyUser.execute({ userId: userId as string, ...rest }, shutdown),
      );
    },
  );

  app.get(
    '/users/:userId/connections',
    {
      schema: {
        tags: ['connections'],
        summary: "List a user's open connections",
        security: [{ apiKey: [] }],
        params: UserParams,
        response: { 200: ConnectionsReply, ...errors },
      },
    },
    async (request) => {
      const connections = await listConnections.execute(request.params.userId);
      return {
        userId: request.params.userId,
        connections: connections.map((c) => ({
          connectionId: c.connectionId,
          apiId: c.endpoint.apiId,
          stage: c.endpoint.stage,
          region: c.endpoint.region,
          endpoint: c.endpoint.url,
          connectedAt: new Date(c.connectedAt).toISOString(),
        })),
      };
    },
  );
};
