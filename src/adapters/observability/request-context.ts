import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * The request a piece of work belongs to: a REST request, or one Lambda event. Set at the edge (a Fastify hook,
 * the Lambda handler wrapper) and read by the logger (every line gets `requestId`, and `traceId` when the caller
 * sent a W3C `traceparent`), so use cases keep their signatures and still log with the id of their request.
 */
export interface RequestContext {
  readonly requestId: string;
  /** The 32 hex digits of a valid W3C `traceparent` (or the root of an `X-Amzn-Trace-Id`), when one came in. */
  readonly traceId?: string;
  /** The `traceparent` header as received, when valid. */
  readonly traceparent?: string;
  /** What each log line of this request carries: built once per request, so logging allocates nothing for it. */
  readonly logFields: Readonly<Record<string, string>>;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** A request id from a caller is kept when it is 1–128 of these characters (a UUID, a ULID, base64…). */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:/+=-]{1,128}$/;
/** W3C Trace Context, version 00 (later versions keep these first four fields): version-traceid-parentid-flags. */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$/;
/** `X-Amzn-Trace-Id: Root=1-{8 hex}-{24 hex};…` (API Gateway, ALB). */
const AMZN_ROOT = /(?:^|;)\s*Root=1-([0-9a-f]{8})-([0-9a-f]{24})(?:;|$)/i;

/** The caller's request id when it is sane (bounded, safe characters), else undefined. */
export function saneRequestId(value: unknown): string | undefined {
  return typeof value === 'string' && SAFE_REQUEST_ID.test(value) ? value : undefined;
}

/** A new request id (a UUID). */
export function newRequestId(): string {
  return randomUUID();
}

/** The trace id of a valid W3C `traceparent` (not version ff, neither id all zeros), else undefined. */
export function traceIdOf(traceparent: unknown): string | undefined {
  if (typeof traceparent !== 'string' || traceparent.length > 512) return undefined;
  const match = TRACEPARENT.exec(traceparent.trim());
  if (!match) return undefined;
  const [, version, traceId, parentId] = match as unknown as [string, string, string, string];
  if (version === 'ff' || (version === '00' && traceparent.trim().length !== 55)) return undefined;
  if (/^0+$/.test(traceId) || /^0+$/.test(parentId)) return undefined;
  return traceId;
}

/** The trace id (32 hex digits) of an `X-Amzn-Trace-Id` header's root, else undefined. */
export function traceIdOfAmznTrace(header: unknown): string | undefined {
  if (typeof header !== 'string' || header.length > 512) return undefined;
  const match = AMZN_ROOT.exec(header);
  return match ? `${match[1]}${match[2]}`.toLowerCase() : undefined;
}

/** Builds a context; `traceparent` is kept only when valid, `amznTraceId` is the fallback for the trace id. */
export function createRequestContext(requestId: string, traceparent?: unknown, amznTraceId?: unknown): RequestContext {
  const w3c = traceIdOf(traceparent);
  const traceId = w3c ?? traceIdOfAmznTrace(amznTraceId);
  return {
    requestId,
    ...(traceId ? { traceId } : {}),
    ...(w3c ? { traceparent: (traceparent as string).trim() } : {}),
    logFields: traceId ? { requestId, traceId } : { requestId },
  };
}

/** Runs `fn` (and everything it starts, timers and promises included) inside `context`. */
export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The context of the running request, if any. */
export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

const NO_FIELDS: Readonly<Record<string, string>> = Object.freeze({});

/** Marks a logger whose bindings already hold the request's fields (Fastify's per-request logger). */
export const BOUND_TO_REQUEST = Symbol.for('socketpost.boundToRequest');

/**
 * The fields the logger adds to each line (pino's `mixin`): the running request's, or an empty (shared, frozen)
 * object outside a request or when `logger` is bound to the request already (no key written twice).
 */
export function requestLogFields(_fields?: object, _level?: number, logger?: object): Readonly<Record<string, string>> {
  if (logger !== undefined && (logger as { [BOUND_TO_REQUEST]?: boolean })[BOUND_TO_REQUEST] === true) return NO_FIELDS;
  return storage.getStore()?.logFields ?? NO_FIELDS;
}

/** True for the object `requestLogFields` returns outside a request (nothing to merge). */
export function isNoFields(fields: object): boolean {
  return fields === NO_FIELDS;
}
