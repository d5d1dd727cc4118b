import { describe, expect, it } from 'vitest';
import { MAX_ALERT_EVENTS } from '../alerts/alert.js';
import { createEpisodeTracker, type Carried } from './episodes.js';

const carried = (key: string | number): Carried => ({
  key,
  ref: () => ({ fields: { key } }),
  fields: () => ({}),
  address: () => undefined,
});
const keysOf = (events: readonly Carried[]) => events.map((e) => e.key);
const GAP = 600_000;

describe('alert episodes', () => {
  it('keeps each event once, numeric keys or not, in the first-five-and-newest bound', () => {
    const t = createEpisodeTracker();
    const a = [1, 2, 3].map(carried);
    t.fold('k', 0, 10, 3, a, 0, GAP, true);
    // the same events again (a lower numeric key than the largest kept), a repeat within one
    // fold, and string keys
    const ep = t.fold(
      'k',
      5,
      20,
      5,
      [a[1]!, carried(4), carried(4), carried('x'), carried('x')],
      0,
      GAP,
      true,
    );
    expect(keysOf(ep.events)).toEqual([1, 2, 3, 4, 'x']);
    expect(ep.count).toBe(5);
    // more than MAX_ALERT_EVENTS: the first five stay, the newest follow, the rest are counted
    const many = Array.from({ length: 30 }, (_, i) => carried(100 + i));
    t.fold('k', 30, 40, 40, many, 2, GAP, true);
    expect(keysOf(ep.events)).toEqual([
      1,
      2,
      3,
      4,
      'x',
      ...keysOf(many.slice(-(MAX_ALERT_EVENTS - 5))),
    ]);
    expect(ep.omitted).toBe(5 + 30 - MAX_ALERT_EVENTS + 2);
    // an event dropped from the kept ones is kept again when it comes back (as before)
    t.fold('k', 41, 41, 1, [many[0]!], 0, GAP, false);
    expect(ep.events.at(-1)!.key).toBe(100);
  });

  it('refold() folds into the episode it is given, as fold() of its key would', () => {
    const t = createEpisodeTracker();
    const a = t.fold('k', 0, 0, 1, [carried(1)], 0, GAP, false);
    const b = t.refold(a, 10, 10, 1, [carried(2), carried(3)], 1, 0, GAP, false);
    expect(b).toBe(a);
    expect([a.count, a.lastMs, keysOf(a.events)]).toEqual([2, 10, [1, 2]]);
    // a quiet gap: a new episode takes the key; the old one is no longer live
    const c = t.refold(a, 10 + GAP + 1, 10 + GAP + 1, 1, [carried(4)], 1, 0, GAP, false);
    expect(c).not.toBe(a);
    expect([a.live, c.live, c.id === a.id]).toEqual([false, true, false]);
    expect(t.fold('k', 10 + GAP + 2, 10 + GAP + 2, 1, [], 0, GAP, false)).toBe(c);
  });

  it('an evicted episode is no longer live', () => {
    const t = createEpisodeTracker(2);
    const a = t.fold('a', 0, 0, 1, [], 0, GAP, false);
    t.fold('b', 0, 0, 1, [], 0, GAP, false);
    t.fold('c', 0, 0, 1, [], 0, GAP, false);
    expect([a.live, t.evicted, t.size]).toEqual([false, 1, 2]);
  });
});
