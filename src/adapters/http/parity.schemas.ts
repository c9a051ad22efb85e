import { Type, type Static } from '@sinclair/typebox';
import { MAX_AUDIENCE_IDS } from '../../domain/model/audience.js';
import { Message, NotifyReply, RequestIdField, UserId } from './http.schemas.js';

/**
 * Request and reply schemas of the group, broadcast, one-connection and close routes (with OpenAPI examples).
 * Bodies and replies are component schemas: each has a `$id` and is registered through `HTTP_SCHEMAS`.
 */

export const ExcludeConnectionIds = Type.Array(Type.String({ minLength: 1, maxLength: 256 }), {
  maxItems: MAX_AUDIENCE_IDS,
  description: `Connections that must not get the message (e.g. the sender's own socket); at most ${MAX_AUDIENCE_IDS}.`,
  examples: [['L0SM9cOFvHcCIhw=']],
});

export const GroupName = Type.String({
  pattern: '^[A-Za-z0-9._:-]{1,128}$',
  description: '1–128 characters of A-Z a-z 0-9 . _ : -',
  examples: ['room:42'],
});

export const ConnectionId = Type.String({ minLength: 1, maxLength: 256, description: 'An API Gateway connection id.', examples: ['L0SM9cOFvHcCIhw='] });

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      description:
        'Send the same key to retry safely: within 24 h the first answer comes back (Idempotent-Replayed: true) and nothing is sent again. ' +
        'Keys are scoped by API key. An answer too large to keep whole comes back as its totals and at most 100 failures (Idempotent-Replay-Summary: true).',
      examples: ['5f0c6f8e-8a37-4c1e-9a55-3f1d1c7e2b10'],
    }),
  ),
});

/** `POST /notify`: `userId` (one user) or `userIds` (1–100 users). */
export const NotifyRequestBody = Type.Object(
  {
    userId: Type.Optional(UserId),
    userIds: Type.Optional(
      Type.Array(UserId, { minItems: 1, maxItems: MAX_AUDIENCE_IDS, description: `1–${MAX_AUDIENCE_IDS} users, instead of userId.`, examples: [['alice', 'bob']] }),
    ),
    message: Message,
    excludeConnectionIds: Type.Optional(ExcludeConnectionIds),
  },
  {
    $id: 'NotifyRequest',
    additionalProperties: false,
    description: 'Who to notify (`userId`, or `userIds`: 1–100 users) and what to send.',
    examples: [{ userId: 'alice', message: { hello: 'world' } }],
  },
);
export type NotifyRequestBody = Static<typeof NotifyRequestBody>;

const Counts = {
  delivered: Type.Integer({ description: 'Sockets that received the message.' }),
  gone: Type.Integer({ description: 'Sockets found closed (410) and removed.' }),
  failed: Type.Integer({ description: 'Sockets that could not be reached.' }),
};

export const NotifyUsersReply = Type.Object(
  {
    requestId: RequestIdField,
    ...Counts,
    excluded: Type.Integer({ description: 'Sockets skipped because excludeConnectionIds named them.' }),
    users: Type.Array(Type.Ref('NotifyReply'), { description: "Each user's delivery report." }),
  },
  { description: 'With `userIds`: the totals, and each user\'s report.' },
);

/** `POST /notify` answers one of two report shapes: `userId` → one user's report, `userIds` → the totals and each user's. */
export const NotifyResult = Type.Union(
  [Type.Object(NotifyReply.properties, { description: "With `userId`: the user's delivery report." }), NotifyUsersReply],
  {
    $id: 'NotifyResult',
    description: "One user (`userId`): her delivery report; several (`userIds`): the totals and each user's report.",
    examples: [
      {
        delivered: 2,
        gone: 0,
        failed: 0,
        excluded: 0,
        users: [
          { userId: 'alice', delivered: 1, gone: 0, failed: 0, connections: [{ connectionId: 'L0SM9cOFvHcCIhw=', status: 'delivered', attempts: 1 }] },
          { userId: 'bob', delivered: 1, gone: 0, failed: 0, connections: [{ connectionId: 'L0SMgdTbvHcCIqA=', status: 'delivered', attempts: 1 }] },
        ],
      },
    ],
  },
);

