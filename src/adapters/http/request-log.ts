/**
 * How requests are logged: one line per request once it is answered (`request completed`, with the request,
 * the status and the response time), the path without the query string, which may carry an API key or a
 * token (`?api_key=…`, `?token=…`) that must never reach a log.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

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
 * Fastify's `onResponse` hook of the one request line: `{req, res: {statusCode}, responseTime}` at info, through
 * the request's logger (so with its `reqId`). Fastify's own request logging (`disableRequestLogging: false`)
 * writes two lines per request, `incoming request` and `request completed`; one carries the same facts.
 */
export function logAnsweredRequest(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
  request.log.info({ req: serializeRequest(request), res: { statusCode: reply.statusCode }, responseTime: reply.elapsedTime }, 'request completed');
  done();
}
