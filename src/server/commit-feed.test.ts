import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareEvent } from '../core/prepare.js';
import { openSqliteStore } from '../storage/sqlite/index.js';
import { createCommitFeed } from './commit-feed.js';

const dir = mkdtempSync(path.join(tmpdir(), 'lw-feed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function prepared(n: number) {
  return Array.from({ length: n }, (_, i) => {
    const r = prepareEvent({ 'event.name': 'log', message: `m${i}` }, { source: 'feed' });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    return r.prepared;
  });
}

describe('commit feed', () => {
  it('hands every committed event to each listener once, in seq order, whatever order commits are reported', async () => {
    const store = openSqliteStore({ path: path.join(dir, 'a.db'), synchronous: 'normal' });
    const feed = createCommitFeed(store);
    const seen: number[] = [];
    const other: number[] = [];
    feed.subscribe((events) => seen.push(...events.map((e) => e.seq)));
    feed.subscribe(() => {
      throw new Error('a failing listener does not stop the others');
    });
    feed.subscribe((events) => other.push(...events.map((e) => e.seq)));
    const results = await Promise.all([1, 2, 3, 4].map(() => store.append(prepared(700))));
    // Report commits out of order (as concurrent requests would).
    for (const r of [...results].reverse()) feed.committed(Math.max(...r.map((x) => x.seq)));
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual(Array.from({ length: 2800 }, (_, i) => i));
    expect(other).toEqual(seen);
    expect(feed.position).toBe(2800);
    feed.committed(10); // old news: nothing is delivered twice
    await new Promise((r) => setImmediate(r));
    expect(seen).toHaveLength(2800);
    await store.close();
  });

  it('tells commit watchers the new high-water seq without reading rows back', async () => {
    const store = openSqliteStore({ path: path.join(dir, 'b.db'), synchronous: 'normal' });
    const feed = createCommitFeed(store);
    const seen: number[] = [];
    const stop = feed.onCommitted((maxSeq) => seen.push(maxSeq));
    feed.onCommitted(() => {
      throw new Error('a failing watcher does not stop the others');
    });
    const r = await store.append(prepared(5));
    feed.committed(r[4]!.seq);
    feed.committed(2); // old news: not reported again
    stop();
    feed.committed(99);
    expect(seen).toEqual([4]);
    // Watchers alone never make the feed read events: its position jumps with the high-water mark.
    expect(feed.position).toBe(100);
    await store.close();
  });
});
