import { describe, expect, it } from 'vitest';
import { BoundedLabelCache } from '../../src/adapters/observability/bounded-label-cache.js';

describe('BoundedLabelCache', () => {
  it('should hand back the same labels object for a key it keeps', () => {
    const cache = new BoundedLabelCache();
    const kept = cache.keep('prod', { stage: 'prod' });
    expect(cache.get('prod')).toBe(kept);
    expect(cache.get('dev')).toBeUndefined();
    expect(cache.size).toBe(1);
  });

  it('should stop keeping label sets once it holds maxEntries, and still return the labels it is given', () => {
    const cache = new BoundedLabelCache(2);
    for (const stage of ['a', 'b', 'c', 'd']) expect(cache.keep(stage, { stage })).toEqual({ stage });
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toEqual({ stage: 'b' });
    expect(cache.get('c')).toBeUndefined();
  });
});
