/**
 * Who may use the console. It is a local tool whose routes act with the local API key, so a request is
 * refused unless it comes from this machine (`remoteAddress` on loopback), names this machine (`Host` on
 * loopback: a DNS-rebound name never matches) and, for the API routes, comes from the console's own page
 * (no foreign `Origin`, no cross-site `Sec-Fetch-Site`, and the `X-Socketpost-Console` header, which a
 * cross-origin page cannot send without a CORS preflight that the console never allows).
 */
export interface ConsoleRequestFacts {
  remoteAddress: string | undefined;
  host: string | undefined;
  origin?: string | undefined;
  secFetchSite?: string | undefined;
  consoleHeader?: string | undefined;
}

/** The header the console's script sends on every API call. */
export const CONSOLE_HEADER = 'x-socketpost-console';

export interface ConsoleRefusal {
  code: 'CONSOLE_LOCAL_ONLY' | 'CONSOLE_FOREIGN_ORIGIN';
  message: string;
}

const LOOPBACK_ADDRESS = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;
const LOOPBACK_HOST = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])(:\d{1,5})?$/i;

export function isLoopbackAddress(address: string | undefined): boolean {
  return address !== undefined && LOOPBACK_ADDRESS.test(address);
}

export function isLoopbackHost(host: string | undefined): boolean {
  return host !== undefined && LOOPBACK_HOST.test(host);
}

/** Why the console's page may not be served to this request, or undefined when it may. */
export function pageRefusal(facts: ConsoleRequestFacts): ConsoleRefusal | undefined {
  if (!isLoopbackAddress(facts.remoteAddress) || !isLoopbackHost(facts.host)) {
    return {
      code: 'CONSOLE_LOCAL_ONLY',
      message: 'the console answers only on this machine: open http://127.0.0.1:<PORT>/console in a browser running here',
    };
  }
  return undefined;
}

/** Why a console API call is refused, or undefined when it may run with the local API key. */
export function apiRefusal(facts: ConsoleRequestFacts): ConsoleRefusal | undefined {
  const local = pageRefusal(facts);
  if (local) return local;
  const ownOrigin = `http://${facts.host}`;
  const foreignOrigin = facts.origin !== undefined && facts.origin.toLowerCase() !== ownOrigin.toLowerCase();
  const crossSite = facts.secFetchSite !== undefined && facts.secFetchSite !== 'same-origin';
  if (foreignOrigin || crossSite || facts.consoleHeader !== '1') {
    return {
      code: 'CONSOLE_FOREIGN_ORIGIN',
      message: `console API calls come only from the console page itself (${ownOrigin}/console, which sends ${CONSOLE_HEADER}: 1); call the REST API with an API key instead`,
    };
  }
  return undefined;
}
