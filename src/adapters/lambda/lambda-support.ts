import {
  DomainError,
  InvalidEndpointError,
  StorageUnavailableError,
  ValidationError,
} from '../../domain/errors/domain.error.js';
import type { EndpointLocation } from '../../domain/model/management-endpoint.js';
import type { Logger } from '../../ports/logger.js';
import type { WebSocketEvent, WebSocketRequestContext, WebSocketResult } from './lambda-events.js';

/**
 * Builds a handler on its first call and keeps it for the life of the container, so dependencies (SDK
 * clients, the in-process endpoint cache) are made once, and importing the file has no side effects.
 */
export function once<H extends (...args: never[]) => unknown>(build: () => H): H {
  let built: H | undefined;
  return ((...args: Parameters<H>) => (built ??= build())(...args)) as H;
}

/** The event's requestContext, or undefined when the event has none (a malformed or hand-made event). */
export function requestContextOf(event: unknown): WebSocketRequestContext | undefined {
  const ctx = (event as { requestContext?: unknown } | null | undefined)?.requestContext;
  return ctx !== null && typeof ctx === 'object' ? (ctx as WebSocketRequestContext) : undefined;
}

/** A malformed event is refused, never thrown on. */
export const BAD_EVENT: WebSocketResult = { statusCode: 400, body: 'BAD_EVENT' };

/** Where the event's connection lives: from requestContext, never from the Host header. */
export function locationOf(event: WebSocketEvent): EndpointLocation {
  const { apiId, domainName, stage } = event.requestContext;
  return { apiId, domainName, stage };
}

/** Looks a header up case-insensitively (API Gateway keeps the client's casing). */
export function header(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return typeof value === 'string' ? value : undefined;
  return undefined;
}

/** The errors of a `$connect` handler become the status that refuses the handshake. */
export function failureResult(error: unknown, logger: Logger, what: string): WebSocketResult {
  if (error instanceof ValidationError || error instanceof InvalidEndpointError) {
    logger.warn(`${what} refused`, { code: error.code, error: error.message });
    return { statusCode: 400, body: error.code };
  }
  if (error instanceof StorageUnavailableError) {
    logger.error(`${what} failed: storage unavailable`, { error: error.message });
    return { statusCode: 503, body: error.code };
  }
  logger.error(`${what} failed`, {
    code: error instanceof DomainError ? error.code : undefined,
    error: error instanceof Error ? error.message : String(error),
  });
  return { statusCode: 500, body: 'INTERNAL_ERROR' };
}

export const OK: WebSocketResult = { statusCode: 200 };
