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
export class OneLinePerRequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    const fields = { req: serializeRequest(request), res: { statusCode: reply.statusCode }, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...fields, err: error }, 'request errored');
    else reply.log.info(fields, 'request completed');
  }
}
