import { describe, expect, it } from 'vitest';
import { createCorrelator } from './correlation.js';
import type { CorrelationHandler } from './correlation.js';
import { createSigmaEngine } from './engine.js';
import type { SigmaEngineOptions } from './engine.js';
import { loadSigmaText } from './loader.js';
import type { SigmaCorrelation, SigmaMatch } from './types.js';

const T0 = Date.UTC(2026, 10, 27, 9, 0, 0);
const S = 1000;
const M = 60 * S;

const base = (name: string, eventName: string): string =>
  `title: ${name}\nname: ${name}\nlogsource: { product: logwarden }\ndetection:\n  sel: { event.name: ${eventName} }\n  condition: sel\n`;

const BASES = [
  base('fail', 'authn_login_fail'),
  base('ok', 'authn_login_success'),
  base('xfer', 'data_transfer'),
].join('---\n');

function engineWith(correlation: string, opts: Partial<SigmaEngineOptions> = {}) {
  const engine = createSigmaEngine({
    ...opts,
    rules: loadSigmaText(`${BASES}---\ntitle: corr\n${correlation}`),
  });
  const out: SigmaMatch[] = [];
  return {
    engine,
    out,
    feed(offsetMs: number, e: Record<string, unknown>): SigmaMatch[] {
      const r = engine.process(e, T0 + offsetMs).filter((m) => m.kind === 'correlation');
      out.push(...r);
      return r;
    },
    close(offsetMs: number): SigmaMatch[] {
      const r = engine.advanceTo(T0 + offsetMs).filter((m) => m.kind === 'correlation');
      out.push(...r);
      return r;
    },
  };
}

const fail = (ip: string, user = 'bob'): Record<string, unknown> => ({
  'event.name': 'authn_login_fail',
  'client.address': ip,
  'user.name': user,
});

describe('event_count', () => {
  const corr =
    'correlation:\n  type: event_count\n  rules: [fail]\n  group-by: [client.address]\n  timespan: 1m\n  condition: { gte: 3 }\n';

  it('fires when the sliding window reaches the count, per group, once per run', () => {
    const h = engineWith(corr);
    h.feed(0, fail('a'));
    h.feed(10 * S, fail('b'));
    h.feed(20 * S, fail('a'));
    expect(h.out).toHaveLength(0);
    expect(h.feed(50 * S, fail('a'))).toMatchObject([
      { groupKey: { 'client.address': 'a' }, count: 3, value: 3 },
    ]);
    // The group restarts after firing: two more do not fire again.
    h.feed(51 * S, fail('a'));
    h.feed(52 * S, fail('a'));
    expect(h.out).toHaveLength(1);
  });

  it('does not fire when the events are spread wider than the timespan', () => {
    const h = engineWith(corr);
    h.feed(0, fail('a'));
    h.feed(40 * S, fail('a'));
    h.feed(61 * S, fail('a')); // the first one left the window
    expect(h.out).toHaveLength(0);
    h.feed(62 * S, fail('a'));
    expect(h.out).toHaveLength(1);
  });

  it('decides lt only when the window closes', () => {
    const h = engineWith(corr.replace('{ gte: 3 }', '{ lt: 3 }'));
    h.feed(0, fail('few'));
    h.feed(0, fail('many'));
    h.feed(S, fail('many'));
    h.feed(2 * S, fail('many'));
    expect(h.close(59 * S)).toHaveLength(0); // window still open
    expect(h.close(60 * S)).toMatchObject([
      { groupKey: { 'client.address': 'few' }, count: 1, timeMs: T0 + 60 * S },
    ]);
  });

  it('closes windows as event time passes (watermark), with eq', () => {
    const h = engineWith(corr.replace('{ gte: 3 }', '{ eq: 2 }'));
    h.feed(0, fail('a'));
    h.feed(S, fail('a'));
    expect(h.out).toHaveLength(0);
    expect(h.feed(2 * M, fail('c'))).toMatchObject([
      { groupKey: { 'client.address': 'a' }, count: 2 },
    ]);
  });

  it('bounds groups and window entries and counts what it evicts', () => {
    const h = engineWith(corr, {
      limits: { maxGroups: 2, maxEventsPerGroup: 2, maxEventsPerMatch: 1 },
    });
    h.feed(0, fail('a'));
    h.feed(0, fail('b'));
    h.feed(0, fail('c')); // evicts a
    h.feed(S, fail('c'));
    h.feed(2 * S, fail('c')); // window holds 2 entries at most: never reaches 3
    const st = h.engine.stats().correlations['corr']!;
    expect(st.groupsEvicted).toBe(1);
    expect(st.entriesEvicted).toBe(1);
    expect(h.out).toHaveLength(0);
  });

  it('counts events that lack a group-by value instead of dropping them silently', () => {
    const h = engineWith(corr);
    h.feed(0, { 'event.name': 'authn_login_fail' });
    expect(h.engine.stats().correlations['corr']!.noGroupKey).toBe(1);
  });

  it('gives the same matches when the same events are replayed (no wall clock)', () => {
    const run = (): SigmaMatch[] => {
      const h = engineWith(corr);
      for (let i = 0; i < 40; i++) h.feed(i * 7 * S, fail(`ip${i % 3}`));
      h.close(10 * M);
      return h.out;
    };
    const a = run();
    expect(a.length).toBeGreaterThan(0);
    expect(run()).toEqual(a);
  });
});

