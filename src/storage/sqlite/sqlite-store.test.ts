import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogwardenError } from '../../core/errors.js';
import type { SecurityEvent } from '../../core/event.js';
import { parseQuery } from '../../search/parse-query.js';
import type { PreparedEvent } from '../types.js';
import { compileFilter, openSqliteStore } from './index.js';
import type { SqliteStore } from './index.js';

let n = 0;
function ev(extra: Partial<SecurityEvent> = {}, source = 'unit'): PreparedEvent {
  n++;
  const event: SecurityEvent = {
    id: `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`,
    time: new Date(Date.UTC(2026, 10, 27, 9, 0, n % 60)).toISOString(),
    'event.name': 'http_request',
    message: `request number ${n}`,
    ...extra,
  };
  return { event, body: JSON.stringify(event), source };
}

function caught(fn: () => unknown): LogwardenError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(LogwardenError);
    return e as LogwardenError;
  }
  throw new Error('expected an error');
}

describe('SqliteStore', () => {
  let dir: string;
  let store: SqliteStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lw-sqlite-'));
    store = openSqliteStore({ path: join(dir, 'events.db') });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs in WAL mode with synchronous=FULL by default', () => {
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2); // FULL
  });

  it('commits all appends of one tick in one transaction', async () => {
    const calls = Array.from({ length: 100 }, () => store.append([ev(), ev()]));
    await Promise.all(calls);
    expect(store.stats()).toEqual({ commits: 1, appended: 200, duplicates: 0, failed: 0 });
    await store.append([ev()]);
    expect(store.stats().commits).toBe(2);
  });

  it('a steady stream of appends lets timers run between commits (main-thread writer)', async () => {
    await store.close();
    store = openSqliteStore({ path: join(dir, 'events.db'), writer: 'main' });
    let commitsWhenFired = -1;
    setTimeout(() => (commitsWhenFired = store.stats().commits), 0);
    const lane = async (): Promise<void> => {
      for (let i = 0; i < 40; i++) await store.append([ev()]);
    };
    await Promise.all([lane(), lane()]);
    expect(commitsWhenFired).toBeGreaterThanOrEqual(0);
    expect(commitsWhenFired).toBeLessThan(store.stats().commits);
  });

  it('writeWith: statements ride the next group commit (same transaction), alone when no rows wait, and fail alone', async () => {
    store.migrate('unit', ['CREATE TABLE side (k TEXT PRIMARY KEY, v BLOB NOT NULL)']);
    const before = store.stats().commits;
    const [rows, side] = await Promise.all([
      store.append([ev(), ev()]),
      store.writeWith([
        { sql: 'INSERT INTO side (k, v) VALUES (?, ?)', params: ['a', Buffer.from([1, 2])] },
        { sql: 'INSERT INTO side (k, v) VALUES (?, ?)', params: ['b', Buffer.from([3])] },
      ]),
    ]);
    expect(rows.map((r) => r.duplicate)).toEqual([false, false]);
    expect(side.map((r) => r.changes)).toEqual([1, 1]);
    expect(side[1]!.lastInsertRowid).toBe(side[0]!.lastInsertRowid + 1);
    expect(store.stats().commits - before).toBe(1); // one transaction for both
    const v = store.db.prepare("SELECT v FROM side WHERE k = 'a'").pluck().get() as Buffer;
    expect([...v]).toEqual([1, 2]);
    // Nothing to append: committed on its own.
    await store.writeWith([
      { sql: 'UPDATE side SET v = ? WHERE k = ?', params: [Buffer.from([9]), 'b'] },
    ]);
    expect([
      ...(store.db.prepare("SELECT v FROM side WHERE k = 'b'").pluck().get() as Buffer),
    ]).toEqual([9]);
    // A failing statement rejects (all its batch undone); the rows of the same group still commit.
    const [ok, bad] = await Promise.allSettled([
      store.append([ev()]),
      store.writeWith([
        { sql: 'INSERT INTO side (k, v) VALUES (?, ?)', params: ['c', Buffer.from([1])] },
        { sql: 'INSERT INTO side (k, v) VALUES (?, ?)', params: ['a', Buffer.from([1])] },
      ]),
    ]);
    expect(ok.status).toBe('fulfilled');
    expect(bad.status).toBe('rejected');
    expect(store.db.prepare("SELECT count(*) FROM side WHERE k = 'c'").pluck().get()).toBe(0);
    expect(store.size()).toBe(3);
  });

  it('versioned migrations for other modules: applied once, in order, recorded', () => {
    const steps = [
      'CREATE TABLE tokens (name TEXT PRIMARY KEY, hash BLOB NOT NULL)',
      "INSERT INTO tokens VALUES ('first', x'00')",
    ];
    expect(store.migrate('tokens', steps)).toBe(2);
    expect(store.migrate('tokens', steps)).toBe(0);
    expect(
      store.migrate('tokens', [
        ...steps,
        (db) => db.exec('ALTER TABLE tokens ADD COLUMN created_ms INTEGER'),
      ]),
    ).toBe(1);
    const rows = store.db
      .prepare("SELECT version FROM schema_migrations WHERE namespace = 'tokens' ORDER BY version")
      .pluck()
      .all();
    expect(rows).toEqual([1, 2, 3]);
    // Fewer steps than applied: a newer logwarden wrote this database.
    expect(caught(() => store.migrate('tokens', steps)).message).toMatch(
      /version 3 .* only 2 steps/,
    );
    // A failing step is rolled back and not recorded.
    const bad = ['CREATE TABLE t1 (a)', 'CREATE TABLE t2 (a); INSERT INTO nope VALUES (1)'];
    const e = caught(() => store.migrate('other', bad));
    expect(e.code).toBe('LW_STORE_FAILED');
    expect(e.message).toMatch(/migration other #2 failed/);
    expect(
      store.db.prepare("SELECT name FROM sqlite_master WHERE name = 't2'").get(),
    ).toBeUndefined();
    expect(store.migrate('other', bad.slice(0, 1))).toBe(0);
    expect(caught(() => store.migrate('store', [])).message).toMatch(/belongs to the event store/);
  });

  it('a disk-full failure rejects with LW_STORE_FAILED, consumes no seq, and spares other calls', async () => {
    // max_page_count is per connection: write on this one so the limit applies to appends.
    await store.close();
    store = openSqliteStore({ path: join(dir, 'events.db'), writer: 'main' });
    await store.append([ev()]);
    const pages = store.db.pragma('page_count', { simple: true }) as number;
    store.db.pragma(`max_page_count = ${pages + 8}`);
    const huge = ev({ message: 'x'.repeat(200_000) });
    const small = ev();
    const [big, ok] = await Promise.allSettled([store.append([huge]), store.append([small])]);
    expect(big.status).toBe('rejected');
    const err = (big as PromiseRejectedResult).reason as LogwardenError;
    expect(err.code).toBe('LW_STORE_FAILED');
    expect(err.message).toContain(join(dir, 'events.db'));
    expect(err.message).toMatch(/disk is full/);
    expect(ok.status).toBe('fulfilled');
    expect((ok as PromiseFulfilledResult<Array<{ seq: number }>>).value[0]?.seq).toBe(1);
    expect(store.stats().failed).toBe(1);
    store.db.pragma('max_page_count = 1073741823');
    expect((await store.append([huge]))[0]?.seq).toBe(2);
  });

  it('refuses a body that is not JSON, naming the event, and keeps the calls around it', async () => {
    const good = ev();
    const broken = { ...ev(), body: '{"id": "truncated' };
    const [a, b, c] = await Promise.allSettled([
      store.append([good]),
      store.append([ev(), broken]),
      store.append([ev({ 'user.id': 'carol' })]),
    ]);
    expect(a.status).toBe('fulfilled');
    expect(c.status).toBe('fulfilled');
    const err = (b as PromiseRejectedResult).reason as LogwardenError;
    expect(err.code).toBe('LW_EVENT_INVALID');
    expect(err.message).toMatch(/event #1 .*not valid JSON/);
    expect(store.size()).toBe(2);
    // Field queries (json_extract) keep working.
    expect(store.query({ filter: parseQuery('path:* OR user:carol'), limit: 10 }).length).toBe(1);
  });

  it('a reader opened read-only sees commits and refuses writes', async () => {
    await store.append([ev({ 'user.id': 'alice' })]);
    const reader = openSqliteStore({ path: join(dir, 'events.db'), readonly: true });
    try {
      expect(reader.size()).toBe(1);
      await store.append([ev()]);
      expect(reader.size()).toBe(2);
      expect(reader.query({ filter: parseQuery('user:alice'), limit: 5 }).length).toBe(1);
      await expect(reader.append([ev()])).rejects.toThrow(/read-only/);
    } finally {
      await reader.close();
    }
  });

  it('background full text catches up after commits and at reopen', async () => {
    await store.close();
    store = openSqliteStore({ path: join(dir, 'events.db'), fullText: 'background' });
    await store.append([ev({ message: 'zebra crossing' })]);
    const find = (): number => store.query({ filter: parseQuery('zebra'), limit: 5 }).length;
    const until = Date.now() + 1000;
    while (find() === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    expect(find()).toBe(1);
  });

  it('CIDR searches use the address index and still match exactly, IPv4-mapped included', async () => {
    const addrs = [
      '10.1.2.3',
      '::ffff:10.1.9.9',
      '10.2.0.1',
      '10.1.255.255',
      '110.1.2.3',
      '10.10.0.1',
      '2001:db8::7',
    ];
    const res = await store.append(addrs.map((a) => ev({ 'client.address': a })));
    const seqOf = new Map(addrs.map((a, i) => [a, res[i]?.seq]));
    const find = (q: string): Array<string | undefined> => {
      const got = store.query({ filter: parseQuery(q), limit: 50 }).map((e) => e.seq);
      return addrs.filter((a) => got.includes(seqOf.get(a) as number));
    };
    expect(find('ip:10.1.0.0/16')).toEqual(['10.1.2.3', '::ffff:10.1.9.9', '10.1.255.255']);
    expect(find('ip:10.1.9.9/32')).toEqual(['::ffff:10.1.9.9']);
    expect(find('ip:10.0.0.0/8')).toEqual([
      '10.1.2.3',
      '::ffff:10.1.9.9',
      '10.2.0.1',
      '10.1.255.255',
      '10.10.0.1',
    ]);
    expect(find('ip:10.0.0.0/12')).toEqual([
      '10.1.2.3',
      '::ffff:10.1.9.9',
      '10.2.0.1',
      '10.1.255.255',
      '10.10.0.1',
    ]);
    expect(find('-ip:10.0.0.0/8')).toEqual(['110.1.2.3', '2001:db8::7']);
    const f = compileFilter(parseQuery('ip:10.1.0.0/16'));
    const plan = store.db
      .prepare(`EXPLAIN QUERY PLAN SELECT seq FROM events WHERE ${f.sql}`)
      .all(...f.params) as Array<{ detail: string }>;
    expect(plan.map((p) => p.detail).join(' | ')).toMatch(/USING (COVERING )?INDEX events_client/);
  });

  it('finds a host name stored as the client address (PAM rhost=), and a CIDR does not', async () => {
    const res = await store.append([
      ev({ 'client.address': 'dsl-23.example.net' }),
      ev({ 'client.address': '10.9.9.9' }),
    ]);
    const seqs = (q: string): number[] =>
      store.query({ filter: parseQuery(q), limit: 10 }).map((e) => e.seq);
    expect(seqs('ip:dsl-23.example.net')).toEqual([res[0]?.seq]);
    expect(seqs('ip:DSL-23.Example.NET')).toEqual([res[0]?.seq]);
    expect(seqs('ip:10.0.0.0/8')).toEqual([res[1]?.seq]);
  });

  it('compiles values into parameters, never into the SQL text', () => {
    const hostile = `x'); DROP TABLE events; --`;
    const f = compileFilter(parseQuery(`user:"${hostile}" path:"${hostile}*" "${hostile}"`));
    expect(f.sql).not.toContain('DROP');
    expect(f.params).toContain(hostile);
    expect(f.params).toContain(`"${hostile}"`);
  });
});

describe('openSqliteStore errors', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lw-sqlite-bad-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names the path when the file is not a database', () => {
    const path = join(dir, 'garbage.db');
    writeFileSync(path, Buffer.alloc(8192, 0x5a));
    const e = caught(() => openSqliteStore({ path }));
    expect(e.code).toBe('LW_STORE_FAILED');
    expect(e.message).toContain(path);
    expect(e.message).toMatch(/not a SQLite database/);
    expect(e.details).toMatchObject({ path, sqlite: 'SQLITE_NOTADB' });
  });

  it('names the path when it is a directory', () => {
    const path = join(dir, 'adir');
    mkdirSync(path);
    const e = caught(() => openSqliteStore({ path }));
    expect(e.code).toBe('LW_STORE_FAILED');
    expect(e.message).toContain(path);
  });

  it('refuses read-only opening of something that is not a store', () => {
    const path = join(dir, 'missing.db');
    expect(caught(() => openSqliteStore({ path, readonly: true })).message).toContain(path);
  });
});
