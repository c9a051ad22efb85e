import type { FastifyBaseLogger, FastifyInstance, FastifyServerOptions } from 'fastify';
import type { IncomingMessage } from 'node:http';
import {
  BOUND_TO_REQUEST,
  createRequestContext,
  type RequestContext,
  newRequestId,
  runWithRequestContext,
  saneRequestId,
} from '../observability/request-context.js';

/**
 * Request correlation for the REST service. Each request gets an id: the caller's `x-request-id` when it is
 * sane (1–128 of `A-Z a-z 0-9 . _ : / + = -`), else a new UUID. It is echoed in the `x-request-id` answer
 * header, is Fastify's `request.id` (its request lines carry it as `requestId`), and runs as the request context
 * of everything the request does, so every log line of the request and of each post of its fan-out carries
 * `requestId` (and `traceId` when a valid W3C `traceparent` came in).
 */

export const REQUEST_ID_HEADER = 'x-request-id';

/** Fastify's `genReqId`: the caller's sane `x-request-id`, else a new one. */
export function requestIdOf(request: { headers: Record<string, string | string[] | undefined> }): string {
  return saneRequestId(request.headers[REQUEST_ID_HEADER]) ?? newRequestId();
}

const CONTEXT = Symbol('socketpost.requestContext');
type RawWithContext = IncomingMessage & { [CONTEXT]?: RequestContext };

function contextOf(raw: RawWithContext, requestId: string): RequestContext {
  return (raw[CONTEXT] ??= createRequestContext(requestId, raw.headers.traceparent));
}

/**
 * Fastify's `childLoggerFactory`: the request's logger is bound to `requestId` (and `traceId`) from its first
 * line (a line written before any hook runs carries them too), and marked so that the logger's mixin adds nothing.
 */
export const requestChildLogger: NonNullable<FastifyServerOptions['childLoggerFactory']> = function requestChildLogger(
  logger: FastifyBaseLogger,
  bindings,
  options,
  raw,
) {
  // Fastify binds `reqId`; the request's lines carry `requestId` (and `traceId`) instead, like every other line.
  // (Fastify labels it `reqId`, or `requestId` when a LogController says so: either is the request's id.)
  const { reqId, requestId: labelled, ...rest } = bindings as Record<string, unknown>;
  const requestId = typeof reqId === 'string' ? reqId : typeof labelled === 'string' ? labelled : newRequestId();
  const child = logger.child({ ...rest, ...contextOf(raw as RawWithContext, requestId).logFields }, options);
  (child as unknown as { [BOUND_TO_REQUEST]: boolean })[BOUND_TO_REQUEST] = true;
  return child;
};

/**
 * Installs the hooks: `onRequest` echoes the id; `preValidation` runs the rest of the request (validation, the
 * handler and everything it starts) inside the request's context. Nothing before validation writes a line through
 * the shared logger (the request's own lines carry the id through its child logger), and entering the context
 * there, once, costs less than entering it in `onRequest` and carrying it across the body's parsing (which runs in
 * the socket's async context) with an AsyncResource per request.
 */
export function installCorrelation(app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  app.addHook('preValidation', (request, _reply, done) => {
    runWithRequestContext(contextOf(request.raw, request.id), done);
  });
}

/** A send's report: with a `delivered` count (notify, group, broadcast), or one connection's `status`. */
export function isSendReport(payload: unknown): payload is Record<string, unknown> {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return false;
  const report = payload as { delivered?: unknown; connectionId?: unknown; status?: unknown };
  return typeof report.delivered === 'number' || (typeof report.connectionId === 'string' && typeof report.status === 'string');
}

/**
 * A copy of a send report with `requestId` first (a stored idempotent answer is left as it is). A report that
 * already has one keeps it: a replayed answer keeps the first request's id (idempotency.ts stores it), the one its
 * sends were logged with.
 */
export function withRequestId<T extends object>(requestId: string, report: T): T {
  return { requestId, ...report };
}
