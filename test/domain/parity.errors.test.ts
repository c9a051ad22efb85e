import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/errors/domain.error.js';
import {
  ConnectionCloseFailedError,
  ConnectionNotFoundError,
  IdempotencyKeyInUseError,
  IdempotencyKeyReusedError,
} from '../../src/domain/errors/parity.errors.js';

describe('the errors of the parity use cases', () => {
  it('should say which connection is not open, with the CONNECTION_NOT_FOUND code, and how to find the open ones', () => {
    const error = new ConnectionNotFoundError('c1=');
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ name: 'ConnectionNotFoundError', code: 'CONNECTION_NOT_FOUND', connectionId: 'c1=' });
    expect(error.message).toBe(
      "connection c1= is not open (unknown, closed or gone); list the user's connections with GET /users/:userId/connections",
    );
  });

  it('should say which connection could not be closed and why, with the UPSTREAM_ERROR code and what to check', () => {
    const error = new ConnectionCloseFailedError('c1=', '403 Forbidden');
    expect(error).toMatchObject({ name: 'ConnectionCloseFailedError', code: 'UPSTREAM_ERROR', connectionId: 'c1=' });
    expect(error.message).toBe('could not close connection c1=: 403 Forbidden; retry later, or check execute-api:ManageConnections on its stage');
  });

  it('should tell a reused Idempotency-Key (IDEMPOTENCY_KEY_REUSED) from one still running (IDEMPOTENCY_KEY_IN_USE), each saying what to do', () => {
    expect(new IdempotencyKeyReusedError()).toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
      message: 'this Idempotency-Key was used with another request; use a new key for a new request',
    });
    expect(new IdempotencyKeyInUseError()).toMatchObject({
      code: 'IDEMPOTENCY_KEY_IN_USE',
      message: 'a request with this Idempotency-Key is still running; retry in a moment to get its answer',
    });
  });
});
