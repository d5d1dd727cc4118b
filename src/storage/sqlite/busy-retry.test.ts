/**
 * writeGroupWaiting against a scripted writer: what met the write lock is retried until the busy
 * timeout, alone; what committed (calls or riding statements) is never written again; other
 * failures are answered at once.
 */
import { describe, expect, it } from 'vitest';
import type { AppendResult } from '../types.js';
import { writeGroupWaiting, type GroupWrite } from './busy-retry.js';
import type { EventRow } from './event-rows.js';
import type { CallOutcome, GroupOutcome, SqlOutcome, SqlWrite } from './writer.js';

const BUSY = { error: { message: 'database is locked', sqliteCode: 'SQLITE_BUSY' } } as const;
const ok = (id: string): CallOutcome => ({ ok: [{ id, seq: 1, duplicate: false }] });
const call = (id: string) => [{ id }] as unknown as readonly EventRow[];
const rider: SqlWrite[] = [{ sql: 'UPDATE t SET x = 1', params: [] }];
const SQL_OK: SqlOutcome = { ok: [{ changes: 1, lastInsertRowid: 1 }] };

/** A writer answering each attempt from `script` (by call id), recording what it was given. */
function scripted(script: ((id: string) => CallOutcome)[], sql: SqlOutcome[] = []) {
  const attempts: { ids: string[]; sql: boolean }[] = [];
  const writer = {
    writeGroup(
      calls: ReadonlyArray<readonly EventRow[]>,
      _nowMs: number,
      _indexText: boolean,
      s?: readonly SqlWrite[],
    ): GroupOutcome {
      const n = attempts.length;
      const ids = calls.map((c) => (c[0] as unknown as { id: string }).id);
      attempts.push({ ids, sql: s !== undefined && s.length > 0 });
      const answer = script[Math.min(n, script.length - 1)]!;
      return {
        calls: ids.map(answer),
        sql: s !== undefined && s.length > 0 ? sql[Math.min(n, sql.length - 1)]! : { ok: [] },
      };
    },
  };
  return { writer, attempts };
}

/** A clock that only sleeping moves. */
function fakeTime() {
  let t = 0;
  const slept: number[] = [];
  return { now: () => t, sleep: (ms: number) => (slept.push(ms), (t += ms)), slept };
}

const group = (ids: string[], sql?: SqlWrite[]): GroupWrite => ({
  calls: ids.map(call),
  nowMs: 0,
  indexText: true,
  ...(sql ? { sql } : {}),
});
const ids = (o: GroupOutcome) =>
  o.calls.map((c) => ('ok' in c ? (c.ok[0] as AppendResult).id : c.error.sqliteCode));

describe('writeGroupWaiting', () => {
  it('retries only the calls that met the lock, when the others of the group committed', () => {
    // The group failed whole and was retried call by call; the lock came free after the first.
    const { writer, attempts } = scripted([(id) => (id === 'b' ? BUSY : ok(id)), ok]);
    const t = fakeTime();
    const out = writeGroupWaiting(writer, group(['a', 'b', 'c']), 30_000, t.sleep, t.now);
    expect(ids(out)).toEqual(['a', 'b', 'c']);
    expect(attempts.map((a) => a.ids)).toEqual([['a', 'b', 'c'], ['b']]);
    expect(t.slept).toEqual([1]);
  });

  it('never writes committed riding statements again', () => {
    const { writer, attempts } = scripted([() => BUSY, () => BUSY, ok], [SQL_OK]);
    const t = fakeTime();
    const out = writeGroupWaiting(writer, group(['a'], rider), 30_000, t.sleep, t.now);
    expect(out).toEqual({ calls: [ok('a')], sql: SQL_OK });
    expect(attempts.map((a) => a.sql)).toEqual([true, false, false]);
    expect(t.slept).toEqual([1, 2]);
  });

  it('retries statements that met the lock after the calls committed', () => {
    const { writer, attempts } = scripted([ok], [BUSY, SQL_OK]);
    const t = fakeTime();
    const out = writeGroupWaiting(writer, group(['a'], rider), 30_000, t.sleep, t.now);
    expect(out).toEqual({ calls: [ok('a')], sql: SQL_OK });
    expect(attempts).toEqual([
      { ids: ['a'], sql: true },
      { ids: [], sql: true },
    ]);
  });

  it('answers the lock still held at the busy timeout, after backing off up to 50 ms', () => {
    const { writer } = scripted([() => BUSY]);
    const t = fakeTime();
    const out = writeGroupWaiting(writer, group(['a', 'b']), 1000, t.sleep, t.now);
    expect(ids(out)).toEqual(['SQLITE_BUSY', 'SQLITE_BUSY']);
    expect(t.now()).toBe(1000);
    expect(t.slept.slice(0, 7)).toEqual([1, 2, 4, 8, 16, 32, 50]);
  });

  it('answers other failures at once', () => {
    const full = { error: { message: 'disk full', sqliteCode: 'SQLITE_FULL' } };
    const { writer, attempts } = scripted([(id) => (id === 'a' ? full : ok(id))]);
    const t = fakeTime();
    const out = writeGroupWaiting(writer, group(['a', 'b']), 30_000, t.sleep, t.now);
    expect(out.calls).toEqual([full, ok('b')]);
    expect(attempts).toHaveLength(1);
    expect(t.slept).toEqual([]);
  });
});
