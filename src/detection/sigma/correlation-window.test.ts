import { describe, expect, it } from 'vitest';
import { CorrelationWindow, holds } from './correlation-window.js';

describe('CorrelationWindow', () => {
  it('keeps counts, distinct values and sums in step with pushes, shifts and pruning', () => {
    const w = new CorrelationWindow();
    w.push(1, 'a');
    w.push(2, 'b');
    w.push(3, 'a');
    expect([w.size, w.distinct, w.counts.get('a')]).toEqual([3, 2, 2]);
    w.pruneBefore(2);
    expect([w.size, w.distinct, w.counts.get('a'), w.firstTime]).toEqual([2, 2, 1, 2]);
    w.shift();
    expect([w.size, w.distinct, w.counts.has('b')]).toEqual([1, 1, false]);
    const n = new CorrelationWindow();
    for (let i = 0; i < 5000; i++) n.push(i, 2);
    n.pruneBefore(4000);
    expect([n.size, n.sum, n.firstTime]).toEqual([1000, 2000, 4000]);
  });

  it('evaluates every bound of a condition', () => {
    expect(holds({ gte: 2, lte: 4 }, 3)).toBe(true);
    expect(holds({ gte: 2, lte: 4 }, 5)).toBe(false);
    expect(holds({ gt: 2 }, 2)).toBe(false);
    expect(holds({ lt: 2 }, 1)).toBe(true);
    expect(holds({ eq: 2 }, 2)).toBe(true);
    expect(holds({ eq: 2 }, 3)).toBe(false);
  });

  it('counts like a Map (values, order) through pushes, shifts, prunes and clears, few or many distinct', () => {
    // The reference: the entries, and a Map of counts updated as the window did before it
    // kept small counts in arrays (Map order: a key deleted and added again goes last).
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (const spread of [3, 8, 9, 20]) {
      const w = new CorrelationWindow();
      let ref: Array<[number, string]> = [];
      let counts = new Map<string, number>();
      const refShift = (): void => {
        const [, v] = ref.shift()!;
        const n = counts.get(v)! - 1;
        if (n === 0) counts.delete(v);
        else counts.set(v, n);
      };
      let t = 0;
      for (let step = 0; step < 3000; step++) {
        const op = rnd(10);
        if (op < 6) {
          const v = `v${rnd(spread)}`;
          w.push(++t, v);
          ref.push([t, v]);
          counts.set(v, (counts.get(v) ?? 0) + 1);
        } else if (op < 8) {
          w.shift();
          if (ref.length > 0) refShift();
        } else if (op < 9) {
          const from = t - rnd(20);
          w.pruneBefore(from);
          while (ref.length > 0 && ref[0]![0] < from) refShift();
        } else if (rnd(20) === 0) {
          w.clear();
          ref = [];
          counts = new Map();
        }
        expect(w.size).toBe(ref.length);
        expect(w.distinct).toBe(counts.size);
        expect([...w.counts]).toEqual([...counts]);
      }
    }
    const w = new CorrelationWindow();
    for (const v of ['a', 'b', 'c', 'a']) w.push(1, v);
    w.shift(); // a: 1 left
    w.shift(); // b gone
    w.push(2, 'b'); // b back, last
    expect([...w.counts]).toEqual([
      ['a', 1],
      ['c', 1],
      ['b', 1],
    ]);
    for (let i = 0; i < 10; i++) w.push(3, `x${i}`); // beyond the small arrays: a Map
    expect([...w.counts.keys()].slice(0, 4)).toEqual(['a', 'c', 'b', 'x0']);
    expect(w.distinct).toBe(13);
  });

  it('starts afresh after clear(), small or large, with values or without', () => {
    for (const n of [3, 500]) {
      const w = new CorrelationWindow();
      for (let i = 0; i < n; i++) w.push(i, `u${i % 10}`);
      w.clear();
      expect([w.size, w.distinct, w.sum, w.firstTime, [...w.counts]]).toEqual([
        0,
        0,
        0,
        undefined,
        [],
      ]);
      w.push(1000, 'a');
      w.push(1001, undefined);
      w.push(1002, 'a');
      expect([w.size, w.distinct, w.firstTime, [...w.counts]]).toEqual([3, 1, 1000, [['a', 2]]]);
      w.pruneBefore(1001);
      expect([w.size, [...w.counts]]).toEqual([2, [['a', 1]]]);
    }
  });
});
