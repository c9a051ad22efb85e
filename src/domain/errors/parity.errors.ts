import { DomainError } from './domain.error.js';

/** No live connection with this id (never recorded, closed, or found gone while sending). */
export class ConnectionNotFoundError extends DomainError {
  readonly code = 'CONNECTION_NOT_FOUND';

  constructor(readonly connectionId: string) {
    super(`connection ${connectionId} is not open (unknown, closed or gone); list the user's connections with GET /users/:userId/connections`);
  }
}

/** The management API refused or failed to close a connection (403, 5xx, network). */
export class ConnectionCloseFailedError extends DomainError {
  readonly code = 'UPSTREAM_ERROR';

  constructor(
    readonly connectionId: string,
    detail: string,
  ) {
    super(`could not close connection ${connectionId}: ${detail}; retry later, or check execute-api:ManageConnections on its stage`);
  }
}

/** An Idempotency-Key sent again with another request body. */
export class IdempotencyKeyReusedError extends DomainError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';

  constructor() {
    super('this Idempotency-Key was used with another request; use a new key for a new request');
  }
}

/** An Idempotency-Key whose first request is still running. */
export class IdempotencyKeyInUseError extends DomainError {
  readonly code = 'IDEMPOTENCY_KEY_IN_USE';

  constructor() {
    super('a request with this Idempotency-Key is still running; retry in a moment to get its answer');
  }
}
