/**
 * Headers on every answer of the REST service. API answers are JSON that no browser should sniff, frame or
 * cache; the Swagger UI under `/docs` gets a CSP that lets its own scripts, styles and images load.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
};

/** API answers: nothing may load, nothing may frame them, nothing may store them. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Swagger UI: its own files plus inline styles and data: images (the UI's icons), still unframeable. */
export const DOCS_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

/** Every header for one answer, given its path. */
export function securityHeadersFor(path: string): Record<string, string> {
  const docs = path === '/docs' || path.startsWith('/docs/');
  return {
    ...SECURITY_HEADERS,
    'content-security-policy': docs ? DOCS_CSP : API_CSP,
    ...(docs ? {} : { 'cache-control': 'no-store' }),
  };
}

const API_ENTRIES = Object.freeze(Object.entries(securityHeadersFor('/')));
const DOCS_ENTRIES = Object.freeze(Object.entries(securityHeadersFor('/docs')));

/** The same headers as `[name, value]` pairs, computed once (the `onSend` hook runs on every answer). */
export function securityHeaderEntriesFor(path: string): ReadonlyArray<readonly [string, string]> {
  return path === '/docs' || path.startsWith('/docs/') ? DOCS_ENTRIES : API_ENTRIES;
}
