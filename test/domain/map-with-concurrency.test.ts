import { describe, expect, it } from 'vitest';
import { mapWithConcurrency } from '../../src/domain/shared/map-with-concurrency.js';

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Calls that the test finishes by hand, recording how many run at once. */
function tracked() {
  const finishers: Array<() => void> = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const fn = async (item: string, index: number) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise<void>((resolve) => finishers.push(resolve));
    inFlight -= 1;
    return `${item}@${index}`;
  };
  return { fn, finishers, started: () => finishers.length, maxInFlight: () => maxInFlight };
}

describe('mapWithConcurrency', () => {
  it('should start every call at once when the items fit the limit, and keep the input order', async () => {
    const t = tracked();
    const mapping = mapWithConcurrency(['a', 'b', 'c'], 3, t.fn);
    await settle();
    expect(t.started()).toBe(3);
    for (const finish of [...t.finishers].reverse()) finish();
    expect(await mapping).toEqual(['a@0', 'b@1', 'c@2']);
  });

  it('should run at most limit calls at once over more items, starting the next as one ends', async () => {
    const t = tracked();
    const items = ['a', 'b', 'c', 'd', 'e'];
    const mapping = mapWithConcurrency(items, 2, t.fn);
    await settle();
    expect(t.started()).toBe(2);
    t.finishers[1]?.();
    await settle();
    expect(t.started()).toBe(3);
    // Finish the calls in the order they started (finishing b again is harmless); each end starts the next item.
    for (let i = 0; i < items.length; i += 1) {
      t.finishers[i]?.();
      await settle();
    }
    expect(await mapping).toEqual(['a@0', 'b@1', 'c@2', 'd@3', 'e@4']);
    expect(t.maxInFlight()).toBe(2);
  });

  it('should still make progress with a limit below 1, one call at a time', async () => {
    expect(await mapWithConcurrency(['a', 'b'], 0, async (item, index) => `${item}${index}`)).toEqual(['a0', 'b1']);
    expect(await mapWithConcurrency([], 0, async (item: string) => item)).toEqual([]);
  });
});
