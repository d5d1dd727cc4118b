/**
 * The contract every EventStore backend passes (STYLE habit 11). A backend's test calls
 * runStoreContract(name, fixture) with a fixture that can open the same storage more than once
 * (to check that reopening keeps everything) and destroy it afterwards.
 *
 * @example
 * runStoreContract('sqlite', () => { const dir = mkdtempSync(...); return { open: () => openSqliteStore({ path: join(dir, 'e.db') }), destroy: () => rmSync(dir, { recursive: true }) }; });
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SecurityEvent } from '../../src/core/event.js';
import { LogwardenError } from '../../src/core/errors.js';
import { parseQuery } from '../../src/search/parse-query.js';
import type { EventStore, StoredEvent } from '../../src/storage/types.js';
import { prepared, sampleEvent, uuidv7 } from './events.js';

export interface StoreFixture {
  /** Open (or reopen, after close) the store over the same underlying storage. */
  open(): EventStore | Promise<EventStore>;
  /** Remove the underlying storage. */
  destroy(): void | Promise<void>;
}

const BASE = Date.parse('2026-11-20T00:00:00Z');
const DAY = 86_400_000;

/**
 * Full-text search may trail commits by up to a second (a backend may index in the background):
 * text assertions poll until they hold or the second is over.
 */
