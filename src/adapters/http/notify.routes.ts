import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { NotifyUserUseCase } from '../../domain/use-cases/notify-user.use-case.js';
import type { ListConnectionsUseCase } from '../../domain/use-cases/list-connections.use-case.js';
import type { StopSignal } from '../../domain/shared/stop-signal.js';
import { ConnectionsReply, ErrorReply, NotifyBody, NotifyReply, UserParams } from './http.schemas.js';

export interface NotifyRoutesOptions {
  notifyUser: NotifyUserUseCase;
  listConnections: ListConnectionsUseCase;
  /** When it stops, in-flight notifies answer at once with what is known (the rest `failed`, `SHUTDOWN`). */
  shutdown?: StopSignal;
}

const errors = { 400: ErrorReply, 401: ErrorReply, 413: ErrorReply, 503: ErrorReply };

/** `POST /notify` and `GET /users/:userId/connections`: one use case each, errors mapped by the app's handler. */
export const notifyRoutes: FastifyPluginAsyncTypebox<NotifyRoutesOptions> = async (app, { notifyUser, listConnections, shutdown }) => {
  app.post(
    '/notify',
    {
      schema: {
        tags: ['notify'],
        summary: "Send a message to every open socket of a user, each through its own stage's endpoint",
        security: [{ apiKey: [] }],
        body: NotifyBody,
        response: { 200: NotifyReply, ...errors },
      },
    },
    async (request) => notifyUser.execute(request.body, shutdown),
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
