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
});
