import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type {
  AddUserToGroupUseCase,
  ListGroupConnectionsUseCase,
  ListGroupUsersUseCase,
  RemoveUserFromGroupUseCase,
} from '../../domain/use-cases/group-membership.use-cases.js';
import type { StopSignal } from '../../domain/shared/stop-signal.js';
import type { RunIdempotentlyUseCase } from '../../domain/use-cases/run-idempotently.use-case.js';
import type { SendToGroupUseCase } from '../../domain/use-cases/send-to-group.use-case.js';
import { idempotently } from './idempotency.js';
import {
  GroupConnectionsQuery,
  GroupConnectionsReply,
  GroupMessageBody,
  GroupMessageReply,
  GroupParams,
  GroupUserParams,
  GroupUsersQuery,
  GroupUsersReply,
  IdempotencyHeaders,
} from './parity.schemas.js';
import { routeResponses } from './route-responses.js';

export interface GroupRoutesOptions {
  addUserToGroup: AddUserToGroupUseCase;
  removeUserFromGroup: RemoveUserFromGroupUseCase;
  listGroupUsers: ListGroupUsersUseCase;
  listGroupConnections: ListGroupConnectionsUseCase;
  sendToGroup: SendToGroupUseCase;
  runIdempotently: RunIdempotentlyUseCase;
  /** Stops sends still running when the service shuts down (they answer with what is known). */
  shutdown?: StopSignal;
}

/**
 * Exactly the statuses each route can answer: every route has path parameters (414) and the API key check
 * and rate limit (401, 429); a PUT, DELETE or POST may carry a body (413, 415); an Idempotency-Key may be in
 * use (409) or reused (422).
 */
const MEMBERSHIP_ERRORS = [400, 401, 413, 414, 415, 429, 503];
const LIST_ERRORS = [400, 401, 414, 429, 503];
const MESSAGE_ERRORS = [400, 401, 409, 413, 414, 415, 422, 429, 503];

/** Group membership (users) and group messages. */
export const groupRoutes: FastifyPluginAsyncTypebox<GroupRoutesOptions> = async (app, uc) => {
  app.put(
    '/groups/:group/users/:userId',
    {
      schema: {
        operationId: 'addUserToGroup',
        tags: ['groups'],
        summary: 'Add a user to a group: all her sockets, now and later, get the group messages',
        security: [{ apiKey: [] }],
        params: GroupUserParams,
        response: routeResponses({ status: 204, description: 'Member (also when she already was); no body.' }, MEMBERSHIP_ERRORS),
      },
    },
    async (request, reply) => {
      await uc.addUserToGroup.execute(request.params.group, request.params.userId);
      return reply.status(204).send();
    },
  );

  app.delete(
    '/groups/:group/users/:userId',
    {
      schema: {
        operationId: 'removeUserFromGroup',
        tags: ['groups'],
        summary: 'Remove a user from a group',
        security: [{ apiKey: [] }],
        params: GroupUserParams,
        response: routeResponses({ status: 204, description: 'Not a member (also when she was not); no body.' }, MEMBERSHIP_ERRORS),
      },
    },
    async (request, reply) => {
      await uc.removeUserFromGroup.execute(request.params.group, request.params.userId);
      return reply.status(204).send();
    },
  );

  app.get(
    '/groups/:group/users',
    {
      schema: {
        operationId: 'listGroupUsers',
        tags: ['groups'],
        summary: 'List the user members of a group, one page at a time (ordered by user id)',
        security: [{ apiKey: [] }],
        params: GroupParams,
        querystring: GroupUsersQuery,
        response: routeResponses({ status: 200, schema: GroupUsersReply, description: 'One page of members; `cursor` leads to the next.' }, LIST_ERRORS),
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const page = await uc.listGroupUsers.execute(request.params.group, {
        ...(limit ? { limit: Number(limit) } : {}),
        ...(cursor ? { cursor } : {}),
      });
      return { group: request.params.group, users: page.items, ...(page.cursor ? { cursor: page.cursor } : {}) };
    },
  );

  app.get(
    '/groups/:group/connections',
    {
      schema: {
        operationId: 'listGroupConnections',
        tags: ['groups'],
        summary: 'List the sockets that joined a group themselves, one page at a time (ordered by connection id)',
        security: [{ apiKey: [] }],
        params: GroupParams,
        querystring: GroupConnectionsQuery,
        response: routeResponses({ status: 200, schema: GroupConnectionsReply, description: 'One page of sockets; `cursor` leads to the next.' }, LIST_ERRORS),
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const page = await uc.listGroupConnections.execute(request.params.group, {
        ...(limit ? { limit: Number(limit) } : {}),
        ...(cursor ? { cursor } : {}),
      });
      return {
        group: request.params.group,
        connections: page.items.map((c) => ({
          connectionId: c.connectionId,
          userId: c.userId,
          apiId: c.endpoint.apiId,
          stage: c.endpoint.stage,
          region: c.endpoint.region,
          endpoint: c.endpoint.url,
          connectedAt: new Date(c.connectedAt).toISOString(),
        })),
        ...(page.cursor ? { cursor: page.cursor } : {}),
      };
    },
  );

  app.post(
    '/groups/:group/messages',
    {
      schema: {
        operationId: 'sendToGroup',
        tags: ['groups'],
        summary: "Send a message to every live socket of the group's users and to every socket that joined it",
        security: [{ apiKey: [] }],
        params: GroupParams,
        headers: IdempotencyHeaders,
        body: GroupMessageBody,
        response: routeResponses({ status: 200, schema: GroupMessageReply, description: 'The fan-out report (also when some sockets failed).' }, MESSAGE_ERRORS),
      },
    },
    async (request, reply) =>
      idempotently(request, reply, uc.runIdempotently, () =>
        uc.sendToGroup.execute({
          group: request.params.group,
          message: request.body.message,
          ...(request.body.excludeConnectionIds ? { excludeConnectionIds: request.body.excludeConnectionIds } : {}),
        }, uc.shutdown),
      ),
  );
};
