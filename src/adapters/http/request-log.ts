/**
 * How requests are logged: one line per request once it is answered (`request completed`, with the request,
 * the status and the response time), the path without the query string, which may carry an API key or a
 * token (`?api_key=…`, `?token=…`) that must never reach a log.
 */
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/** Only the path of a request URL. */
export function pathOnly(url: unknown): string | undefined {
  return typeof url === 'string' ? url.split(/[?#]/)[0] : undefined;
}

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/** The fields of Fastify's default request serializer, with `url` reduced to its path. */
export function serializeRequest(req: LoggedRequest): Record<string, unknown> {
  return { method: req.method, url: pathOnly(req.url), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort };
}

/**
 * Fastify's request lines, one per request once it is answered: `request completed` (or `request errored`) with
 * `{req, res: {statusCode}, responseTime}`, through the request's logger (so with its `requestId`). Fastify's default
 * writes two lines per request (`incoming request`, then `request completed`); one carries the same facts at
 * half the cost.
 */
const SEND_SUMMARY = Symbol('socketpost.sendSummary');
type SummarisedRequest = FastifyRequest & { [SEND_SUMMARY]?: Record<string, unknown> };
/** Report fields the request line repeats: who or what was addressed, the totals, and why a send stopped. */
const SUMMARY_FIELDS = ['userId', 'group', 'connectionId', 'status', 'delivered', 'gone', 'failed', 'excluded', 'stopped'] as const;

/**
 * Keeps the scalar totals of a send route's report for the request's line (`report`), so that one line per request
 * says what a send did: the use cases' own `… finished` lines are debug lines.
 */
export function attachSendSummary(request: FastifyRequest, report: Record<string, unknown>, replayed: boolean): void {
  const summary: Record<string, unknown> = {};
  for (const field of SUMMARY_FIELDS) if (report[field] !== undefined) summary[field] = report[field];
  if (Array.isArray(report.users)) summary.users = report.users.length;
  if (replayed) summary.replayed = true;
  (request as SummarisedRequest)[SEND_SUMMARY] = summary;
}

export class OneLinePerRequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    const report = (request as SummarisedRequest)[SEND_SUMMARY];
    const fields = { req: serializeRequest(request), res: { statusCode: reply.statusCode }, responseTime: reply.elapsedTime, ...(report ? { report } : {}) };
    if (error) reply.log.error({ ...fields, err: error }, 'request errored');
    else reply.log.info(fields, 'request completed');
  }
}
