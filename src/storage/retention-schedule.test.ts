import { describe, expect, it } from 'vitest';
import type { SecurityEvent } from '../core/event.js';
import { scheduleRetention } from './retention-schedule.js';
import { openSqliteStore } from './sqlite/index.js';

const DAY = 86_400_000;

function old(
  i: number,
  ageDays: number,
  category: string,
  now: number,
): { event: SecurityEvent; body: string; source: string } {
  const event: SecurityEvent = {
    id: `00000000-0000-7000-9000-${String(i).padStart(12, '0')}`,
    time: new Date(now - ageDays * DAY).toISOString(),
    'event.name': category === 'http' ? 'http_request' : 'authn_login_fail',
    'event.category': category,
  };
  return { event, body: JSON.stringify(event), source: 'r' };
}

describe('scheduleRetention', () => {
  it('prunes on its timer, counts, and stops', async () => {
    const now = Date.UTC(2026, 10, 27);
    const store = openSqliteStore({ path: ':memory:' });
    await store.append([
      old(1, 40, 'http', now),
      old(2, 10, 'http', now),
      old(3, 40, 'authn', now),
    ]);
    const pruned: number[] = [];
    const r = scheduleRetention(
      store,
      { days: { default: 400, http: 30 } },
      {
        everyMs: 20,
        firstDelayMs: 1,
        now: () => now,
        onPruned: (n) => pruned.push(n),
      },
    );
    const until = Date.now() + 2000;
    while (r.stats().runs < 2 && Date.now() < until) await new Promise((res) => setTimeout(res, 5));
    await r.stop();
    await r.stop();
    expect(pruned[0]).toBe(1);
    expect(r.stats()).toMatchObject({ pruned: 1, errors: 0 });
    expect(store.range(0, 3).map((e) => e.body === null)).toEqual([true, false, false]);
    const runs = r.stats().runs;
    await new Promise((res) => setTimeout(res, 60));
    expect(r.stats().runs).toBe(runs);
    await store.close();
  });

  it('reports a failing run instead of throwing', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    const errors: unknown[] = [];
    const r = scheduleRetention(store, { days: { http: 1 } } as never, {
      firstDelayMs: 60_000,
      onError: (e) => errors.push(e),
    });
    expect(await r.runNow()).toBe(0);
    await r.stop();
    expect(r.stats().errors).toBe(1);
    expect(String(errors[0])).toMatch(/retention\.days\.default/);
    await store.close();
  });
});
