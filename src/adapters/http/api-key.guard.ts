import { hash, timingSafeEqual } from 'node:crypto';

/**
 * Checks `Authorization: Bearer <key>` against the configured keys in constant time: every key is
 * compared (no early exit), and comparisons run on fixed-length digests so key length leaks nothing.
 */
export class ApiKeyGuard {
  private readonly digests: Buffer[];

  constructor(keys: readonly string[]) {
    if (keys.length === 0) throw new Error('at least one API key is required');
    this.digests = keys.map(digest);
  }

  allows(authorization: string | undefined): boolean {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    const presented = digest(match?.[1] ?? '');
    let allowed = false;
    for (const key of this.digests) allowed = timingSafeEqual(key, presented) || allowed;
    return allowed && match !== null;
  }
}

function digest(value: string): Buffer {
  return hash('sha256', value, 'buffer');
}
