import { Type, type TSchema } from '@sinclair/typebox';

/**
 * What each error status means, once for every route; the OpenAPI document shows these texts. Routes list
 * the statuses they can answer (`routeResponses`); a new error status is one line here.
 */
export const ERROR_RESPONSES: Record<number, string> = {
  400: 'Bad input (`VALIDATION_ERROR`, `INVALID_JSON`): `field` names the faulty field; fix it and send again.',
  401: 'No or unknown API key (`UNAUTHORIZED`): send `Authorization: Bearer <key>` with a key from NOTIFY_API_KEYS.',
  404: 'Not found (`CONNECTION_NOT_FOUND`): the connection is unknown, closed or gone; list the user\'s connections again.',
  409: 'A request with this Idempotency-Key is still running (`IDEMPOTENCY_KEY_IN_USE`): retry in a moment to get its answer.',
  413: 'Too large (`MESSAGE_TOO_LARGE`: the message is over 131,072 bytes once encoded, nothing was posted; `PAYLOAD_TOO_LARGE`: the body is over BODY_LIMIT_BYTES). Send a smaller message.',
  415: 'The body is not JSON (`UNSUPPORTED_MEDIA_TYPE`): send `Content-Type: application/json`.',
  422: 'This Idempotency-Key was used for another request (`IDEMPOTENCY_KEY_REUSED`): use a new key for a new request.',
  502: 'The management API would not close the connection (`UPSTREAM_ERROR`): check execute-api:ManageConnections, retry later.',
  503: 'Storage does not answer (`STORAGE_UNAVAILABLE`): nothing stored was lost; retry after the `Retry-After` seconds.',
};

export interface SuccessResponse {
  status: number;
  /** A component schema (with `$id`) registered by the app (`HTTP_SCHEMAS`). */
  schema: TSchema;
  description: string;
}

/**
 * A route's `response` map: its success answer and exactly the error statuses it can answer, each described
 * and pointing at the shared `ErrorReply` component.
 */
export function routeResponses(success: SuccessResponse, errorStatuses: readonly number[]): Record<number, TSchema> {
  const id = success.schema.$id;
  if (id === undefined) throw new Error('a success schema must have a $id and be registered with app.addSchema');
  const responses: Record<number, TSchema> = { [success.status]: Type.Ref(id, { description: success.description }) };
  for (const status of errorStatuses) {
    const description = ERROR_RESPONSES[status];
    if (description === undefined) throw new Error(`no description for HTTP ${status}: add it to ERROR_RESPONSES`);
    responses[status] = Type.Ref('ErrorReply', { description });
  }
  return responses;
}
