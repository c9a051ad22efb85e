import { describe, expect, it } from 'vitest';
import { BoundedMemo } from '../../src/adapters/observability/bounded-memo.js';

describe('BoundedMemo', () => {
  it('should hand back the same value for a key it keeps', () => {
    const cache = new BoundedMemo<{ stage: string }>();
    const kept = cache.keep('prod', { stage: 'prod' });
    expect(cache.get('prod')).toBe(kept);
    expect(cache.get('dev')).toBeUndefined();
    expect(cache.size).toBe(1);
  });

  it('should stop keeping values once it holds maxEntries, and still return the value it is given', () => {
    const cache = new BoundedMemo<{ stage: string }>(2);
    for (const stage of ['a', 'b', 'c', 'd']) expect(cache.keep(stage, { stage })).toEqual({ stage });
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toEqual({ stage: 'b' });
    expect(cache.get('c')).toBeUndefined();
  });
});
