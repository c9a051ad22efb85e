import { ValidationError } from '../../domain/errors/domain.error.js';
import type { Page, PageRequest } from '../../ports/page.js';

/** A page of `sortedIds` (ascending) after the cursor's id; the cursor names its list so it cannot be reused elsewhere. */
export function pageOfSorted<T>(list: string, sortedIds: readonly string[], page: PageRequest, get: (id: string) => T): Page<T> {
  let after: string | undefined;
  if (page.cursor) {
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(page.cursor, 'base64url').toString('utf8'));
    } catch {
      decoded = undefined;
    }
    const d = decoded as { list?: unknown; after?: unknown } | undefined;
    if (!d || d.list !== list || typeof d.after !== 'string') {
      throw new ValidationError('cursor', 'is not a cursor of this list; pass the `cursor` of the previous page unchanged');
    }
    after = d.after;
  }
  const start = after === undefined ? 0 : firstAfter(sortedIds, after);
  const ids = sortedIds.slice(start, start + page.limit);
  const last = ids.at(-1);
  const more = start + ids.length < sortedIds.length;
  return {
    items: ids.map(get),
    ...(more && last !== undefined ? { cursor: Buffer.from(JSON.stringify({ list, after: last }), 'utf8').toString('base64url') } : {}),
  };
}

function firstAfter(sorted: readonly string[], after: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as string) <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Binary-code-point order, the order DynamoDB sorts string keys in (for ASCII ids). */
export function sortIds(ids: Iterable<string>): string[] {
  return [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
