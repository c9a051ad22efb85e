import type { Metrics } from '../../ports/metrics.js';
import {
  createRequestContext,
  newRequestId,
  runWithRequestContext,
  saneRequestId,
  type RequestContext,
} from '../observability/request-context.js';
import type { AuthorizerHandler, LambdaContext, WebSocketHandler } from './lambda-events.js';
import { header, requestContextOf } from './lambda-support.js';

/** Metrics a Lambda writes out at the end of each event (EMF); `flush` is absent when nothing is buffered. */
export type LambdaMetrics = Metrics & { flush?: () => void };

/**
 * The request context of one Lambda event: API Gateway's `requestContext.requestId` (else the invocation's
 * `awsRequestId`, else a new id), and the trace id of a `traceparent` or `X-Amzn-Trace-Id` header when the
 * event has one (`$connect` carries the handshake's headers). Every log line of the event carries them.
 */
export function lambdaRequestContext(event: unknown, context?: LambdaContext): RequestContext {
  const requestId = saneRequestId(requestContextOf(event)?.requestId) ?? saneRequestId(context?.awsRequestId) ?? newRequestId();
  const headers = (event as { headers?: Record<string, string> } | null | undefined)?.headers;
  return createRequestContext(requestId, header(headers, 'traceparent'), header(headers, 'x-amzn-trace-id'));
}

function stageOf(event: unknown): string {
  const stage = requestContextOf(event)?.stage;
  return typeof stage === 'string' && stage.length > 0 ? stage : 'unknown';
}

/** What a `$connect` answer means for the `connects` counter. */
function connectOutcome(statusCode: number): string {
  if (statusCode < 300) return 'accepted';
  return statusCode >= 500 ? 'error' : 'refused';
}

/**
 * Runs a WebSocket route handler inside its event's request context, counts connects (by stage and outcome) and
 * disconnects (by stage), and flushes the metrics once the event is answered.
 */
export function observeWebSocketHandler(route: 'connect' | 'disconnect' | 'default', handler: WebSocketHandler, metrics: LambdaMetrics): WebSocketHandler {
  return (event, context) =>
    runWithRequestContext(lambdaRequestContext(event, context), async () => {
      let statusCode = 500;
      try {
        const result = await handler(event, context);
        statusCode = result.statusCode;
        return result;
      } finally {
        if (route === 'connect') metrics.count('connects', { stage: stageOf(event), outcome: connectOutcome(statusCode) });
        else if (route === 'disconnect') metrics.count('disconnects', { stage: stageOf(event) });
        metrics.flush?.();
      }
    });
}

/** Runs the authorizer inside its event's request context and flushes the metrics (its refusals) after each event. */
export function observeAuthorizer(handler: AuthorizerHandler, metrics: LambdaMetrics): AuthorizerHandler {
  return (event, context) =>
    runWithRequestContext(lambdaRequestContext(event, context), async () => {
      try {
        return await handler(event, context);
      } finally {
        metrics.flush?.();
      }
    });
}

/** A bounded category for an authorizer refusal: the `reason` label never carries a token's or a library's text. */
export function refusalCategory(reason: string): string {
  if (reason === 'no token') return 'missing_token';
  if (reason === 'event has no methodArn') return 'bad_event';
  if (reason.startsWith('sub ') || reason === 'token has no sub') return 'bad_subject';
  if (/more than the .* allowed/.test(reason)) return 'lifetime_too_long';
  if (/"exp"|expired/i.test(reason)) return 'expired';
  if (/"nbf"|iat is in the future/i.test(reason)) return 'not_yet_valid';
  if (/signature/i.test(reason)) return 'bad_signature';
  if (/"iss"|"aud"/.test(reason)) return 'wrong_issuer_or_audience';
  return 'invalid_token';
}
