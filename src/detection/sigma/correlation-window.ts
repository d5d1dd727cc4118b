/**
 * One group's window of a correlation: entries in arrival order with running aggregates, so
 * adding, evicting and measuring cost O(1) amortized whatever the window size (a value_count over
 * 10,000 entries must not rebuild a set on every event).
 *
 * @example
 * const w = new CorrelationWindow();
 * w.push(1000, 'alice'); w.push(2000, 'bob');
 * w.distinct // 2
 */
import type { CorrelationCondition } from './types.js';

export class CorrelationWindow {
  #times: number[] = [];
  #values: Array<string | number | undefined> = [];
  #head = 0;
  #sum = 0;
  #counts = new Map<string, number>();

  get size(): number {
    return this.#times.length - this.#head;
  }
  /** Event time of the oldest entry still in the window. */
  get firstTime(): number | undefined {
    return this.#times[this.#head];
  }
  get sum(): number {
    return this.#sum;
  }
  get distinct(): number {
    return this.#counts.size;
  }
  /** Count of each distinct value (value_percentile). */
  get counts(): ReadonlyMap<string, number> {
    return this.#counts;
  }

  push(t: number, v: string | number | undefined): void {
    this.#times.push(t);
    this.#values.push(v);
    if (typeof v === 'number') this.#sum += v;
    else if (v !== undefined) this.#counts.set(v, (this.#counts.get(v) ?? 0) + 1);
  }

  /** Remove the oldest entry (bounded memory or sliding). */
  shift(): void {
    if (this.size === 0) return;
    const v = this.#values[this.#head];
    if (typeof v === 'number') this.#sum -= v;
    else if (v !== undefined) {
      const n = (this.#counts.get(v) ?? 1) - 1;
      if (n === 0) this.#counts.delete(v);
      else this.#counts.set(v, n);
    }
    this.#head++;
    // Compact now and then so the arrays do not grow without bound.
    if (this.#head > 1024 && this.#head * 2 > this.#times.length) {
      this.#times = this.#times.slice(this.#head);
      this.#values = this.#values.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Drop entries older than `from` from the front (entries arrive roughly in time order). */
  pruneBefore(from: number): void {
    while (this.size > 0 && this.#times[this.#head]! < from) this.shift();
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
