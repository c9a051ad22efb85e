import { Type, type Static } from '@sinclair/typebox';
import { MAX_USER_ID_LENGTH } from '../../domain/model/limits.js';
import { USER_ID_PATTERN, USER_ID_RULE } from '../../domain/shared/user-id.js';

/** The domain's user id rule (`src/domain/shared/user-id.ts`); Ajv compiles `pattern` with the `u` flag. */
export const UserId = Type.String({
  minLength: 1,
  maxLength: MAX_USER_ID_LENGTH,
  pattern: USER_ID_PATTERN,
  description: `The user to notify, as the authorizer recorded it (the JWT \`sub\`): ${USER_ID_RULE}.`,
  examples: ['alice'],
});

/** What `POST /notify`, the group, broadcast and one-connection routes send. */
export const Message = Type.Union(
  [
    Type.String({ minLength: 1, description: 'Sent to the sockets as-is.' }),
    Type.Object({}, { additionalProperties: true, description: 'Sent to the sockets as JSON.' }),
  ],
  { description: 'At most 131,072 bytes once encoded (API Gateway limit).' },
);

/** The request's id (`x-request-id`), added to every send report: search the logs and metrics of one send by it. */
export const RequestIdField = Type.Optional(
  Type.String({ description: "This request's id (also the `x-request-id` answer header): every log line of the send carries it." }),
);

export const DeliveryStatus = Type.Union([Type.Literal('delivered'), Type.Literal('gone'), Type.Literal('failed')]);

export const NotifyReply = Type.Object(
  {
    userId: Type.String(),
    requestId: RequestIdField,
    delivered: Type.Integer({ description: 'Connections that received the message.' }),
    gone: Type.Integer({ description: 'Connections found closed (410) and removed.' }),
    failed: Type.Integer({ description: 'Connections that could not be reached; see each `error`.' }),
    excluded: Type.Optional(
      Type.Integer({ description: 'Connections skipped because `excludeConnectionIds` listed them (present when the request excluded some).' }),
    ),
    connections: Type.Array(
      Type.Object({
        connectionId: Type.String(),
        status: DeliveryStatus,
        attempts: Type.Integer(),
        error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() })),
      }),
    ),
  },
  {
    $id: 'NotifyReply',
    description: 'The delivery report: one entry per connection the user had.',
    examples: [
      {
        userId: 'alice',
        delivered: 1,
        gone: 1,
        failed: 0,
        connections: [
          { connectionId: 'L0SM9cOFvHcCIhw=', status: 'delivered', attempts: 1 },
          { connectionId: 'L0SMgdTbvHcCIqA=', status: 'gone', attempts: 1 },
        ],
      },
    ],
  },
);

export const UserParams = Type.Object({ userId: UserId });
export type UserParams = Static<typeof UserParams>;

export const ConnectionsReply = Type.Object(
  {
    userId: Type.String(),
    connections: Type.Array(
      Type.Object({
        connectionId: Type.String(),
        apiId: Type.String(),
        stage: Type.String(),
        region: Type.String(),
        endpoint: Type.String({ description: 'The management endpoint this connection is posted through.' }),
        connectedAt: Type.String({ format: 'date-time' }),
      }),
    ),
  },
  {
    $id: 'ConnectionsReply',
    description: "The user's open connections, each with the endpoint it is posted through.",
    examples: [
      {
        userId: 'alice',
        connections: [
          {
            connectionId: 'L0SM9cOFvHcCIhw=',
            apiId: 'a1b2c3d4e5',
            stage: 'dev',
            region: 'eu-west-1',
            endpoint: 'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/dev',
            connectedAt: '2026-11-26T10:00:00.000Z',
          },
        ],
      },
    ],
  },
);

export const ErrorReply = Type.Object(
  {
    statusCode: Type.Integer(),
    error: Type.String(),
    code: Type.String(),
    message: Type.String(),
    field: Type.Optional(Type.String()),
  },
  {
    $id: 'ErrorReply',
    description: 'Every error answers with this JSON body; `message` says what to do.',
    examples: [{ statusCode: 400, error: 'Bad Request', code: 'VALIDATION_ERROR', message: 'body.userId is required', field: 'userId' }],
  },
);

export const StatusReply = Type.Object(
  { status: Type.String() },
  { $id: 'StatusReply', description: 'The service state.', examples: [{ status: 'ok' }] },
);