describe('value_count, value_sum, value_avg, value_percentile', () => {
  it('value_count counts distinct values per group', () => {
    const h = engineWith(
      'correlation:\n  type: value_count\n  rules: [fail]\n  group-by: [client.address]\n  timespan: 5m\n  condition: { field: user.name, gte: 3 }\n',
    );
    h.feed(0, fail('spray', 'u1'));
    h.feed(S, fail('spray', 'u1'));
    h.feed(2 * S, fail('spray', 'u2'));
    h.feed(3 * S, fail('brute', 'root'));
    h.feed(4 * S, fail('brute', 'root'));
    h.feed(5 * S, fail('brute', 'root'));
    expect(h.out).toHaveLength(0);
    expect(h.feed(6 * S, fail('spray', 'u3'))).toMatchObject([
      { groupKey: { 'client.address': 'spray' }, value: 3, count: 4 },
    ]);
  });

  it('value_sum and value_avg add a numeric field', () => {
    const x = (bytes: number | string, user = 'eve'): Record<string, unknown> => ({
      'event.name': 'data_transfer',
      'user.name': user,
      bytes,
    });
    const sum = engineWith(
      'correlation:\n  type: value_sum\n  rules: [xfer]\n  group-by: [user.name]\n  timespan: 1h\n  condition: { field: bytes, gt: 1000 }\n',
    );
    sum.feed(0, x(600));
    sum.feed(S, x('abc')); // not a number: counted, ignored
    sum.feed(2 * S, x(400, 'other'));
    expect(sum.out).toHaveLength(0);
    expect(sum.feed(3 * S, x(401))).toMatchObject([{ value: 1001 }]);
    expect(sum.engine.stats().correlations['corr']!.noValue).toBe(1);
    const avg = engineWith(
      'correlation:\n  type: value_avg\n  rules: [xfer]\n  group-by: [user.name]\n  timespan: 1h\n  condition: { field: bytes, gt: 500 }\n',
    );
    avg.feed(0, x(100));
    expect(avg.feed(S, x(800))).toHaveLength(0); // avg 450
    expect(avg.feed(2 * S, x(900))).toMatchObject([{ value: 600 }]);
  });

  it('value_percentile flags values rarer than the threshold at window close', () => {
    const h = engineWith(
      'correlation:\n  type: value_percentile\n  rules: [fail]\n  group-by: [host.name]\n  timespan: 1h\n  condition: { field: user.name, lte: 5 }\n',
    );
    for (let i = 0; i < 19; i++) h.feed(i * S, { ...fail('x', 'common'), 'host.name': 'web1' });
    h.feed(30 * S, { ...fail('x', 'rare'), 'host.name': 'web1' });
    expect(h.out).toHaveLength(0);
    const out = h.close(2 * 60 * M);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({
      groupKey: { 'host.name': 'web1' },
      fields: { 'user.name': 'rare' },
      value: 5,
      count: 1,
    });
  });
});

describe('temporal and temporal_ordered', () => {
  const ok = (user: string): Record<string, unknown> => ({
    'event.name': 'authn_login_success',
    'user.name': user,
  });

  it('temporal: all rules within the timespan, any order', () => {
    const h = engineWith(
      'correlation:\n  type: temporal\n  rules: [fail, ok]\n  group-by: [user.name]\n  timespan: 5m\n',
    );
    h.feed(0, ok('bob'));
    expect(h.feed(M, fail('x', 'bob'))).toHaveLength(1);
    h.feed(10 * M, ok('amy'));
    expect(h.feed(16 * M, fail('x', 'amy'))).toHaveLength(0);
  });

  it('temporal_ordered: only in the given order', () => {
    const h = engineWith(
      'correlation:\n  type: temporal_ordered\n  rules: [fail, ok]\n  group-by: [user.name]\n  timespan: 5m\n',
    );
    h.feed(0, ok('bob'));
    expect(h.feed(M, fail('x', 'bob'))).toHaveLength(0);
    expect(h.feed(2 * M, ok('bob'))).toMatchObject([
      { groupKey: { 'user.name': 'bob' }, firstMs: T0 + M },
    ]);
    h.feed(10 * M, fail('x', 'amy'));
    expect(h.feed(16 * M, ok('amy'))).toHaveLength(0);
  });

  it('aliases map one group-by name to different fields per rule', () => {
    const h = engineWith(
      'correlation:\n  type: temporal\n  rules: [fail, ok]\n  group-by: [who]\n  timespan: 5m\n  aliases:\n    who:\n      fail: user.name\n      ok: target\n',
    );
    h.feed(0, fail('x', 'bob'));
    expect(h.feed(S, { 'event.name': 'authn_login_success', target: 'amy' })).toHaveLength(0);
    expect(h.feed(2 * S, { 'event.name': 'authn_login_success', target: 'bob' })).toMatchObject([
      { groupKey: { who: 'bob' } },
    ]);
  });
});

