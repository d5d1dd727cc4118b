/**
 * A bounded memo of two generations: lookups read the current map, then the previous one;
 * when the current map has taken `max` entries it becomes the previous one (the older one is
 * dropped whole), so a working set of up to twice `max` stays cached and memory stays bounded
 * without any per-use bookkeeping. Used for decoded values (fields.ts) and detector results
 * (inspect.ts); `hits`/`misses` let tests and benches see that repeats are served from it.
 */
export class Generations<V> {
  private now = new Map<string, V>();
  private prev = new Map<string, V>();
  private taken = 0;
  hits = 0;
  misses = 0;

  constructor(private readonly max: number) {}

  /** The current generation's value for `k`. */
  current(k: string): V | undefined {
    return this.now.get(k);
  }

  /** The previous generation's value for `k` (callers then store it again with set()). */
  previous(k: string): V | undefined {
    return this.prev.get(k);
  }

  /** Store `v` under `k` in the current generation (starting a new one first when full). */
  set(k: string, v: V): void {
    this.count(1);
    this.now.set(k, v);
  }

  /**
   * Count `weight` more entries toward `max` without storing a new key (a stored list that
   * grew by one result), starting a new generation when full.
   */
  count(weight: number): void {
    if (this.taken >= this.max) {
      this.prev = this.now;
      this.now = new Map();
      this.taken = 0;
    }
    this.taken += weight;
  }
}
