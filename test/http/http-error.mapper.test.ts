import { describe, expect, it } from 'vitest';
import { toHttpError } from '../../src/adapters/http/http-error.mapper.js';
import {
  DomainError,
  InvalidEndpointError,
  MessageTooLargeError,
  StorageUnavailableError,
  ValidationError,
} from '../../src/domain/errors/domain.error.js';

class SomeOtherDomainError extends DomainError {
  readonly code = 'SOME_RULE';
}

describe('toHttpError with domain errors', () => {
  it('should map a domain ValidationError to 400 VALIDATION_ERROR naming its field', () => {
    expect(toHttpError(new ValidationError('userId', 'must not contain control characters'))).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      code: 'VALIDATION_ERROR',
      message: 'userId: must not contain control characters',
      field: 'userId',
    });
  });

  it('should map a message over the limit to 413 MESSAGE_TOO_LARGE on the field message', () => {
    expect(toHttpError(new MessageTooLargeError(131_073, 131_072))).toEqual({
      statusCode: 413,
      error: 'Payload Too Large',
      code: 'MESSAGE_TOO_LARGE',
      message: 'message is 131073 bytes; API Gateway accepts at most 131072 bytes',
      field: 'message',
    });
  });

  it('should map an invalid endpoint to 400 INVALID_ENDPOINT without a field', () => {
    expect(toHttpError(new InvalidEndpointError('stage "a/b" is not a valid stage name'))).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      code: 'INVALID_ENDPOINT',
      message: 'stage "a/b" is not a valid stage name',
    });
  });

  it('should map storage trouble to 503 without its internal message', () => {
    expect(toHttpError(new StorageUnavailableError('connect ECONNREFUSED 127.0.0.1:8000'))).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      code: 'STORAGE_UNAVAILABLE',
      message: 'storage is unavailable; try again shortly',
    });
  });

  it('should map any other domain error to 400 with its own code and message', () => {
    expect(toHttpError(new SomeOtherDomainError('that is not allowed'))).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      code: 'SOME_RULE',
      message: 'that is not allowed',
    });
  });
});

describe('toHttpError with framework errors', () => {
  it('should keep the status, code and message of any other 4xx', () => {
    expect(toHttpError({ statusCode: 405, code: 'FST_ERR_SOMETHING', message: 'method not allowed here' })).toEqual({
      statusCode: 405,
      error: 'Method Not Allowed',
      code: 'FST_ERR_SOMETHING',
      message: 'method not allowed here',
    });
  });

  it('should fill in BAD_REQUEST and the status text for a bare 4xx', () => {
    expect(toHttpError({ statusCode: 408 })).toEqual({
      statusCode: 408,
      error: 'Request Timeout',
      code: 'BAD_REQUEST',
      message: 'Request Timeout',
    });
  });

  it('should answer a 4xx that has no name with a generic text', () => {
    expect(toHttpError({ statusCode: 499 })).toEqual({ statusCode: 499, error: 'Error', code: 'BAD_REQUEST', message: 'Bad request' });
  });

  it.each([{ statusCode: 399 }, { statusCode: 500, message: 'boom' }, { statusCode: 502 }, { statusCode: '400' }, {}, null, undefined, new Error('x')])(
    'should hide %o behind 500 INTERNAL_ERROR',
    (error) => {
      expect(toHttpError(error)).toEqual({
        statusCode: 500,
        error: 'Internal Server Error',
        code: 'INTERNAL_ERROR',
        message: 'internal error; the request id in the logs tells more',
      });
    },
  );

  it('should map the body-size, media-type, empty-body and JSON errors of the parser', () => {
    expect(toHttpError({ code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 })).toEqual({
      statusCode: 413,
      error: 'Payload Too Large',
      code: 'PAYLOAD_TOO_LARGE',
      message: 'request body is larger than this service accepts',
    });
    expect(toHttpError({ code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 })).toEqual({
      statusCode: 415,
      error: 'Unsupported Media Type',
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: 'send the body as application/json',
    });
    expect(toHttpError({ code: 'FST_ERR_CTP_EMPTY_JSON_BODY', statusCode: 400 })).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      code: 'VALIDATION_ERROR',
      message: 'body must not be empty',
    });
    const invalidJson = { statusCode: 400, error: 'Bad Request', code: 'INVALID_JSON', message: 'body is not valid JSON' };
    expect(toHttpError({ code: 'FST_ERR_CTP_INVALID_JSON_BODY', statusCode: 400 })).toEqual(invalidJson);
    expect(toHttpError(Object.assign(new SyntaxError('Unexpected token'), { statusCode: 400 }))).toEqual(invalidJson);
  });

  it('should not take a SyntaxError without a 400 for bad JSON', () => {
    expect(toHttpError(new SyntaxError('in our own code')).code).toBe('INTERNAL_ERROR');
  });
});

describe('toHttpError with schema validation errors', () => {
  const validation = (entry: Record<string, unknown>, validationContext?: string) => ({
    statusCode: 400,
    code: 'FST_ERR_VALIDATION',
    validation: [entry, { instancePath: '/other', message: 'second error' }],
    ...(validationContext ? { validationContext } : {}),
  });

  it('should name a missing property', () => {
    expect(toHttpError(validation({ instancePath: '', params: { missingProperty: 'userId' }, message: 'x' }, 'body'))).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      code: 'VALIDATION_ERROR',
      message: 'body.userId is required',
      field: 'userId',
    });
  });

  it('should name an unknown property', () => {
    expect(toHttpError(validation({ instancePath: '', params: { additionalProperty: 'extra' } }, 'body'))).toMatchObject({
      message: 'body.extra is not a known field',
      field: 'extra',
    });
  });

  it('should explain what a message must be', () => {
    expect(toHttpError(validation({ instancePath: '/message', params: {}, message: 'must be string' }, 'body'))).toMatchObject({
      message: 'body.message must be a non-empty string or a JSON object',
      field: 'message',
    });
  });

  it('should name the first segment of a nested path and say where it was, with the validator message', () => {
    expect(toHttpError(validation({ instancePath: '/userId/0', message: 'must NOT have more than 128 characters' }, 'params'))).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      code: 'VALIDATION_ERROR',
      message: 'params.userId must NOT have more than 128 characters',
      field: 'userId',
    });
  });

  it('should default to the body and "is invalid" and leave the field out when nothing names one', () => {
    expect(toHttpError(validation({}))).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      code: 'VALIDATION_ERROR',
      message: 'body is invalid',
    });
  });

  it('should not take an empty validation list for a validation error', () => {
    expect(toHttpError({ statusCode: 400, code: 'FST_ERR_VALIDATION', message: 'm', validation: [] })).toMatchObject({
      code: 'FST_ERR_VALIDATION',
      message: 'm',
    });
  });
});