describe('correlator groups after a match (dormant, reused)', () => {
  const corr = loadSigmaText(
    `${BASES}---\ntitle: corr\nname: corr\ncorrelation:\n  type: event_count\n  rules: [fail]\n  group-by: [client.address]\n  timespan: 1m\n  condition: { gte: 2 }\n`,
  ).find((r) => r.kind === 'correlation')!;
  type Seen = { key: unknown; slot: unknown; events: unknown[]; count: number; firstMs: number };
  const run = (limits = { maxGroups: 10, maxEventsPerGroup: 100, maxEventsPerMatch: 20 }) => {
    const c = createCorrelator(corr as SigmaCorrelation, limits);
    const seen: Seen[] = [];
    const onMatch: CorrelationHandler = (f) => {
      seen.push({
        key: f.group.key,
        slot: f.group.slot,
        events: f.events.slice(0, f.eventCount),
        count: f.count,
        firstMs: f.firstMs,
      });
      f.group.slot = seen.length; // what the handler left on the group last time
    };
    const feed = (t: number, ip: string, e: unknown) => c.feed('fail', t, [ip], 0, e, onMatch);
    return { c, seen, feed };
  };

  it('a group that fired starts afresh with the same key object and the slot its handler set', () => {
    const h = run();
    h.feed(0, 'a', 'e1');
    h.feed(S, 'a', 'e2'); // fires
    expect(h.c.stats.groups).toBe(0); // a fired group counts for nothing
    h.feed(2 * S, 'a', 'e3'); // a fresh group: one event, no match
    expect(h.seen).toHaveLength(1);
    h.feed(3 * S, 'a', 'e4'); // fires again, with only the events since the last match
    expect(h.seen).toMatchObject([
      { events: ['e1', 'e2'], count: 2, firstMs: 0, slot: undefined },
      { events: ['e3', 'e4'], count: 2, firstMs: 2 * S, slot: 1 },
    ]);
    expect(h.seen[1]!.key).toBe(h.seen[0]!.key);
    expect(h.seen[0]!.key).toEqual({ 'client.address': 'a' });
  });

  it('dormant groups are not counted against maxGroups nor evicted in place of live ones', () => {
    const h = run({ maxGroups: 2, maxEventsPerGroup: 100, maxEventsPerMatch: 20 });
    h.feed(0, 'a', 1);
    h.feed(0, 'a', 2); // a fires: dormant
    h.feed(0, 'b', 3);
    h.feed(0, 'c', 4); // two live groups (b, c): no eviction
    expect(h.c.stats).toMatchObject({ groups: 2, groupsEvicted: 0 });
    h.feed(0, 'a', 5); // a comes back: b (least recently updated live group) is evicted
    expect(h.c.stats).toMatchObject({ groups: 2, groupsEvicted: 1 });
    h.feed(0, 'c', 6); // c kept its event: fires
    h.feed(0, 'b', 7); // b starts over
    expect(h.seen.map((s) => s.events)).toEqual([
      [1, 2],
      [4, 6],
    ]);
  });

  it('forgets dormant groups once their timespan has passed (a new group, no slot)', () => {
    const h = run();
    h.feed(0, 'a', 1);
    h.feed(S, 'a', 2);
    h.c.advance(2 * M, () => {});
    h.feed(2 * M, 'a', 3);
    h.feed(2 * M + S, 'a', 4);
    expect(h.seen[1]).toMatchObject({ events: [3, 4], slot: undefined });
    expect(h.seen[1]!.key).not.toBe(h.seen[0]!.key);
  });

  it('keeps the newest maxEventsPerMatch events of a group and counts the others', () => {
    const c = createCorrelator(
      { ...(corr as SigmaCorrelation), condition: { gte: 5 } },
      { maxGroups: 10, maxEventsPerGroup: 100, maxEventsPerMatch: 3 },
    );
    const out: SigmaMatch[] = [];
    for (let i = 1; i <= 5; i++) out.push(...c.addValues('fail', i * S, ['a'], i));
    expect(out).toMatchObject([{ events: [3, 4, 5], eventsDropped: 2, count: 5 }]);
    // the match's events are its own: the group reusing its storage does not change them
    for (let i = 6; i <= 8; i++) c.addValues('fail', i * S, ['a'], i);
    expect(out[0]!.events).toEqual([3, 4, 5]);
  });
});
