import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { DeliveryReport, NotifyUserUseCase } from '../../domain/use-cases/notify-user.use-case.js';
import type { ListConnectionsUseCase } from '../../domain/use-cases/list-connections.use-case.js';
import { ValidationError } from '../../domain/errors/domain.error.js';
import type { NotifyUsersReport, NotifyUsersUseCase } from '../../domain/use-cases/notify-users.use-case.js';
import type { RunIdempotentlyUseCase } from '../../domain/use-cases/run-idempotently.use-case.js';
import { idempotently } from './idempotency.js';
import { IdempotencyHeaders, NotifyRequestBody, NotifyResult } from './parity.schemas.js';
import type { StopSignal } from '../../domain/shared/stop-signal.js';
import { ConnectionsReply, UserParams } from './http.schemas.js';
import { routeResponses } from './route-responses.js';

export interface NotifyRoutesOptions {
  notifyUser: NotifyUserUseCase;
  listConnections: ListConnectionsUseCase;
  /** `userIds` (1–100 users) and the Idempotency-Key header. */
  notifyUsers?: NotifyUsersUseCase;
  runIdempotently?: RunIdempotentlyUseCase;
  /** When it stops, in-flight notifies answer at once with what is known (the rest `failed`, `SHUTDOWN`). */
  shutdown?: StopSignal;
}

/**
 * Exactly the statuses each route can answer (a GET has no body, so no 413 or 415; only POST /notify takes an
 * Idempotency-Key: 409 in use, 422 reused).
 */
const NOTIFY_ERRORS = [400, 401, 409, 413, 415, 422, 429, 503];
const LIST_ERRORS = [400, 401, 414, 429, 503];

/** `POST /notify` and `GET /users/:userId/connections`: one use case each, errors mapped by the app's handler. */
export const notifyRoutes: FastifyPluginAsyncTypebox<NotifyRoutesOptions> = async (app, { notifyUser, listConnections, notifyUsers, runIdempotently, shutdown }) => {
  app.post(
    '/notify',
    {
      schema: {
        operationId: 'notifyUser',
        tags: ['notify'],
        summary: "Send a message to every open socket of a user, each through its own stage's endpoint",
        description: 'Give `userId`, or `userIds` (1–100 users: the answer then has the totals and a `users` list).',
        security: [{ apiKey: [] }],
        headers: IdempotencyHeaders,
        body: NotifyRequestBody,
        // One user (`userId`) or several (`userIds`): two report shapes (`NotifyResult`).
        response: routeResponses(
          { status: 200, schema: NotifyResult, description: 'Delivery report (also when some connections failed): one user, or the totals and each user.' },
          NOTIFY_ERRORS,
        ),
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
        operationId: 'listUserConnections',
        tags: ['connections'],
        summary: "List a user's open connections",
        security: [{ apiKey: [] }],
        params: UserParams,
        response: routeResponses({ status: 200, schema: ConnectionsReply, description: "The user's open connections (empty when none)." }, LIST_ERRORS),
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
