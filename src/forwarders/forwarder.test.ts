/**
 * Independent forwarder loops: a destination that hangs never delays another one, and a
 * failing one retries with growing (jittered) delays and no retry limit.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openCursors } from './cursor.js';
import { createForwarder, type DeliveryBatch, type Forwarder } from './forwarder.js';
import { openTestLedger } from './test-ledger.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe('forwarder loops', () => {
  it('a hung destination does not block another; stop() aborts the hung delivery', async () => {
    const t = await openTestLedger();
    cleanup.push(() => t.close());
    await t.add(40);
    const cursors = openCursors(t.store);
    const got: number[] = [];
    const fast = createForwarder({
      name: 'fast',
      ledger: t.checkpointer.ledger,
      cursors,
      batchEntries: 10,
      pollMs: 20,
      destination: {
        kind: 'test',
        deliver: async (b: DeliveryBatch) => {
          got.push(...b.entries.map((e) => e.seq));
          return b.from + b.entries.length;
        },
      },
    });
    let aborted = false;
    const hung: Forwarder = createForwarder({
      name: 'hung',
      ledger: t.checkpointer.ledger,
      cursors,
      pollMs: 20,
      destination: {
        kind: 'test',
        deliver: (b: DeliveryBatch) =>
          new Promise<number>((_, reject) =>
            b.signal.addEventListener('abort', () => {
              aborted = true;
              reject(new Error('aborted'));
            }),
          ),
      },
    });
    hung.start();
    fast.start();
    const end = Date.now() + 5000;
    while (fast.cursor() < 40 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    expect(got).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(hung.lag().entries).toBe(40);
    expect(fast.lag().entries).toBe(0);
    await Promise.all([fast.stop(), hung.stop()]);
    expect(aborted).toBe(true);
    expect(cursors.get('fast').next).toBe(40);
    expect(cursors.get('hung').next).toBe(0);
  });

  it('retries a failing destination without limit, with jittered exponential delays', async () => {
    const t = await openTestLedger();
    cleanup.push(() => t.close());
    await t.add(3);
    const times: number[] = [];
    const f = createForwarder({
      name: 'flaky',
      ledger: t.checkpointer.ledger,
      cursors: openCursors(t.store),
      backoffMinMs: 5,
      backoffMaxMs: 80,
      random: () => 1, // the upper bound of the jitter, to see the growth
      destination: {
        kind: 'test',
        deliver: async (b: DeliveryBatch) => {
          times.push(Date.now());
          if (times.length < 7) throw new Error('down');
          return b.from + b.entries.length;
        },
      },
    });
    f.start();
    const end = Date.now() + 5000;
    while (f.cursor() < 3 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    await f.stop();
    expect(f.cursor()).toBe(3);
    expect(f.stats.errors).toBe(6);
    const gaps = times.slice(1).map((x, i) => x - times[i]!);
    // Upper bounds 5, 10, 20, 40, 80, 80 ms (random() = 1): a lower bound only, never a
    // timing assertion a slow machine could break.
    expect(gaps[4]!).toBeGreaterThanOrEqual(75);
    expect(gaps[5]!).toBeGreaterThanOrEqual(75);
  });
});
