import { STATUS_CODES } from 'node:http';
import {
  DomainError,
  InvalidEndpointError,
  MessageTooLargeError,
  StorageUnavailableError,
  ValidationError,
} from '../../domain/errors/domain.error.js';
import {
  ConnectionCloseFailedError,
  ConnectionNotFoundError,
  IdempotencyKeyInUseError,
  IdempotencyKeyReusedError,
} from '../../domain/errors/parity.errors.js';
import { USER_ID_RULE } from '../../domain/shared/user-id.js';

export interface HttpErrorBody {
  statusCode: number;
  error: string;
  code: string;
  message: string;
  field?: string;
}

interface FastifyLikeError {
  statusCode?: number;
  code?: string;
  message?: string;
  validation?: Array<{ keyword?: string; instancePath?: string; params?: Record<string, unknown>; message?: string }>;
  validationContext?: string;
}

/** The one place where errors become HTTP answers: a JSON body, never a stack trace or an HTML page. */
export function toHttpError(error: unknown): HttpErrorBody {
  if (error instanceof DomainError) return fromDomainError(error);

  const e = (error ?? {}) as FastifyLikeError;
  if (Array.isArray(e.validation) && e.validation.length > 0) return fromValidation(e);
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return body(413, 'PAYLOAD_TOO_LARGE', 'request body is larger than this service accepts');
  }
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return body(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
  }
  if (e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return body(400, 'VALIDATION_ERROR', 'body must not be empty');
  if (e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (error instanceof SyntaxError && e.statusCode === 400)) {
    return body(400, 'INVALID_JSON', 'body is not valid JSON');
  }
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500) {
    return body(status, e.code ?? 'BAD_REQUEST', e.message ?? STATUS_CODES[status] ?? 'Bad request');
  }
  return body(500, 'INTERNAL_ERROR', 'internal error; the request id in the logs tells more');
}

function fromDomainError(error: DomainError): HttpErrorBody {
  if (error instanceof ValidationError) return { ...body(400, error.code, error.message), field: error.field };
  if (error instanceof MessageTooLargeError) return { ...body(413, error.code, error.message), field: 'message' };
  if (error instanceof InvalidEndpointError) return body(400, error.code, error.message);
  if (error instanceof ConnectionNotFoundError) return body(404, error.code, error.message);
  if (error instanceof IdempotencyKeyInUseError) return body(409, error.code, error.message);
  if (error instanceof IdempotencyKeyReusedError) return body(422, error.code, error.message);
  if (error instanceof ConnectionCloseFailedError) return body(502, error.code, error.message);
  if (error instanceof StorageUnavailableError) {
    return body(503, error.code, 'storage is unavailable; try again shortly');
  }
  return body(400, error.code, error.message);
}

function fromValidation(e: FastifyLikeError): HttpErrorBody {
  const first = e.validation?.[0] ?? {};
  const missing = first.params?.missingProperty;
  const extra = first.params?.additionalProperty;
  const path = (first.instancePath ?? '').replace(/^\//, '').split('/')[0] ?? '';
  const field = typeof missing === 'string' ? missing : typeof extra === 'string' ? extra : path;
  const where = e.validationContext ?? 'body';
  let message: string;
  if (typeof missing === 'string') message = `${where}.${missing} is required`;
  else if (typeof extra === 'string') message = `${where}.${extra} is not a known field`;
  else if (field === 'userId' && first.keyword === 'pattern') message = `${where}.userId must be ${USER_ID_RULE}`;
  else if (field === 'message') message = `${where}.message must be a non-empty string or a JSON object`;
  else message = `${where}${field ? `.${field}` : ''} ${first.message ?? 'is invalid'}`;
  return field ? { ...body(400, 'VALIDATION_ERROR', message), field } : body(400, 'VALIDATION_ERROR', message);
}

function body(statusCode: number, code: string, message: string): HttpErrorBody {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', code, message };
}
