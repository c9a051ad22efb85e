import autocannon from 'autocannon';
import { BENCH_API_KEY } from './bench-row.js';

export interface LoadOptions {
  connections: number;
  seconds: number;
}

/**
 * Requests per second autocannon sustains against one route, and how many it sent; throws if any answer is not
 * 2xx. With `notifyUserId`, each request is an authorised `POST /notify` to that user; without, a plain GET.
 */
export async function loadRoute(
  url: string,
  options: LoadOptions,
  notifyUserId?: string,
): Promise<{ perSecond: number; total: number }> {
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.seconds,
    ...(notifyUserId !== undefined
      ? {
          method: 'POST' as const,
          headers: { authorization: `Bearer ${BENCH_API_KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ userId: notifyUserId, message: { kind: 'bench', text: 'hello' } }),
        }
      : {}),
  });
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0) throw new Error(`${url}: ${bad} failed requests of ${result.requests.total}`);
  return { perSecond: result.requests.total / options.seconds, total: Math.max(1, result.requests.total) };
}
