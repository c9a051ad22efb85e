/** Base class of every error the domain raises on purpose. `code` is stable and safe to show to clients. */
export abstract class DomainError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input that breaks a rule of the domain (bad user id, bad stage…). */
export class ValidationError extends DomainError {
  readonly code = 'VALIDATION_ERROR';

  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** A message larger than API Gateway accepts (131,072 bytes); refused before any post. */
export class MessageTooLargeError extends DomainError {
  readonly code = 'MESSAGE_TOO_LARGE';

  constructor(
    readonly sizeBytes: number,
    readonly limitBytes: number,
    /** What is too large when it is not the message itself (e.g. the message in its recovery envelope). */
    subject?: string,
  ) {
    super(
      subject
        ? `message is ${sizeBytes} bytes in ${subject}; API Gateway accepts at most ${limitBytes} bytes: send a smaller message`
        : `message is ${sizeBytes} bytes; API Gateway accepts at most ${limitBytes} bytes`,
    );
  }
}

/** An apiId / domainName / stage / region that cannot form a management endpoint. */
export class InvalidEndpointError extends DomainError {
  readonly code = 'INVALID_ENDPOINT';
}

/** Storage did not answer (network, throttling, table missing). Adapters wrap their own errors in it. */
export class StorageUnavailableError extends DomainError {
  readonly code = 'STORAGE_UNAVAILABLE';
}
