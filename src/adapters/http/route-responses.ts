import { Type, type TSchema } from '@sinclair/typebox';

/**
 * What each error status means, once for every route; the OpenAPI document shows these texts. Routes list
 * the statuses they can answer (`routeResponses`); a new error status is one line here.
 */
export const ERROR_RESPONSES: Record<number, string> = {
  400: 'Bad input (`VALIDATION_ERROR`, `INVALID_JSON`, `JSON_TOO_DEEP`: nested more than 64 levels, `BAD_URL`): `field` names the faulty field; fix it and send again.',
  401: 'No or unknown API key (`UNAUTHORIZED`): send `Authorization: Bearer <key>` with a key from NOTIFY_API_KEYS.',
  404: 'Not found (`CONNECTION_NOT_FOUND`): the connection is unknown, closed or gone; list the user\'s connections again.',
  409: 'A request with this Idempotency-Key is still running (`IDEMPOTENCY_KEY_IN_USE`): retry in a moment to get its answer.',
  413: 'Too large (`MESSAGE_TOO_LARGE`: the message is over 131,072 bytes once encoded, nothing was posted; `PAYLOAD_TOO_LARGE`: the body is over BODY_LIMIT_BYTES). Send a smaller message.',
  414: 'A path parameter is over 1,024 characters (`URI_TOO_LONG`); a userId is at most 128 characters.',
  415: 'The body is not JSON in UTF-8 (`UNSUPPORTED_MEDIA_TYPE`): send `Content-Type: application/json` without a charset or with `charset=utf-8`.',
  422: 'This Idempotency-Key was used for another request (`IDEMPOTENCY_KEY_REUSED`): use a new key for a new request.',
  429: 'This API key sent more than RATE_LIMIT_PER_MINUTE requests in a minute (`RATE_LIMITED`): retry after the `Retry-After` seconds.',
  502: 'The management API would not close the connection (`UPSTREAM_ERROR`): check execute-api:ManageConnections, retry later.',
  503: 'Storage does not answer (`STORAGE_UNAVAILABLE`): nothing stored was lost; retry after the `Retry-After` seconds.',
};

export interface SuccessResponse {
  status: number;
  /**
   * A component schema (with `$id`) registered by the app (`HTTP_SCHEMAS`); none for an answer without a
   * body (204, or HEAD).
   */
  schema?: TSchema;
  description: string;
}

export interface RouteResponsesOptions {
  /** A HEAD route: no answer has a body, each status is only described. */
  withoutBody?: boolean;
  /** What a status means on this route when it differs from `ERROR_RESPONSES` (e.g. HEAD 404: offline). */
  descriptions?: Record<number, string>;
}

/**
 * A route's `response` map: its success answer and exactly the error statuses it can answer, each described
 * and pointing at the shared `ErrorReply` component.
 */
export function routeResponses(
  success: SuccessResponse,
  errorStatuses: readonly number[],
  options: RouteResponsesOptions = {},
): Record<number, TSchema> {
  const responses: Record<number, TSchema> = { [success.status]: successResponse(success, options) };
  for (const status of errorStatuses) {
    const description = options.descriptions?.[status] ?? ERROR_RESPONSES[status];
    if (description === undefined) throw new Error(`no description for HTTP ${status}: add it to ERROR_RESPONSES`);
    responses[status] = options.withoutBody ? Type.Null({ description }) : Type.Ref('ErrorReply', { description });
  }
  return responses;
}

function successResponse(success: SuccessResponse, options: RouteResponsesOptions): TSchema {
  if (success.schema === undefined) {
    if (options.withoutBody || success.status === 204) return Type.Null({ description: success.description });
    throw new Error(`HTTP ${success.status} needs a schema: only 204 and HEAD answers have no body`);
  }
  if (options.withoutBody) throw new Error('a HEAD answer has no body: give no schema');
  const id = success.schema.$id;
  if (id === undefined) throw new Error('a success schema must have a $id and be registered with app.addSchema');
  return Type.Ref(id, { description: success.description });
}
