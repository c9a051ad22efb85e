import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { NotifyUserUseCase } from '../../domain/use-cases/notify-user.use-case.js';
import type { ListConnectionsUseCase } from '../../domain/use-cases/list-connections.use-case.js';
import type { StopSignal } from '../../domain/shared/stop-signal.js';
import { ConnectionsReply, NotifyBody, NotifyReply, UserParams } from './http.schemas.js';
import { routeResponses } from './route-responses.js';

export interface NotifyRoutesOptions {
  notifyUser: NotifyUserUseCase;
  listConnections: ListConnectionsUseCase;
  /** When it stops, in-flight notifies answer at once with what is known (the rest `failed`, `SHUTDOWN`). */
  shutdown?: StopSignal;
}

/** Exactly the statuses each route can answer (a GET has no body, so no 413 or 415). */
const NOTIFY_ERRORS = [400, 401, 413, 415, 429, 503];
const LIST_ERRORS = [400, 401, 414, 429, 503];

/** `POST /notify` and `GET /users/:userId/connections`: one use case each, errors mapped by the app's handler. */
export const notifyRoutes: FastifyPluginAsyncTypebox<NotifyRoutesOptions> = async (app, { notifyUser, listConnections, shutdown }) => {
  app.post(
    '/notify',
    {
      schema: {
        operationId: 'notifyUser',
        tags: ['notify'],
        summary: "Send a message to every open socket of a user, each through its own stage's endpoint",
        security: [{ apiKey: [] }],
        body: NotifyBody,
        response: routeResponses({ status: 200, schema: NotifyReply, description: 'Delivery report (also when some connections failed).' }, NOTIFY_ERRORS),
      },
    },
    async (request) => notifyUser.execute(request.body, shutdown),
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