async function eventually(check: () => void, withinMs = 1500): Promise<void> {
  const end = Date.now() + withinMs;
  for (;;) {
    try {
      check();
      return;
    } catch (e) {
      if (Date.now() > end) throw e;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

const expectedHash = (body: string): Buffer =>
  createHash('sha256')
    .update(Buffer.from([0]))
    .update(Buffer.from(body, 'utf8'))
    .digest();

export function runStoreContract(
  name: string,
  createFixture: () => StoreFixture | Promise<StoreFixture>,
): void {
  describe(`EventStore contract: ${name}`, () => {
    let fx: StoreFixture;
    let store: EventStore;

    beforeEach(async () => {
      fx = await createFixture();
      store = await fx.open();
    });
    afterEach(async () => {
      await store.close();
      await fx.destroy();
    });

    it('acknowledges appends with gap-free increasing seq from 0', async () => {
      expect(store.size()).toBe(0);
      const first = await store.append([0, 1, 2].map((i) => prepared(sampleEvent(i, BASE + i))));
      expect(first.map((r) => r.seq)).toEqual([0, 1, 2]);
      expect(first.every((r) => !r.duplicate)).toBe(true);
      const second = await store.append([3, 4].map((i) => prepared(sampleEvent(i, BASE + i))));
      expect(second.map((r) => r.seq)).toEqual([3, 4]);
      expect(store.size()).toBe(5);
      expect(await store.append([])).toEqual([]);
      expect(store.size()).toBe(5);
    });

    it('stores duplicates once, within a batch, across batches and across concurrent calls', async () => {
      const a = prepared(sampleEvent(1, BASE));
      const b = prepared(sampleEvent(2, BASE + 1));
      const r1 = await store.append([a, b, a]);
      expect(r1).toEqual([
        { id: a.event.id, seq: 0, duplicate: false },
        { id: b.event.id, seq: 1, duplicate: false },
        { id: a.event.id, seq: 0, duplicate: true },
      ]);
      const r2 = await store.append([b]);
      expect(r2).toEqual([{ id: b.event.id, seq: 1, duplicate: true }]);
      const c = prepared(sampleEvent(3, BASE + 2));
      const [x, y] = await Promise.all([store.append([c]), store.append([c])]);
      expect([x[0]?.duplicate, y[0]?.duplicate].sort()).toEqual([false, true]);
      expect(x[0]?.seq).toBe(2);
      expect(y[0]?.seq).toBe(2);
      expect(store.size()).toBe(3);
      // A retried event with the same id but another body keeps the original bytes.
      const changed = { ...a, body: JSON.stringify({ ...a.event, message: 'changed' }) };
      expect((await store.append([changed]))[0]).toEqual({
        id: a.event.id,
        seq: 0,
        duplicate: true,
      });
      expect(store.getById(a.event.id)?.body).toBe(a.body);
    });

    it('keeps the exact bytes, including non-ASCII, and their leaf hash', async () => {
      const e = {
        ...sampleEvent(7, BASE),
        message: 'Grüße, 東京, emoji 🛡️, quote " and \\ and \u2028',
      };
      const bodies = [
        JSON.stringify(e),
        // Different spacing and key order: stored as given, never re-serialized.
        `{ "time":"${e.time}",  "id":"${uuidv7(BASE + 1)}", "event.name":"log", "message":"caf\\u00e9 – ünïcode" }`,
      ];
      const events = bodies.map((body) => ({
        event: JSON.parse(body) as SecurityEvent,
        body,
        source: 'bytes',
      }));
      const res = await store.append(events);
      for (const [i, r] of res.entries()) {
        const got = store.getBySeq(r.seq);
        expect(got?.body).toBe(bodies[i]);
        expect(
          Buffer.from(got?.body ?? '', 'utf8').equals(Buffer.from(bodies[i] as string, 'utf8')),
        ).toBe(true);
        expect(got?.leafHash.equals(expectedHash(bodies[i] as string))).toBe(true);
        expect(got?.leafHash.length).toBe(32);
      }
    });

    it('group-commits concurrent appends: all acknowledged, seqs form one gap-free run', async () => {
      const calls = Array.from({ length: 40 }, (_, c) =>
        Array.from({ length: 5 }, (_, k) => prepared(sampleEvent(c * 5 + k, BASE + c * 5 + k))),
      );
      const results = await Promise.all(
        calls.map(async (batch) => {
          const r = await store.append(batch);
          // Acknowledged means readable: every event of this call is there when it resolves.
          for (const x of r) expect(store.getBySeq(x.seq)?.id).toBe(x.id);
          return r;
        }),
      );
      const seqs = results.flat().map((r) => r.seq);
      expect([...seqs].sort((p, q) => p - q)).toEqual(Array.from({ length: 200 }, (_, i) => i));
      for (const r of results) {
        for (let i = 1; i < r.length; i++)
          expect((r[i] as { seq: number }).seq).toBeGreaterThan((r[i - 1] as { seq: number }).seq);
      }
    });

    it('reads back by id, by seq and by range', async () => {
      const evs = Array.from({ length: 10 }, (_, i) =>
        prepared(sampleEvent(i, BASE + i * 1000), i % 2 ? 'a' : 'b'),
      );
      await store.append(evs);
      const byId = store.getById(evs[4]?.event.id as string) as StoredEvent;
      expect(byId).toMatchObject({
        seq: 4,
        id: evs[4]?.event.id,
        timeMs: BASE + 4000,
        name: evs[4]?.event['event.name'],
        source: 'b',
      });
      expect(store.getBySeq(4)?.id).toBe(byId.id);
      expect(store.getById('no-such-id')).toBeUndefined();
      expect(store.getBySeq(10)).toBeUndefined();
      expect(store.range(3, 7).map((e) => e.seq)).toEqual([3, 4, 5, 6]);
      expect(store.range(8, 100).map((e) => e.seq)).toEqual([8, 9]);
      expect(store.range(5, 5)).toEqual([]);
    });

    it('rejects an invalid event naming it, storing nothing of that call and everything of the others', async () => {
      const good = prepared(sampleEvent(1, BASE));
      const other = prepared(sampleEvent(2, BASE + 1));
      const bad = {
        ...prepared(sampleEvent(3, BASE + 2)),
        event: { ...sampleEvent(3, BASE + 2), time: 'yesterday' },
      };
      const [r1, r2] = await Promise.allSettled([store.append([good, bad]), store.append([other])]);
      expect(r1.status).toBe('rejected');
      const err = (r1 as PromiseRejectedResult).reason as LogwardenError;
      expect(err).toBeInstanceOf(LogwardenError);
      expect(err.code).toBe('LW_EVENT_INVALID');
      expect(err.message).toMatch(/event #1 .*time/);
      expect(r2.status).toBe('fulfilled');
      expect(store.getById(other.event.id)).toBeDefined();
      expect(store.getById(good.event.id)).toBeUndefined();
      expect(store.size()).toBe(1);
    });

    describe('queries', () => {
      const N = 120;
      let events: Array<{ e: SecurityEvent; seq: number; source: string }>;
      beforeEach(async () => {
        const batch = Array.from({ length: N }, (_, i) =>
          prepared(sampleEvent(i, BASE + i * 60_000), i % 4 === 0 ? 'edge' : 'app'),
        );
        const res = await store.append(batch);
        events = batch.map((p, i) => ({
          e: p.event,
          seq: (res[i] as { seq: number }).seq,
          source: p.source,
        }));
      });

      const expectQuery = (
        q: string,
        pred: (e: SecurityEvent, source: string) => boolean,
        limit = 1000,
      ): Promise<void> => {
        const want = events
          .filter((x) => pred(x.e, x.source))
          .map((x) => x.seq)
          .reverse();
        expect(want.length, `fixture has matches for ${q}`).toBeGreaterThan(0);
        expect(want.length, `fixture has non-matches for ${q}`).toBeLessThan(N);
        return eventually(() => {
          const got = store
            .query({ filter: parseQuery(q, { nowMs: BASE + N * 60_000 }), limit })
            .map((s) => s.seq);
          expect(got, q).toEqual(want);
        });
      };
      const addr = (e: SecurityEvent): string => e['client.address'] ?? '';
      const cases: Array<[string, (e: SecurityEvent, source: string) => boolean]> = [
        ['name:authz_fail', (e) => e['event.name'] === 'authz_fail'],
        ['status:>=500', (e) => (e['http.response.status_code'] ?? 0) >= 500],
        [
          'status:400..499',
          (e) => {
            const s = e['http.response.status_code'] ?? 0;
            return s >= 400 && s <= 499;
          },
        ],
        [
          'status:4xx -status:404',
          (e) => {
            const s = e['http.response.status_code'] ?? 0;
            return s >= 400 && s <= 499 && s !== 404;
          },
        ],
        ['ip:10.0.0.0/8', (e) => addr(e).startsWith('10.')],
        ['ip:10.128.0.0/9', (e) => addr(e) === '10.200.0.1'],
        ['ip:2001:db8::/32', (e) => addr(e).startsWith('2001:db8:')],
        ['ip:203.0.113.9', (e) => addr(e) === '203.0.113.9'],
        ['path:/admin*', (e) => (e['url.path'] ?? '').startsWith('/admin')],
        ['path:/log?n', (e) => e['url.path'] === '/login'],
        ['user:user1', (e) => e['user.id'] === 'user1'],
        ['-user:user1', (e) => e['user.id'] !== 'user1'],
        ['NOT user:*', (e) => e['user.id'] === undefined],
        ['severity:>=ERROR', (e) => e.severity === 'ERROR' || e.severity === 'CRITICAL'],
        ['method:post', (e) => e['http.request.method'] === 'POST'],
        [
          'outcome:failure NOT ip:10.0.0.0/8',
          (e) => e['event.outcome'] === 'failure' && !addr(e).startsWith('10.'),
        ],
        ['sqlmap', (e) => (e.message ?? '').includes('sqlmap')],
        ['NOT sqlmap', (e) => !(e.message ?? '').includes('sqlmap')],
        [
          'sqlmap OR status:500',
          (e) => (e.message ?? '').includes('sqlmap') || e['http.response.status_code'] === 500,
        ],
        ['sqlm*', (e) => (e.message ?? '').includes('sqlmap')],
        ['"suspicious sqlmap"', (e) => (e.message ?? '').includes('suspicious sqlmap')],
        ['"needle-even"', (e) => (e['log.original'] ?? '').includes('needle-even')],
        [
          'name:authn_login_fail OR status:500',
          (e) => e['event.name'] === 'authn_login_fail' || e['http.response.status_code'] === 500,
        ],
        [
          '(status:404 OR status:403) path:/admin*',
          (e) =>
            [403, 404].includes(e['http.response.status_code'] ?? 0) &&
            (e['url.path'] ?? '').startsWith('/admin'),
        ],
        ['attributes.tenant:acme', (e) => e.attributes?.tenant === 'acme'],
        ['source:edge', (_e, s) => s === 'edge'],
        [
          `after:${new Date(BASE + 30 * 60_000).toISOString()}`,
          (e) => Date.parse(e.time) >= BASE + 30 * 60_000,
        ],
        ['before:-100m', (e) => Date.parse(e.time) < BASE + (N - 100) * 60_000],
        ['category:authn', (e) => e['event.category'] === 'authn'],
        [
          'sqlmap -path:/login status:>=400',
          (e) =>
            (e.message ?? '').includes('sqlmap') &&
            e['url.path'] !== '/login' &&
            (e['http.response.status_code'] ?? 0) >= 400,
        ],
      ];
      for (const [q, pred] of cases) it(`filter ${q}`, async () => expectQuery(q, pred));

      const pagingCases: Array<[string, (e: SecurityEvent) => boolean]> = [
        ['status:>=400', (e) => (e['http.response.status_code'] ?? 0) >= 400],
        ['sqlmap', (e) => (e.message ?? '').includes('sqlmap')],
        [
          'normal method:get',
          (e) => (e.message ?? '').includes('normal') && e['http.request.method'] === 'GET',
        ],
      ];
      for (const [q, pred] of pagingCases) {
        it(`pages newest first with beforeSeq: ${q}`, async () => {
          const filter = parseQuery(q);
          const want = events
            .filter((x) => pred(x.e))
            .map((x) => x.seq)
            .reverse();
          expect(want.length).toBeGreaterThan(7);
          await eventually(() => {
            const got: number[] = [];
            let before: number | undefined;
            for (let pages = 0; pages < 100; pages++) {
              const page = store.query({
                filter,
                limit: 7,
                ...(before === undefined ? {} : { beforeSeq: before }),
              });
              expect(page.length).toBeLessThanOrEqual(7);
              got.push(...page.map((s) => s.seq));
              if (page.length < 7) break;
              before = page[page.length - 1]?.seq;
            }
            expect(got).toEqual(want);
          });
        });
      }

      it('bounds by time and returns whole stored events', () => {
        const from = BASE + 10 * 60_000;
        const to = BASE + 20 * 60_000;
        const got = store.query({ fromMs: from, toMs: to, limit: 100 });
        expect(got.map((s) => s.seq)).toEqual(
          events
            .filter((x) => {
              const t = Date.parse(x.e.time);
              return t >= from && t < to;
            })
            .map((x) => x.seq)
            .reverse(),
        );
        const one = got[0] as StoredEvent;
        expect(one.body).toBe(JSON.stringify(events[one.seq]?.e));
        expect(store.query({ limit: 1000 }).length).toBe(N);
      });

      it('refuses a bad limit with a clear error', () => {
        expect(() => store.query({ limit: 0 })).toThrow(/limit/);
        expect(() => store.query({ limit: 10, beforeSeq: Number.NaN })).toThrow(/beforeSeq/);
        expect(() => store.query({ limit: 10, fromMs: Number.POSITIVE_INFINITY })).toThrow(
          /fromMs/,
        );
      });

      it('does not let query text reach SQL or FTS syntax', () => {
        for (const q of [
          `"x' OR 1=1 --"`,
          'user:"a\'; DROP TABLE events; --"',
          '"NEAR(a b)"',
          '"a" OR "b"',
          'path:"[*]"',
        ]) {
          expect(() => store.query({ filter: parseQuery(q), limit: 10 })).not.toThrow();
        }
        expect(store.size()).toBe(N);
      });
    });

    it('keeps per-source counts, first/last seen, parsed and unparsed', async () => {
      const t0 = Date.now();
      const line = (i: number, format?: string): SecurityEvent => ({
        id: uuidv7(BASE + i),
        time: new Date(BASE + i).toISOString(),
        'event.name': 'log',
        ...(format === undefined ? {} : { 'log.format': format }),
      });
      const first = line(1);
      await store.append([
        prepared(first, 'file:/var/log/a'),
        prepared(line(2, 'combined'), 'file:/var/log/a'),
        prepared(line(3, 'unparsed'), 'file:/var/log/a'),
      ]);
      await store.append([
        prepared(sampleEvent(1, BASE), 'sdk'),
        prepared(first, 'file:/var/log/a'),
      ]); // second is a duplicate
      const t1 = Date.now();
      const stats = store.sources();
      expect(stats.map((s) => s.source)).toEqual(['file:/var/log/a', 'sdk']);
      expect(stats[0]).toMatchObject({ events: 3, parsed: 1, unparsed: 2 });
      expect(stats[1]).toMatchObject({ events: 1, parsed: 1, unparsed: 0 });
      for (const s of stats) {
        expect(s.firstSeenMs).toBeGreaterThanOrEqual(t0);
        expect(s.lastSeenMs).toBeLessThanOrEqual(t1);
        expect(s.firstSeenMs).toBeLessThanOrEqual(s.lastSeenMs);
      }
    });

    it('prunes bodies past retention, keeping seq, id and leaf hash; pruned reads as pruned', async () => {
      const now = BASE + 500 * DAY;
      const ages = [450, 100, 20, 410, 35, 5]; // days old
      const cats = ['http', 'http', 'http', 'authn', 'log', 'authn'];
      const evs = ages.map((age, i) => {
        const e = {
          ...sampleEvent(i * 5, now - age * DAY),
          'event.category': cats[i] as string,
          message: `prunable message ${i}`,
        };
        return prepared(e);
      });
      const res = await store.append(evs);
      const hashes = res.map((r) => store.getBySeq(r.seq)?.leafHash);
      const pruned = await store.prune({ days: { default: 400, http: 30, log: 30 } }, now);
      // http older than 30d: #0, #1; authn older than 400d: #3; log older than 30d: #4.
      const expectPruned = [true, true, false, true, true, false];
      expect(pruned).toBe(expectPruned.filter(Boolean).length);
      const all = store.range(0, store.size());
      expect(all.map((e) => e.body === null)).toEqual(expectPruned);
      all.forEach((e, i) => {
        expect(e.id).toBe(evs[i]?.event.id);
        expect(e.leafHash.equals(hashes[i] as Buffer)).toBe(true);
      });
      expect(store.getById(evs[0]?.event.id as string)?.body).toBeNull();
      // Search no longer finds pruned events, by field or by text.
      await eventually(() => {
        const found = store
          .query({ filter: parseQuery('prunable'), limit: 100 })
          .map((e) => e.seq)
          .sort();
        expect(found).toEqual([2, 5]);
      });
      expect(
        store
          .query({ filter: parseQuery('ip:*'), limit: 100 })
          .map((e) => e.seq)
          .sort(),
      ).toEqual([2, 5]);
      // Idempotent, and appends go on after it.
      expect(await store.prune({ days: { default: 400, http: 30, log: 30 } }, now)).toBe(0);
      expect((await store.append([prepared(sampleEvent(99, now))]))[0]?.seq).toBe(6);
      await expect(store.prune({ days: { http: 30 } } as never, now)).rejects.toThrow(/default/);
    });

    it('close is safe twice, and appends after close are refused', async () => {
      await store.append([prepared(sampleEvent(1, BASE))]);
      await store.close();
      await store.close();
      await expect(store.append([prepared(sampleEvent(2, BASE))])).rejects.toThrow(/closed/);
    });

    it('close drains appends not yet committed', async () => {
      const p = store.append([prepared(sampleEvent(1, BASE))]);
      await store.close();
      expect((await p)[0]?.seq).toBe(0);
      store = await fx.open();
      expect(store.size()).toBe(1);
    });

    it('reopening keeps everything and continues the sequence', async () => {
      const evs = Array.from({ length: 25 }, (_, i) =>
        prepared(sampleEvent(i, BASE + i), `s${i % 3}`),
      );
      await store.append(evs);
      const before = store.range(0, 25);
      const sources = store.sources();
      await store.close();
      store = await fx.open();
      expect(store.size()).toBe(25);
      const after = store.range(0, 25);
      expect(after.map((e) => [e.seq, e.id, e.body, e.leafHash.toString('hex')])).toEqual(
        before.map((e) => [e.seq, e.id, e.body, e.leafHash.toString('hex')]),
      );
      expect(store.sources()).toEqual(sources);
      const sqlmap = evs.filter((p) => p.event.message?.includes('sqlmap')).length;
      expect(sqlmap).toBeGreaterThan(0);
      expect(store.query({ filter: parseQuery('sqlmap'), limit: 100 }).length).toBe(sqlmap);
      const again = await store.append([
        evs[3] as (typeof evs)[number],
        prepared(sampleEvent(50, BASE + 50)),
      ]);
      expect(again).toEqual([
        { id: evs[3]?.event.id, seq: 3, duplicate: true },
        { id: expect.any(String), seq: 25, duplicate: false },
      ]);
    });
  });
}
