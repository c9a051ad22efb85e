import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type {
  AddUserToGroupUseCase,
  ListGroupUsersUseCase,
  RemoveUserFromGroupUseCase,
} from '../../domain/use-cases/group-membership.use-cases.js';
import type { RunIdempotentlyUseCase } from '../../domain/use-cases/run-idempotently.use-case.js';
import type { SendToGroupUseCase } from '../../domain/use-cases/send-to-group.use-case.js';
import { ErrorReply } from './http.schemas.js';
import { idempotently } from './idempotency.js';
import {
  GroupMessageBody,
  GroupMessageReply,
  GroupParams,
  GroupUserParams,
  GroupUsersQuery,
  GroupUsersReply,
  IdempotencyHeaders,
} from './parity.schemas.js';

export interface GroupRoutesOptions {
  addUserToGroup: AddUserToGroupUseCase;
  removeUserFromGroup: RemoveUserFromGroupUseCase;
  listGroupUsers: ListGroupUsersUseCase;
  sendToGroup: SendToGroupUseCase;
  runIdempotently: RunIdempotentlyUseCase;
}

const errors = { 400: ErrorReply, 401: ErrorReply, 503: ErrorReply };

/** Group membership (users) and group messages. */
export const groupRoutes: FastifyPluginAsyncTypebox<GroupRoutesOptions> = async (app, uc) => {
  app.put(
    '/groups/:group/users/:userId',
    {
      schema: {
        tags: ['groups'],
        summary: 'Add a user to a group: all her sockets, now and later, get the group messages',
        security: [{ apiKey: [] }],
        params: GroupUserParams,
        response: { 204: { type: 'null', description: 'Member (also when she already was).' }, ...errors },
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
        tags: ['groups'],
        summary: 'Remove a user from a group',
        security: [{ apiKey: [] }],
        params: GroupUserParams,
        response: { 204: { type: 'null', description: 'Not a member (also when she was not).' }, ...errors },
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
        tags: ['groups'],
        summary: 'List the user members of a group, one page at a time (ordered by user id)',
        security: [{ apiKey: [] }],
        params: GroupParams,
        querystring: GroupUsersQuery,
        response: { 200: GroupUsersReply, ...errors },
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

  app.post(
    '/groups/:group/messages',
    {
      schema: {
        tags: ['groups'],
        summary: "Send a message to every live socket of the group's users and to every socket that joined it",
        security: [{ apiKey: [] }],
        params: GroupParams,
        headers: IdempotencyHeaders,
        body: GroupMessageBody,
        response: { 200: GroupMessageReply, 409: ErrorReply, 413: ErrorReply, 422: ErrorReply, ...errors },
      },
    },
    async (request, reply) =>
      idempotently(request, reply, uc.runIdempotently, () =>
        uc.sendToGroup.execute({
          group: request.params.group,
          message: request.body.message,
          ...(request.body.excludeConnectionIds ? { excludeConnectionIds: request.body.excludeConnectionIds } : {}),
        }),
      ),
  );
};
