/**
 * How Fastify's request lines are logged: the path without the query string, which may carry an API key or
 * a token (`?api_key=…`, `?token=…`) that must never reach a log.
 */

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
