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

export const NotifyBody = Type.Object(
  {
    userId: UserId,
    message: Type.Union(
      [
        Type.String({ minLength: 1, description: 'Sent to the sockets as-is.' }),
        Type.Object({}, { additionalProperties: true, description: 'Sent to the sockets as JSON.' }),
      ],
      { description: 'At most 131,072 bytes once encoded (API Gateway limit).' },
    ),
  },
  { additionalProperties: false },
);
export type NotifyBody = Static<typeof NotifyBody>;

export const DeliveryStatus = Type.Union([Type.Literal('delivered'), Type.Literal('gone'), Type.Literal('failed')]);

export const NotifyReply = Type.Object({
  userId: Type.String(),
  delivered: Type.Integer({ description: 'Connections that received the message.' }),
  gone: Type.Integer({ description: 'Connections found closed (410) and removed.' }),
  failed: Type.Integer({ description: 'Connections that could not be reached; see each `error`.' }),
  connections: Type.Array(
    Type.Object({
      connectionId: Type.String(),
      status: DeliveryStatus,
      attempts: Type.Integer(),
      error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() })),
    }),
  ),
});

export const UserParams = Type.Object({ userId: UserId });
export type UserParams = Static<typeof UserParams>;

export const ConnectionsReply = Type.Object({
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
});

export const ErrorReply = Type.Object(
  {
    statusCode: Type.Integer(),
    error: Type.String(),
    code: Type.String(),
    message: Type.String(),
    field: Type.Optional(Type.String()),
  },
  { $id: 'ErrorReply', description: 'Every error answers with this JSON body.' },
);

export const StatusReply = Type.Object({ status: Type.String() });
