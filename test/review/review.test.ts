/**
 * Review tasks, the due list, sign-offs whose evidence is checked against the stored
 * `review_signoff` event, the assessor's report (tampering shows), overdue alerts, digests, and
 * the dashboard's user store and login limiter — on a real SQLite store in a temp directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prepareEvent } from '../../src/core/prepare.js';
import type { Alert } from '../../src/detection/alerts/alert.js';
import { createAlertStore, type AlertStore } from '../../src/detection/alerts/alert-store.js';
import { buildDigest, gatherDigest, nextDigestTime } from '../../src/review/digest.js';
import { eventRate, silenceOf, topFailures } from '../../src/review/overview.js';
import {
  countedFailures,
  countedRate,
  createRateCounters,
} from '../../src/review/rate-counters.js';
import { dueItems, overdueAlert } from '../../src/review/review-due.js';
import {
  buildReviewReport,
  renderReviewReport,
  signoffAttributes,
} from '../../src/review/review-report.js';
import { createReviewStore, taskState, type ReviewStore } from '../../src/review/review-store.js';
import { createLoginLimiter } from '../../src/server/dashboard/login-limiter.js';
import { DASHBOARD_MIGRATIONS } from '../../src/server/dashboard/migrations.js';
import { createUserStore } from '../../src/server/dashboard/user-store.js';
import { openSqliteStore } from '../../src/storage/sqlite/index.js';

type Store = ReturnType<typeof openSqliteStore>;
let dir = '';
let store: Store;
let alerts: AlertStore;
let reviews: ReviewStore;
const NOW = Date.parse('2026-03-10T12:00:00Z');
const H = 3_600_000;

async function put(
  events: Record<string, unknown>[],
  source = 'web',
): Promise<{ id: string; seq: number }[]> {
  const prepared = events.map((e) => {
    const r = prepareEvent(e, { source });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    return r.prepared;
  });
  return store.append(prepared);
}
function alert(over: Partial<Alert> & { id: string }): Alert {
  return {
    kind: 'rule',
    rule: { name: 'lw_test', title: 'Test alert' },
    severity: 'high',
    entity: { type: 'user', value: 'carol' },
    groupKey: {},
    count: 1,
    firstSeenMs: NOW - H,
    lastSeenMs: NOW - H,
    tags: [],
    attack: [],
    summary: 'a test alert',
    events: [],
    eventsOmitted: 0,
    ...over,
  };
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'lw-review-'));
  store = openSqliteStore({ path: path.join(dir, 'lw.db') });
  const mig = (ns: string, steps: string[]) => store.migrate(ns, steps);
  alerts = createAlertStore(store.db, mig);
  reviews = createReviewStore(store.db, mig);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('review tasks', () => {
  it('refuses bad tasks with a message naming the field', () => {
    expect(() => reviews.create({ name: '', scopeKind: 'all', frequency: 'daily' }, 'u')).toThrow(
      /name:/,
    );
    expect(() =>
      reviews.create({ name: 'x', scopeKind: 'source', frequency: 'daily' }, 'u'),
    ).toThrow(/scope_value/);
    expect(() =>
      reviews.create({ name: 'x', scopeKind: 'all', frequency: 'custom', everySecs: 10 }, 'u'),
    ).toThrow(/every_secs/);
    expect(() =>
      reviews.create({ name: 'x', scopeKind: 'all', frequency: 'hourly' as never }, 'u'),
    ).toThrow(/frequency/);
    reviews.create({ name: 'x', scopeKind: 'all', frequency: 'weekly' }, 'u');
    expect(() => reviews.create({ name: 'x', scopeKind: 'all', frequency: 'weekly' }, 'u')).toThrow(
      /exists/,
    );
  });

  it('a new task covers the period before it and is due at once; overdue after the grace period', () => {
    const t = reviews.create(
      { name: 'daily web', scopeKind: 'source', scopeValue: 'web', frequency: 'daily' },
      'user:ana',
      NOW,
    );
    expect(taskState(t, NOW, H)).toEqual({ sinceMs: NOW - 24 * H, dueMs: NOW, overdue: false });
    expect(taskState(t, NOW + 2 * H, H).overdue).toBe(true);
    const a1 = overdueAlert(t, taskState(t, NOW + 2 * H, H), NOW + 2 * H);
    const a2 = overdueAlert(t, taskState(t, NOW + 3 * H, H), NOW + 3 * H);
    expect(a1.id).toBe(a2.id); // one alert per overdue period
    expect(a1.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(a1.entity).toEqual({ type: 'source', value: 'web' });
    expect(alerts.upsert(a1, NOW + 2 * H)).toBe(true);
    expect(reviews.markOverdueAlerted(t.id, taskState(t, NOW + 2 * H, H).dueMs)).toBe(true);
    expect(reviews.markOverdueAlerted(t.id, taskState(t, NOW + 2 * H, H).dueMs)).toBe(false);
  });

  it('lists what is due in scope: events, notable events, alerts and anomalies since the last review', async () => {
    const t = reviews.create(
      { name: 'web', scopeKind: 'source', scopeValue: 'web', frequency: 'daily' },
      'u',
      NOW,
    );
    const ts = (ms: number) => new Date(ms).toISOString();
    const refs = await put([
      { 'event.name': 'authn_login_fail', time: ts(NOW - 2 * H), 'user.id': 'carol' },
      { 'event.name': 'authn_login_success', time: ts(NOW - 2 * H), 'user.id': 'carol' },
      { 'event.name': 'authn_login_fail', time: ts(NOW - 30 * H), 'user.id': 'old' }, // before the period
    ]);
    await put(
      [{ 'event.name': 'authn_login_fail', time: ts(NOW - H), 'user.id': 'elsewhere' }],
      'api',
    );
    alerts.upsert(
      alert({
        id: '00000000-0000-4000-8000-000000000001',
        events: [{ seq: refs[0]!.seq, fields: {} }],
      }),
      NOW - H,
    );
    alerts.upsert(
      alert({
        id: '00000000-0000-4000-8000-000000000002',
        kind: 'silence',
        entity: { type: 'source', value: 'web' },
      }),
      NOW - H,
    );
    alerts.upsert(
      alert({
        id: '00000000-0000-4000-8000-000000000003',
        entity: { type: 'source', value: 'api' },
      }),
      NOW - H,
    );
    const d = dueItems(store.db, alerts, t, taskState(t, NOW, H), NOW);
    expect(d.eventsInScope).toBe(2);
    expect(d.notableTotal).toBe(1);
    expect(d.notable[0]!.user).toBe('carol');
    expect(d.alerts.map((a) => a.id)).toEqual(['00000000-0000-4000-8000-000000000001']);
    expect(d.anomalies.map((a) => a.kind)).toEqual(['silence']);
  });

  it('the report shows each sign-off matches its ledger event, and shows a tampered row', async () => {
    const t = reviews.create(
      { name: 'all sources', scopeKind: 'all', frequency: 'weekly' },
      'u',
      NOW - 24 * H,
    );
    const draft = {
      taskId: t.id,
      reviewer: 'ana',
      timeMs: NOW,
      fromMs: NOW - 7 * 24 * H,
      toMs: NOW,
      notes: 'checked <script>x</script>',
      exceptions: ['one | two'],
      seen: { alerts: 1, notable_events: 2 },
    };
    const [ref] = await put(
      [
        {
          'event.name': 'review_signoff',
          'event.category': 'review',
          'user.id': 'ana',
          attributes: signoffAttributes(draft, t.name),
        },
      ],
      'dashboard',
    );
    reviews.addSignoff({ ...draft, eventId: ref!.id, eventSeq: ref!.seq });
    expect(reviews.get(t.id)!.lastSignoffMs).toBe(NOW);
    let r = buildReviewReport(reviews, store, {
      nowMs: NOW,
      graceMs: H,
      checkpointSize: store.size(),
    });
    expect(r.signoffs[0]).toMatchObject({
      matchesLedger: true,
      checkpointed: true,
      reviewer: 'ana',
    });
    const html = renderReviewReport(r, 'html');
    expect(html).toContain('checked &lt;script&gt;x&lt;/script&gt;');
    expect(html).not.toContain('<script>');
    expect(html).toContain('one | two');
    expect(renderReviewReport(r, 'md')).toContain('one \\| two');
    expect(JSON.parse(renderReviewReport(r, 'json')).signoffs).toHaveLength(1);

    store.db.prepare("UPDATE review_signoffs SET exceptions = '[]'").run();
    r = buildReviewReport(reviews, store, { nowMs: NOW, graceMs: H, checkpointSize: null });
    expect(r.signoffs[0]).toMatchObject({ matchesLedger: false, checkpointed: false });
    expect(renderReviewReport(r, 'md')).toContain('DOES NOT MATCH LEDGER');
  });
});

describe('overview and digests', () => {
  it('buckets the event rate by kind and judges silence like the detector', async () => {
    const ts = (ms: number) => new Date(ms).toISOString();
    await put([
      { 'event.name': 'authn_login_fail', time: ts(NOW - 90 * 60_000) },
      { 'event.name': 'authn_login_fail', time: ts(NOW - 80 * 60_000) },
      { 'event.name': 'authz_fail', time: ts(NOW - 10 * 60_000) },
    ]);
    const rate = eventRate(store.db, NOW - 2 * H, NOW);
    expect(rate.bucketMs).toBe(60_000);
    expect(rate.kinds).toEqual(['authn', 'authz']);
    expect(rate.counts[0]!.reduce((a, b) => a + b, 0)).toBe(2);
    expect(rate.counts[1]![Math.floor((NOW - 10 * 60_000 - rate.fromMs) / rate.bucketMs)]).toBe(1);
    const src = {
      source: 's',
      firstSeenMs: NOW - 100_000,
      lastSeenMs: NOW - 90_000,
      events: 11,
      parsed: 11,
      unparsed: 0,
    };
    expect(silenceOf(src, NOW, { factor: 10, minSilenceMs: 60_000, minEvents: 10 }).silent).toBe(
      true,
    );
    expect(
      silenceOf(src, NOW - 85_000, { factor: 10, minSilenceMs: 60_000, minEvents: 10 }).silent,
    ).toBe(false);
    expect(
      silenceOf({ ...src, events: 3 }, NOW, { factor: 10, minSilenceMs: 60_000, minEvents: 10 })
        .silent,
    ).toBe(false);
  });

  it('pre-aggregated counters give the same rate and failures as grouping the events, counted once', async () => {
    const ts = (ms: number) => new Date(ms).toISOString();
    const mk = (i: number) => ({
      'event.name':
        i % 3 === 0 ? 'authn_login_fail' : i % 3 === 1 ? 'authz_fail' : 'authn_login_success',
      time: ts(NOW - ((i * 7919) % (30 * H))),
      'user.id': `u${i % 7}`,
      'client.address': `192.0.2.${i % 5}`,
    });
    await put(Array.from({ length: 300 }, (_, i) => mk(i)));
    const counters = createRateCounters(store.db, (ns, steps) => store.migrate(ns, steps));
    expect(counters.catchUp(store.size() - 1)).toBe(300);
    expect(counters.catchUp(store.size() - 1)).toBe(0); // nothing counted twice
    await put(Array.from({ length: 50 }, (_, i) => mk(i + 300)));
    counters.catchUp(store.size() - 1);
    for (const [range, bucket] of [
      [2 * H, 60_000],
      [24 * H, 900_000],
      [7 * 24 * H, 10_800_000],
    ] as const) {
      const direct = eventRate(store.db, NOW - range, NOW);
      expect(direct.bucketMs).toBe(bucket);
      const counted = countedRate(store.db, NOW - range, NOW, bucket);
      expect(counted.kinds).toEqual(direct.kinds);
      expect(counted.counts).toEqual(direct.counts);
    }
    // Failures at hour resolution: the same as the events since the start of the hour.
    const from = Math.floor((NOW - 24 * H) / H) * H;
    expect(countedFailures(store.db, NOW - 24 * H)).toEqual(topFailures(store.db, from));
  });

  it('a digest says what happened, what is open and what is overdue, as a receiver message', async () => {
    await put([{ 'event.name': 'authn_login_fail', time: new Date(NOW - H).toISOString() }]);
    alerts.upsert(
      alert({ id: '00000000-0000-4000-8000-00000000000a', severity: 'critical' }),
      NOW - H,
    );
    alerts.upsert(alert({ id: '00000000-0000-4000-8000-00000000000b', severity: 'low' }), NOW - H);
    alerts.act('00000000-0000-4000-8000-00000000000b', 'resolve', 'user:ana', NOW - H);
    reviews.create(
      { name: 'late one', scopeKind: 'all', frequency: 'daily' },
      'u',
      NOW - 3 * 24 * H,
    );
    const facts = gatherDigest({
      db: store.db,
      store,
      alerts,
      reviews,
      period: 'daily',
      nowMs: NOW,
      graceMs: H,
      silence: { factor: 10, minSilenceMs: 1, minEvents: 1000 },
    });
    const m = buildDigest(facts, 'https://lw.example');
    expect(m.kind).toBe('digest');
    expect(m.title).toBe('Daily review digest: 1 open alerts, 1 overdue reviews');
    expect(m.severity).toBe('critical');
    expect(m.alerts.map((a) => a.id)).toEqual(['00000000-0000-4000-8000-00000000000a']);
    expect(m.alerts[0]!.link).toBe(
      'https://lw.example/alerts/00000000-0000-4000-8000-00000000000a',
    );
    expect(m.text).toMatch(/1 events: authn 1/);
    expect(m.text).toMatch(/2 new alerts: critical 1, low 1/);
    expect(m.text).toMatch(/review "late one" was due/);
    expect(nextDigestTime(Date.parse('2026-03-10T09:00:00Z'), '08:00')).toBe(
      Date.parse('2026-03-11T08:00:00Z'),
    );
    expect(nextDigestTime(Date.parse('2026-03-10T07:00:00Z'), '08:00')).toBe(
      Date.parse('2026-03-10T08:00:00Z'),
    );
    // 2026-03-10 is a Tuesday: the next Monday 08:00 is the 16th.
    expect(nextDigestTime(Date.parse('2026-03-10T07:00:00Z'), '08:00', 1)).toBe(
      Date.parse('2026-03-16T08:00:00Z'),
    );
  });
});

describe('users and login limits', () => {
  it('hashes passwords with scrypt and a per-user salt, and verifies them', async () => {
    store.migrate('dashboard', [...DASHBOARD_MIGRATIONS]);
    const users = createUserStore(store.db);
    await users.create('ana', 'admin', 'same passphrase 1');
    await users.create('bo', 'viewer', 'same passphrase 1');
    const rows = store.db.prepare('SELECT hash, salt FROM dashboard_users').all() as {
      hash: Buffer;
      salt: Buffer;
    }[];
    expect(rows[0]!.salt.equals(rows[1]!.salt)).toBe(false);
    expect(rows[0]!.hash.equals(rows[1]!.hash)).toBe(false);
    expect((await users.verify('ana', 'same passphrase 1'))?.role).toBe('admin');
    expect(await users.verify('ana', 'same passphrase 2')).toBeUndefined();
    expect(await users.verify('nobody', 'same passphrase 1')).toBeUndefined();
    await expect(users.create('cy', 'viewer', 'short')).rejects.toThrow(/at least 12 characters/);
    await expect(users.create('ana', 'viewer', 'another passphrase')).rejects.toThrow(
      /already exists/,
    );
    await expect(users.create('bad name', 'viewer', 'another passphrase')).rejects.toThrow(
      /user name/,
    );
    expect(() => users.setRole('bo', 'root' as never)).toThrow(
      /expected one of viewer, reviewer, admin/,
    );
    await users.resetPassword('bo', 'a new passphrase!');
    expect(await users.verify('bo', 'same passphrase 1')).toBeUndefined();
    expect((await users.verify('bo', 'a new passphrase!'))?.name).toBe('bo');
  });

  it('locks a key after max failures within the window, for the lockout time', () => {
    const l = createLoginLimiter({ maxFailures: 3, windowMs: 1000, lockoutMs: 5000 });
    expect(l.fail('u', 0)).toBe(false);
    expect(l.fail('u', 1500)).toBe(false); // the first fell out of the window
    expect(l.fail('u', 1600)).toBe(false);
    expect(l.fail('u', 1700)).toBe(true);
    expect(l.lockedFor('u', 2000)).toBe(4700);
    expect(l.lockedFor('u', 6701)).toBe(0);
    l.succeed('u');
    expect(l.lockedFor('u', 2000)).toBe(0);
  });
});
