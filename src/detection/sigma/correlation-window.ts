/**
 * One group's window of a correlation: entries in arrival order with running aggregates, so
 * adding, evicting and measuring cost O(1) amortized whatever the window size (a value_count over
 * 10,000 entries must not rebuild a set on every event). A window is reused after its group
 * fires (clear()): a brute-forced log restarts hundreds of thousands of groups, and building a
 * window (two arrays and a Map) for each was a large part of the ordered stage's garbage
 * (bench/scan.mjs --parts).
 *
 * @example
 * const w = new CorrelationWindow();
 * w.push(1000, 'alice'); w.push(2000, 'bob');
 * w.distinct // 2
 */
import type { CorrelationCondition } from './types.js';

/** Distinct values kept in two small arrays before a Map is worth its hashing. */
const SMALL = 8;
/** Entries whose storage clear() keeps for reuse; larger arrays are let go. */
const KEEP_STORAGE = 64;

export class CorrelationWindow {
  /** Entries are [#head, #tail) of these; slots past #tail are stale, reused by push. */
  #times: number[] = [];
  /** Values in step with #times; only once a value has been pushed (event_count has none). */
  #values: Array<string | number | undefined> | undefined;
  #head = 0;
  #tail = 0;
  #sum = 0;
  // Count per distinct string value, in first-seen order (as a Map iterates): up to SMALL
  // values in #small/#smallCounts (scanned: no hash of a fresh string per event), beyond that
  // in #counts.
  #small: string[] = [];
  #smallCounts: number[] = [];
  #nSmall = 0;
  #counts: Map<string, number> | undefined;

  get size(): number {
    return this.#tail - this.#head;
  }
  /** Event time of the oldest entry still in the window. */
  get firstTime(): number | undefined {
    return this.#head < this.#tail ? this.#times[this.#head] : undefined;
  }
  get sum(): number {
    return this.#sum;
  }
  get distinct(): number {
    return this.#counts === undefined ? this.#nSmall : this.#counts.size;
  }
  /** Count of each distinct value, in first-seen order (value_percentile). */
  get counts(): ReadonlyMap<string, number> {
    if (this.#counts !== undefined) return this.#counts;
    const m = new Map<string, number>();
    for (let i = 0; i < this.#nSmall; i++) m.set(this.#small[i]!, this.#smallCounts[i]!);
    return m;
  }

  #add(v: string): void {
    const counts = this.#counts;
    if (counts !== undefined) {
      counts.set(v, (counts.get(v) ?? 0) + 1);
      return;
    }
    const small = this.#small;
    const n = this.#nSmall;
    for (let i = 0; i < n; i++) {
      if (small[i] === v) {
        this.#smallCounts[i]!++;
        return;
      }
    }
    if (n < SMALL) {
      small[n] = v;
      this.#smallCounts[n] = 1;
      this.#nSmall = n + 1;
      return;
    }
    const m = (this.#counts = new Map<string, number>());
    for (let i = 0; i < n; i++) m.set(small[i]!, this.#smallCounts[i]!);
    m.set(v, 1);
    this.#clearSmall();
  }

  #remove(v: string): void {
    const counts = this.#counts;
    if (counts !== undefined) {
      const n = (counts.get(v) ?? 1) - 1;
      if (n === 0) counts.delete(v);
      else counts.set(v, n);
      return;
    }
    const small = this.#small;
    const smallCounts = this.#smallCounts;
    const n = this.#nSmall;
    for (let i = 0; i < n; i++) {
      if (small[i] !== v) continue;
      if (--smallCounts[i]! > 0) return;
      // Gone: the later values move up (first-seen order, as a Map delete keeps it).
      for (let j = i + 1; j < n; j++) {
        small[j - 1] = small[j]!;
        smallCounts[j - 1] = smallCounts[j]!;
      }
      small[n - 1] = undefined as unknown as string;
      this.#nSmall = n - 1;
      return;
    }
  }

  #clearSmall(): void {
    for (let i = 0; i < this.#nSmall; i++) this.#small[i] = undefined as unknown as string;
    this.#nSmall = 0;
  }

  push(t: number, v: string | number | undefined): void {
    const i = this.#tail++;
    if (v !== undefined && this.#values === undefined) {
      // Entries pushed so far had no value.
      this.#values = new Array<string | number | undefined>(this.#times.length).fill(undefined);
    }
    // (Setting .length to truncate is a runtime call in V8: slots are overwritten instead.)
    if (i < this.#times.length) {
      this.#times[i] = t;
      if (this.#values !== undefined) this.#values[i] = v;
    } else {
      this.#times.push(t);
      if (this.#values !== undefined) this.#values.push(v);
    }
    if (typeof v === 'number') this.#sum += v;
    else if (v !== undefined) this.#add(v);
  }

  /** Remove the oldest entry (bounded memory or sliding). */
  shift(): void {
    if (this.#head === this.#tail) return;
    const values = this.#values;
    if (values !== undefined) {
      const v = values[this.#head];
      values[this.#head] = undefined;
      if (typeof v === 'number') this.#sum -= v;
      else if (v !== undefined) this.#remove(v);
    }
    this.#head++;
    if (this.#head === this.#tail) {
      // Empty: start over at the front (the common case of a short window).
      this.#head = 0;
      this.#tail = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#tail) {
      // Compact now and then so the arrays do not grow without bound.
      this.#times = this.#times.slice(this.#head, this.#tail);
      if (values !== undefined) this.#values = values.slice(this.#head, this.#tail);
      this.#tail -= this.#head;
      this.#head = 0;
    }
  }

  /** Drop entries older than `from` from the front (entries arrive roughly in time order). */
  pruneBefore(from: number): void {
    while (this.#head < this.#tail && this.#times[this.#head]! < from) this.shift();
  }

  /**
   * Empty the window, keeping its storage for reuse when small (a dormant group must not hold
   * on to the storage of a large window: see correlation.ts).
   */
  clear(): void {
    const values = this.#values;
    if (this.#times.length > KEEP_STORAGE) {
      this.#times = [];
      if (values !== undefined) this.#values = [];
    } else if (values !== undefined) {
      for (let i = this.#head; i < this.#tail; i++) values[i] = undefined;
    }
    this.#head = 0;
    this.#tail = 0;
    this.#sum = 0;
    this.#clearSmall();
    this.#counts = undefined; // (Map#clear() allocates a new table: cheaper to start small again)
  }
}

export function holds(cond: CorrelationCondition, x: number): boolean {
  if (cond.gt !== undefined && !(x > cond.gt)) return false;
  if (cond.gte !== undefined && !(x >= cond.gte)) return false;
  if (cond.lt !== undefined && !(x < cond.lt)) return false;
  if (cond.lte !== undefined && !(x <= cond.lte)) return false;
  if (cond.eq !== undefined && x !== cond.eq) return false;
  return true;
}
