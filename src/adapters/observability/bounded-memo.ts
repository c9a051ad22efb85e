/**
 * A value per key, computed on first use and reused, that stops growing at `maxEntries` keys: past the bound,
 * values are computed per call and not kept. For hot paths whose keys are few by design but come from input:
 * metric label sets (stages, routes, outcomes, codes), so a recorded metric allocates none, and the logger's
 * "is this field name a secret" answers.
 *
 * Use: `memo.get(key) ?? memo.keep(key, compute())` (the value is only computed on a miss).
 */
export class BoundedMemo<V> {
  private readonly values = new Map<string, V>();

  constructor(private readonly maxEntries = 1_000) {}

  get(key: string): V | undefined {
    return this.values.get(key);
  }

  /** Keeps `value` under `key` while there is room, and returns it. */
  keep(key: string, value: V): V {
    if (this.values.size < this.maxEntries) this.values.set(key, value);
    return value;
  }

  get size(): number {
    return this.values.size;
  }
}
