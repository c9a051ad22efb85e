import type { Logger } from '../ports/logger.js';
import type { EmulatorHandlers } from './emulator/api-gateway-emulator.js';

export const REDACTED_VALUE = '[REDACTED]';

/** Header names whose values are secrets (compared case-insensitively). */
const SECRET_HEADERS = new Set(['authorization', 'cookie', 'x-api-key']);
/** Query string parameters whose values are secrets. */
const SECRET_PARAMETERS = new Set(['token']);

/**
 * A copy of a Lambda event with the `?token=` and the Authorization header (any casing, single and
 * multi-valued) replaced by `[REDACTED]`; everything else as the handler gets it.
 */
export function redactEvent<E extends object>(event: E): E {
  const copy: Record<string, unknown> = { ...(event as Record<string, unknown>) };
  for (const [field, secret] of [
    ['headers', SECRET_HEADERS],
    ['multiValueHeaders', SECRET_HEADERS],
    ['queryStringParameters', SECRET_PARAMETERS],
    ['multiValueQueryStringParameters', SECRET_PARAMETERS],
  ] as const) {
    const map = copy[field];
    if (map && typeof map === 'object') copy[field] = redactMap(map as Record<string, unknown>, secret);
  }
  return copy as E;
}

function redactMap(map: Record<string, unknown>, secret: ReadonlySet<string>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(map).map(([name, value]) => [
      name,
      secret.has(name.toLowerCase()) ? (Array.isArray(value) ? value.map(() => REDACTED_VALUE) : REDACTED_VALUE) : value,
    ]),
  );
}

/** `LOG_EVENTS=1`: wraps every handler so each event it gets is logged (redacted) before it runs. */
export function withEventLogging(handlers: EmulatorHandlers, logger: Logger): EmulatorHandlers {
  const log = (handler: string, event: object) => logger.info('lambda event', { handler, event: redactEvent(event) });
  const wrapped: EmulatorHandlers = {};
  if (handlers.authorizer) {
    const inner = handlers.authorizer;
    wrapped.authorizer = (event, context) => (log('authorizer', event), inner(event, context));
  }
  for (const name of ['connect', 'disconnect', 'default'] as const) {
    const inner = handlers[name];
    if (inner) wrapped[name] = (event, context) => (log(name, event), inner(event, context));
  }
  if (handlers.routes) {
    wrapped.routes = Object.fromEntries(
      Object.entries(handlers.routes).map(([route, inner]) => [
        route,
        (event: Parameters<typeof inner>[0], context?: Parameters<typeof inner>[1]) => (log(route, event), inner(event, context)),
      ]),
    );
  }
  return wrapped;
}