export const MessageBody = Type.Object(
  { message: Message },
  { $id: 'MessageRequest', additionalProperties: false, description: 'What to send to the connection.', examples: [{ message: { text: 'hi' } }] },
);
export type MessageBody = Static<typeof MessageBody>;

export const ConnectionDeliveryReply = Type.Object(
  {
    requestId: RequestIdField,
    connectionId: Type.String(),
    status: Type.Union([Type.Literal('delivered'), Type.Literal('gone'), Type.Literal('failed')], { description: 'Never `gone`: a gone connection answers 404.' }),
    attempts: Type.Integer(),
    error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() })),
  },
  {
    $id: 'ConnectionDeliveryReply',
    description: 'What became of the message sent to the connection.',
    examples: [{ connectionId: 'L0SM9cOFvHcCIhw=', status: 'delivered', attempts: 1 }],
  },
);

export const ConnectionParams = Type.Object({ connectionId: ConnectionId });
export type ConnectionParams = Static<typeof ConnectionParams>;

export const CloseUserReply = Type.Object(
  {
    userId: Type.String(),
    closed: Type.Integer({ description: 'Sockets closed now.' }),
    gone: Type.Integer({ description: 'Sockets that were already gone (their records are removed).' }),
    failed: Type.Integer({ description: 'Sockets the management API would not close; see failures.' }),
    failures: Type.Array(Type.Object({ connectionId: Type.String(), message: Type.String() })),
  },
  {
    $id: 'CloseUserReply',
    description: "What became of each of the user's connections.",
    examples: [{ userId: 'alice', closed: 2, gone: 0, failed: 0, failures: [] }],
  },
);

export const GroupParams = Type.Object({ group: GroupName });
export type GroupParams = Static<typeof GroupParams>;
export const GroupUserParams = Type.Object({ group: GroupName, userId: UserId });
export type GroupUserParams = Static<typeof GroupUserParams>;

export const GroupUsersQuery = Type.Object(
  {
    limit: Type.Optional(Type.String({ pattern: '^(?:[1-9][0-9]{0,2}|1000)$', description: 'Users per page, 1–1000 (default 100).', examples: ['100'] })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 2048, description: 'The `cursor` of the previous page.' })),
  },
  { additionalProperties: false },
);
export type GroupUsersQuery = Static<typeof GroupUsersQuery>;

export const GroupUsersReply = Type.Object(
  {
    group: Type.String(),
    users: Type.Array(Type.String()),
    cursor: Type.Optional(Type.String({ description: 'Pass it back as ?cursor= for the next page; absent on the last page.' })),
  },
  { $id: 'GroupUsersReply', description: 'One page of the user members of the group.', examples: [{ group: 'room:42', users: ['alice', 'bob'], cursor: 'eyJwayI6…' }] },
);

export const GroupConnectionsQuery = Type.Object(
  {
    limit: Type.Optional(Type.String({ pattern: '^(?:[1-9][0-9]{0,2}|1000)$', description: 'Sockets per page, 1–1000 (default 100).', examples: ['100'] })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 2048, description: 'The `cursor` of the previous page.' })),
  },
  { additionalProperties: false },
);
export type GroupConnectionsQuery = Static<typeof GroupConnectionsQuery>;

