/**
 * Pre-aggregated counters for the overview: events per minute and per hour by kind
 * (event.category), and failed events per hour by user and by client address. Without them the
 * overview grouped up to a million rows per view: 17.7 s median on a 1,000,000-event store (the
 * failures-by-user query picked the user index and read every row); with them it reads a few
 * thousand counter rows (docs/benchmarks.md, "Dashboard").
 *
 * Maintained from the commit feed: each committed seq range is aggregated straight from the
 * events table (one indexed range scan by seq per batch), with a cursor in the same transaction
 * so a range is never counted twice. On start, whatever was committed since the cursor (all of
 * it, the first time) is counted in chunks. Counters count events as they were stored; retention
 * pruning later does not lower them.
 */
import type Database from 'better-sqlite3';

export const RATE_COUNTER_MIGRATIONS: readonly string[] = [
  `CREATE TABLE dashboard_rate_minute (minute INTEGER NOT NULL, kind TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (minute, kind)) WITHOUT ROWID`,
  `CREATE TABLE dashboard_rate_hour (hour INTEGER NOT NULL, kind TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (hour, kind)) WITHOUT ROWID`,
  `CREATE TABLE dashboard_fail_hour (hour INTEGER NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (hour, field, value)) WITHOUT ROWID`,
  `CREATE TABLE dashboard_counter_state (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL) STRICT`,
  'INSERT INTO dashboard_counter_state (id, seq) VALUES (1, -1)',
];

export interface RateCounters {
  /** Count events with seq in (cursor, toSeq]; returns how many seqs were added. */
  catchUp(toSeq: number): number;
  /** The last seq counted. */
  readonly cursor: number;
}

const CHUNK = 50_000;

export function createRateCounters(
  db: Database.Database,
  migrate: (namespace: string, steps: string[]) => unknown,
): RateCounters {
  migrate('dashboard_counters', [...RATE_COUNTER_MIGRATIONS]);
  // `WHERE` before ON CONFLICT is required by SQLite's grammar for INSERT ... SELECT upserts.
  const stmts = [
    `INSERT INTO dashboard_rate_minute (minute, kind, n)
       SELECT time_ms / 60000, COALESCE(category, 'other'), COUNT(*) FROM events
        WHERE seq >= ? AND seq <= ? GROUP BY 1, 2
       ON CONFLICT (minute, kind) DO UPDATE SET n = n + excluded.n`,
    `INSERT INTO dashboard_rate_hour (hour, kind, n)
       SELECT time_ms / 3600000, COALESCE(category, 'other'), COUNT(*) FROM events
        WHERE seq >= ? AND seq <= ? GROUP BY 1, 2
       ON CONFLICT (hour, kind) DO UPDATE SET n = n + excluded.n`,
    `INSERT INTO dashboard_fail_hour (hour, field, value, n)
       SELECT time_ms / 3600000, 'user', user_id, COUNT(*) FROM events
        WHERE seq >= ? AND seq <= ? AND outcome = 'failure' AND user_id IS NOT NULL GROUP BY 1, 3
       ON CONFLICT (hour, field, value) DO UPDATE SET n = n + excluded.n`,
    `INSERT INTO dashboard_fail_hour (hour, field, value, n)
       SELECT time_ms / 3600000, 'ip', client_address, COUNT(*) FROM events
        WHERE seq >= ? AND seq <= ? AND outcome = 'failure' AND client_address IS NOT NULL GROUP BY 1, 3
       ON CONFLICT (hour, field, value) DO UPDATE SET n = n + excluded.n`,
  ].map((s) => db.prepare(s));
  const setCursor = db.prepare('UPDATE dashboard_counter_state SET seq = ? WHERE id = 1');
  let cursor = (
    db.prepare('SELECT seq FROM dashboard_counter_state WHERE id = 1').get() as { seq: number }
  ).seq;
  const add = db.transaction((from: number, to: number) => {
    for (const s of stmts) s.run(from, to);
    setCursor.run(to);
  });
  return {
    get cursor() {
      return cursor;
    },
    catchUp(toSeq) {
      const start = cursor;
      while (cursor < toSeq) {
        const to = Math.min(toSeq, cursor + CHUNK);
        add(cursor + 1, to);
        cursor = to;
      }
      return cursor - start;
    },
  };
}

export interface CountedRate {
  readonly fromMs: number;
  readonly toMs: number;
  readonly bucketMs: number;
  readonly kinds: readonly string[];
  readonly counts: readonly (readonly number[])[];
}

/** The event rate from the counters (minute table below hour buckets, hour table above). */
export function countedRate(
  db: Database.Database,
  fromMs: number,
  toMs: number,
  bucketMs: number,
): CountedRate {
  const start = Math.floor(fromMs / bucketMs) * bucketMs;
  const n = Math.ceil((toMs - start) / bucketMs);
  const hourly = bucketMs >= 3_600_000 && bucketMs % 3_600_000 === 0;
  const unit = hourly ? 3_600_000 : 60_000;
  const table = hourly ? 'dashboard_rate_hour' : 'dashboard_rate_minute';
  const col = hourly ? 'hour' : 'minute';
  const rows = db
    .prepare(`SELECT ${col} AS u, kind AS k, n FROM ${table} WHERE ${col} >= ? AND ${col} <= ?`)
    .all(Math.floor(start / unit), Math.floor(toMs / unit)) as {
    u: number;
    k: string;
    n: number;
  }[];
  const totals = new Map<string, number>();
  for (const r of rows) totals.set(r.k, (totals.get(r.k) ?? 0) + r.n);
  const kinds = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
  const index = new Map(kinds.map((k, i) => [k, i]));
  const counts = kinds.map(() => new Array<number>(n).fill(0));
  for (const r of rows) {
    const b = Math.floor((r.u * unit - start) / bucketMs);
    const row = counts[index.get(r.k)!]!;
    if (b >= 0 && b < n) row[b] = (row[b] ?? 0) + r.n;
  }
  return { fromMs: start, toMs, bucketMs, kinds, counts };
}

/** Users or addresses with the most failed events since `fromMs` (hour resolution). */
export function countedFailures(
  db: Database.Database,
  fromMs: number,
  limit = 10,
): { users: { value: string; count: number }[]; ips: { value: string; count: number }[] } {
  const q = db.prepare(
    `SELECT value, SUM(n) AS count FROM dashboard_fail_hour WHERE field = ? AND hour >= ?
      GROUP BY value ORDER BY count DESC, value LIMIT ?`,
  );
  const hour = Math.floor(fromMs / 3_600_000);
  return {
    users: q.all('user', hour, limit) as { value: string; count: number }[],
    ips: q.all('ip', hour, limit) as { value: string; count: number }[],
  };
}
