import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type SqliteStore, openSqliteStore } from '../storage/index.js';
import { createHeartbeat } from './heartbeat.js';
import { hashLeaf } from './merkle.js';

const dirs: string[] = [];
const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function store(): SqliteStore {
  const d = mkdtempSync(path.join(tmpdir(), 'lw-hb-'));
  dirs.push(d);
  const s = openSqliteStore({ path: path.join(d, 'events.db') });
  stores.push(s);
  return s;
}
const bodies = (s: SqliteStore, name: string): Record<string, unknown>[] =>
  s
    .range(0, s.size())
    .filter((e) => e.name === name)
    .map((e) => {
      expect(hashLeaf(e.body!).equals(e.leafHash)).toBe(true);
      return JSON.parse(e.body!) as Record<string, unknown>;
    });

describe('heartbeat and loss events', () => {
  it('beats on its interval into the store', async () => {
    const s = store();
    let appended = 0;
    const hb = createHeartbeat({
      store: s,
      intervalMs: 25,
      hostName: 'test-host',
      onAppend: () => appended++,
    });
    hb.start();
    while (hb.stats.beats < 3) await new Promise((r) => setTimeout(r, 10));
    await hb.close();
    const beats = bodies(s, 'heartbeat');
    expect(beats.length).toBeGreaterThanOrEqual(3);
    expect(beats[0]).toMatchObject({
      'event.name': 'heartbeat',
      'host.name': 'test-host',
      'log.source': 'internal',
      attributes: { beat: 1 },
    });
    expect(appended).toBe(hb.stats.beats);
  });

  it('aggregates refusals per source and reason into loss events', async () => {
    const s = store();
    const hb = createHeartbeat({ store: s, lossFlushMs: 10_000 });
    for (let i = 0; i < 5; i++) hb.recordLoss({ source: 'http', reason: 'body_too_large' });
    hb.recordLoss({ source: 'http', reason: 'backpressure', count: 40 });
    hb.recordLoss({ source: 'syslog', reason: 'body_too_large', count: 2 });
    await hb.flushLosses();
    const losses = bodies(s, 'loss');
    expect(
      losses.map((l) => [
        (l.attributes as { source: string }).source,
        l['event.reason'],
        (l.attributes as { count: number }).count,
      ]),
    ).toEqual([
      ['http', 'body_too_large', 5],
      ['http', 'backpressure', 40],
      ['syslog', 'body_too_large', 2],
    ]);
    expect(hb.stats).toMatchObject({ lossEvents: 3, lostItems: 47 });
    await hb.close();
  });

  // A real full disk cannot be produced in a test: the append failure is injected on the real store.
  it('keeps losses it could not write and writes them when the store is back', async () => {
    const s = store();
    const real = s.append.bind(s);
    let down = true;
    const flaky = Object.assign(Object.create(s) as SqliteStore, {
      append: (evs: Parameters<SqliteStore['append']>[0]) =>
        down ? Promise.reject(new Error('disk full')) : real(evs),
    });
    const hb = createHeartbeat({ store: flaky, lossFlushMs: 10_000 });
    hb.recordLoss({ source: 'file:/var/log/a', reason: 'unreadable', count: 3 });
    await hb.flushLosses();
    expect(hb.stats.errors).toBe(1);
    expect(bodies(s, 'loss')).toEqual([]);
    hb.recordLoss({ source: 'file:/var/log/a', reason: 'unreadable', count: 1 });
    down = false;
    await hb.close();
    const losses = bodies(s, 'loss');
    expect(losses).toHaveLength(1);
    expect((losses[0]!.attributes as { count: number }).count).toBe(4);
  });
});
