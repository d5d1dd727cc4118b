import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { prepareEvent } from '../../core/prepare.js';
import { openSqliteStore } from '../../storage/sqlite/index.js';
import type { EventStore } from '../../storage/types.js';
import { createServerMetrics } from '../metrics.js';
import { createInflightBudget } from './budget.js';
import type { PrepareResult } from './route.js';
import { createIngestSink } from './sink.js';

const dirs: string[] = [];
const stores: Array<EventStore & { close(): Promise<void> }> = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(storeOverride?: EventStore) {
  const dir = mkdtempSync(path.join(tmpdir(), 'lw-sink-'));
  dirs.push(dir);
  const store = openSqliteStore({ path: path.join(dir, 'db.sqlite') });
  stores.push(store);
  const metrics = createServerMetrics({ defaultMetrics: false });
  const budget = createInflightBudget({ maxBytes: 1 << 20, maxEvents: 10 });
  const committed: number[] = [];
  const sink = createIngestSink({
    store: storeOverride ?? store,
    metrics,
    budget,
    prepare: (input, source, logSource) =>
      prepareEvent(input, { source, logSource, limits: { maxItemBytes: 2048 } }) as PrepareResult,
    onCommitted: (seq) => committed.push(seq),
    retryMs: 5,
  });
  return { store, metrics, budget, sink, committed };
}

async function value(
  metrics: ReturnType<typeof createServerMetrics>,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const m = (await metrics.registry.getMetricsAsJSON()).find((x) => x.name === name);
  // Summed over the series that match (e.g. every reason of one source).
  return (m?.values ?? [])
    .filter((x) =>
      Object.entries(labels).every(([k, l]) => (x.labels as Record<string, unknown>)[k] === l),
    )
    .reduce((n, x) => n + x.value, 0);
}

describe('shared ingest sink', () => {
  it('stores valid items durably, rejects invalid ones with the field, counts both per source', async () => {
    const { store, metrics, sink, committed, budget } = setup();
    const r = await sink.ingest(
      [
        { 'event.name': 'authn_login_fail', 'user.name': 'root', 'client.address': '203.0.113.9' },
        { 'event.name': 'log', 'client.port': 70000 },
        { 'event.name': 'log', message: 'x'.repeat(4000) },
        { 'event.name': 'log', message: 'password=hunter2 in a line\nwith a newline' },
      ],
      'syslog:192.0.2.7',
      'syslog',
    );
    expect(r.accepted).toBe(2);
    expect(r.rejected).toBe(2);
    expect(r.errors.map((e) => [e.index, e.field])).toEqual([
      [1, 'client.port'],
      [2, '(event)'],
    ]);
    // Committed when the promise resolved: readable now, through the store's own reader.
    const stored = store.range(0, store.size());
    expect(stored).toHaveLength(2);
    expect(stored.every((e) => e.source === 'syslog:192.0.2.7')).toBe(true);
    const body = stored[1]!.body!;
    expect(body).toContain('[REDACTED:secret]');
    expect(body).not.toContain('hunter2');
    expect(body).toContain('\\\\n'); // CWE-117: the newline is escaped in the stored text
    expect(JSON.parse(stored[0]!.body!)['log.source']).toBe('syslog');
    expect(committed).toEqual([1]);
    expect(budget.events).toBe(0);
    const labels = { source: 'syslog:192.0.2.7' };
    expect(await value(metrics, 'logwarden_events_received_total', labels)).toBe(4);
    expect(await value(metrics, 'logwarden_events_stored_total', labels)).toBe(2);
    expect(await value(metrics, 'logwarden_events_rejected_total', labels)).toBe(2);
  });

  it('counts a second delivery of the same ids as duplicates, stored once', async () => {
    const { store, metrics, sink } = setup();
    const items = [
      { id: '0190f3a2-7c4e-7b1a-9d2e-3f4a5b6c7d8e', 'event.name': 'log', message: 'a' },
    ];
    expect((await sink.ingest(items, 'file:/x', 'file:/x')).accepted).toBe(1);
    const again = await sink.ingest(items, 'file:/x', 'file:/x');
    expect(again).toMatchObject({ accepted: 0, duplicates: 1, rejected: 0 });
    expect(store.size()).toBe(1);
    expect(await value(metrics, 'logwarden_events_duplicates_total', { source: 'file:/x' })).toBe(
      1,
    );
  });

  it('waits for room in the in-flight budget instead of exceeding it', async () => {
    const { sink, budget } = setup();
    expect(budget.tryReserve(0, 8)).toBe(true); // another request holds 8 of 10
    let done = false;
    const p = sink
      .ingest(
        [{ 'event.name': 'log' }, { 'event.name': 'log' }, { 'event.name': 'log' }],
        's',
        'syslog',
      )
      .then(() => (done = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(done).toBe(false);
    budget.release(0, 8);
    await p;
    expect(done).toBe(true);
    expect(budget.events).toBe(0);
  });

  it('rejects with LW_STORE_FAILED and counts the drop when the store fails', async () => {
    const failing = {
      append: () => Promise.reject(new Error('disk I/O error')),
    } as unknown as EventStore;
    const { metrics, sink, budget } = setup(failing);
    await expect(
      sink.ingest([{ 'event.name': 'log' }], 'syslog:a', 'syslog'),
    ).rejects.toMatchObject({
      code: 'LW_STORE_FAILED',
    });
    expect(
      await value(metrics, 'logwarden_events_dropped_total', {
        source: 'syslog:a',
        reason: 'store_failed',
      }),
    ).toBe(1);
    expect(budget.events).toBe(0);
  });
});
