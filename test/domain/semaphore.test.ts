import { describe, expect, it } from 'vitest';
import { Semaphore } from '../../src/domain/shared/semaphore.js';

/** A task the test finishes by hand, recording when it started. */
function gate(started: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { task: async () => (started.push(name), await done, name), finish: () => finish() };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('Semaphore', () => {
  it.each([0, -1, 0.5, Number.NaN])('should refuse a limit of %s with a RangeError that says the minimum', (limit) => {
    expect(() => new Semaphore(limit)).toThrow(new RangeError('limit must be at least 1'));
  });

  it('should accept a limit of 1 and run one task at a time', async () => {
    const started: string[] = [];
    const semaphore = new Semaphore(1);
    const a = gate(started, 'a');
    const b = gate(started, 'b');
    const runs = [semaphore.run(a.task), semaphore.run(b.task)];
    await settle();
    expect(started).toEqual(['a']);
    a.finish();
    await settle();
    expect(started).toEqual(['a', 'b']);
    b.finish();
    expect(await Promise.all(runs)).toEqual(['a', 'b']);
  });

  it('should hold at most limit tasks at once, start the waiting ones in order, and keep the limit after a round', async () => {
    const started: string[] = [];
    const semaphore = new Semaphore(2);
    const gates = ['a', 'b', 'c', 'd', 'e'].map((name) => gate(started, name));
    const runs = gates.map((g) => semaphore.run(g.task));
    await settle();
    expect(started).toEqual(['a', 'b']);

    gates[1]?.finish();
    await settle();
    expect(started).toEqual(['a', 'b', 'c']);
    gates[0]?.finish();
    gates[2]?.finish();
    await settle();
    expect(started).toEqual(['a', 'b', 'c', 'd', 'e']);
    gates[3]?.finish();
    gates[4]?.finish();
    expect(await Promise.all(runs)).toEqual(['a', 'b', 'c', 'd', 'e']);

    // Every holder released: the next round again admits exactly two.
    const next = ['f', 'g', 'h'].map((name) => gate(started, name));
    const again = next.map((g) => semaphore.run(g.task));
    await settle();
    expect(started.slice(5)).toEqual(['f', 'g']);
    for (const g of next) g.finish();
    await Promise.all(again);
  });

  it('should release its place when a task fails, and pass the failure on', async () => {
    const semaphore = new Semaphore(1);
    await expect(semaphore.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    const started: string[] = [];
    const a = gate(started, 'a');
    const b = gate(started, 'b');
    const runs = [semaphore.run(a.task), semaphore.run(b.task)];
    await settle();
    expect(started).toEqual(['a']);
    a.finish();
    b.finish();
    await Promise.all(runs);
  });
});