export const GroupConnectionsReply = Type.Object(
  {
    group: Type.String(),
    connections: Type.Array(
      Type.Object({
        connectionId: Type.String(),
        userId: Type.String({ description: 'The user whose token opened the socket.' }),
        apiId: Type.String(),
        stage: Type.String(),
        region: Type.String(),
        endpoint: Type.String({ description: 'The management endpoint this connection is posted through.' }),
        connectedAt: Type.String({ format: 'date-time' }),
      }),
    ),
    cursor: Type.Optional(Type.String({ description: 'Pass it back as ?cursor= for the next page; absent on the last page.' })),
  },
  {
    $id: 'GroupConnectionsReply',
    description:
      'One page of the sockets that joined the group themselves (`{"action":"join"}`), ordered by connection id; the sockets of member users are listed by `GET /users/:userId/connections`. A page may hold fewer than `limit` (sockets past their 2-hour limit are left out): follow `cursor` until it is absent.',
    examples: [
      {
        group: 'room:42',
        connections: [
          {
            connectionId: 'L0SM9cOFvHcCIhw=',
            userId: 'alice',
            apiId: 'a1b2c3d4e5',
            stage: 'prod',
            region: 'eu-west-1',
            endpoint: 'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/prod',
            connectedAt: '2026-11-26T12:00:00.000Z',
          },
        ],
        cursor: 'eyJwayI6…',
      },
    ],
  },
);

export const GroupMessageBody = Type.Object(
  { message: Message, excludeConnectionIds: Type.Optional(ExcludeConnectionIds) },
  {
    $id: 'GroupMessageRequest',
    additionalProperties: false,
    description: 'What to send to the group, and which sockets to skip.',
    examples: [{ message: { text: 'hello room' }, excludeConnectionIds: ['L0SM9cOFvHcCIhw='] }],
  },
);
export type GroupMessageBody = Static<typeof GroupMessageBody>;

export const BroadcastBody = Type.Object(
  {
    message: Message,
    apiId: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'Only this API (all when absent).', examples: ['a1b2c3d4e5'] })),
    stage: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'Only this stage (all when absent).', examples: ['prod'] })),
    excludeConnectionIds: Type.Optional(ExcludeConnectionIds),
  },
  {
    $id: 'BroadcastRequest',
    additionalProperties: false,
    description: 'What to send to every live connection, optionally of one API and stage only.',
    examples: [{ message: 'maintenance at 22:00 UTC', stage: 'prod' }],
  },
);
export type BroadcastBody = Static<typeof BroadcastBody>;

const FanOutFields = {
  requestId: RequestIdField,
  ...Counts,
  excluded: Type.Integer({ description: 'Sockets skipped because excludeConnectionIds named them.' }),
  failures: Type.Array(Type.Object({ connectionId: Type.String(), code: Type.String(), message: Type.String() }), {
    description: 'At most 100 failures; the totals count them all.',
  }),
  failuresTruncated: Type.Boolean({ description: 'True when more sockets failed than `failures` lists.' }),
  stopped: Type.Optional(
    Type.Union([Type.Literal('DEADLINE_EXCEEDED'), Type.Literal('SHUTDOWN')], {
      description:
        'Present when the send stopped before it was done (NOTIFY_DEADLINE_MS passed, or the service shut down): sockets not read yet were not sent to and are not counted; send again (with a new Idempotency-Key) to reach them.',
    }),
  ),
};

export const GroupMessageReply = Type.Object(
  { group: Type.String(), ...FanOutFields },
  {
    $id: 'GroupMessageReply',
    description: "The fan-out report of a group message: totals and the first failures.",
    examples: [{ group: 'room:42', delivered: 3, gone: 1, failed: 0, excluded: 1, failures: [], failuresTruncated: false }],
  },
);

export const BroadcastReply = Type.Object(
  { stages: Type.Array(Type.String({ description: '`apiId/stage`' })), ...FanOutFields },
  {
    $id: 'BroadcastReply',
    description: 'The fan-out report of a broadcast: the stages reached, totals and the first failures.',
    examples: [{ stages: ['a1b2c3d4e5/prod'], delivered: 1000, gone: 2, failed: 0, excluded: 0, failures: [], failuresTruncated: false }],
  },
);
