import { hash } from 'node:crypto';
import type { RateLimitPluginOptions } from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import { edgeBody } from './edge-errors.js';

/** Requests per minute per API key by default (`RATE_LIMIT_PER_MINUTE`; 0 turns the limit off). */
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 6_000;

/** The limiter's key: a digest of the presented API key, so keys never sit in memory as plain text. */
export function rateLimitKey(request: FastifyRequest): string {
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1] ?? '';
  return hash('sha256', presented, 'base64url');
}

/**
 * `@fastify/rate-limit` options for the authenticated routes: counted per API key over a one-minute
 * window (after the key check, so unauthenticated requests answer 401 and count for nobody), answering
 * 429 `RATE_LIMITED` with `Retry-After` in the documented error shape.
 */
export function rateLimitOptions(perMinute: number): RateLimitPluginOptions {
  return {
    global: true,
    max: perMinute,
    timeWindow: 60_000,
    keyGenerator: rateLimitKey,
    errorResponseBuilder: (_request, context) =>
      edgeBody(
        429,
        'RATE_LIMITED',
        `this API key sent more than ${context.max} requests in a minute; retry after ${context.after} (see Retry-After)`,
      ),
  };
}
