import type { IncomingMessage } from 'node:http';

/**
 * True when at least one identity source (`route.request.querystring.X` / `route.request.header.X`, or the
 * `$request.…` spelling) is present and not empty. Unknown source kinds never count as present.
 */
export function hasIdentity(sources: string[], req: IncomingMessage, url: URL): boolean {
  return sources.some((source) => {
    const match = /^(?:route\.request|\$request)\.(querystring|header)\.(.+)$/.exec(source);
    if (!match) return false;
    const [, kind, name] = match as unknown as [string, string, string];
    const value = kind === 'querystring' ? url.searchParams.get(name) : req.headers[name.toLowerCase()];
    const text = Array.isArray(value) ? value.join(',') : value;
    return typeof text === 'string' && text.trim() !== '';
  });
}
