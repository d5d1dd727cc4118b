/**
 * The numbers behind the dashboard's overview: event rate over time by kind (event.category),
 * top sources, users and client addresses with failures, sources gone silent, the ledger's latest
 * checkpoint and its replicas' cosignatures. Read straight from the SQLite tables with indexed
 * queries (timings in docs/benchmarks.md, "Dashboard").
 */
import type Database from 'better-sqlite3';
import type { SourceStats } from '../storage/types.js';

export interface RateSeries {
  readonly fromMs: number;
  readonly toMs: number;
  readonly bucketMs: number;
  /** Kinds (event.category) in order of total volume, largest first. */
  readonly kinds: readonly string[];
  /** counts[kindIndex][bucketIndex]. */
  readonly counts: readonly (readonly number[])[];
}

export interface Ranked {
  readonly value: string;
  readonly count: number;
}

export interface SilenceRow {
  readonly source: string;
  readonly lastSeenMs: number;
  /** The source's usual gap between commits (ms), from its history. */
  readonly usualGapMs: number;
  readonly silent: boolean;
}

export interface SilencePolicy {
  readonly factor: number;
  readonly minSilenceMs: number;
  readonly minEvents: number;
}

/** Buckets chosen so a chart has at most ~120 columns. */
export function bucketFor(rangeMs: number): number {
  const steps = [60_000, 300_000, 900_000, 3_600_000, 10_800_000, 21_600_000, 86_400_000];
  return steps.find((s) => rangeMs / s <= 120) ?? 86_400_000;
}

export function eventRate(db: Database.Database, fromMs: number, toMs: number): RateSeries {
  const bucketMs = bucketFor(toMs - fromMs);
  const start = Math.floor(fromMs / bucketMs) * bucketMs;
  const n = Math.ceil((toMs - start) / bucketMs);
  // `body IS NOT NULL` lets SQLite use the partial index events_time. Bound JS numbers arrive as
  // REAL, hence the CAST to whole buckets.
  const rows = db
    .prepare(
      `SELECT CAST((time_ms - ?) / ? AS INTEGER) AS b, COALESCE(category, 'other') AS k, COUNT(*) AS c
         FROM events WHERE time_ms >= ? AND time_ms < ? AND body IS NOT NULL
        GROUP BY b, k`,
    )
    .all(start, bucketMs, start, toMs) as { b: number; k: string; c: number }[];
  const totals = new Map<string, number>();
  for (const r of rows) totals.set(r.k, (totals.get(r.k) ?? 0) + r.c);
  const kinds = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
  const index = new Map(kinds.map((k, i) => [k, i]));
  const counts = kinds.map(() => new Array<number>(n).fill(0));
  for (const r of rows) {
    const row = counts[index.get(r.k)!]!;
    if (r.b >= 0 && r.b < n) row[r.b] = (row[r.b] ?? 0) + r.c;
  }
  return { fromMs: start, toMs, bucketMs, kinds, counts };
}

/** Users and client addresses with the most failed events (event.outcome failure) since fromMs. */
export function topFailures(
  db: Database.Database,
  fromMs: number,
  limit = 10,
): { users: Ranked[]; ips: Ranked[] } {
  const q = (col: 'user_id' | 'client_address') =>
    db
      .prepare(
        `SELECT ${col} AS value, COUNT(*) AS count FROM events
          WHERE time_ms >= ? AND body IS NOT NULL AND outcome = 'failure' AND ${col} IS NOT NULL
          GROUP BY ${col} ORDER BY count DESC, value LIMIT ?`,
      )
      .all(fromMs, limit) as Ranked[];
  return { users: q('user_id'), ips: q('client_address') };
}

/**
 * Silence as the detection engine judges it (src/detection/silence): a source is silent when the
 * time since it was last seen exceeds `factor` times its usual gap and at least `minSilenceMs`,
 * once it has sent `minEvents`. Computed from the store's per-source counters, so the dashboard
 * shows it even when detection is off.
 */
export function silenceOf(s: SourceStats, nowMs: number, p: SilencePolicy): SilenceRow {
  const span = Math.max(0, s.lastSeenMs - s.firstSeenMs);
  const usualGapMs = s.events > 1 ? span / (s.events - 1) : 0;
  const quietMs = nowMs - s.lastSeenMs;
  const silent =
    s.events >= p.minEvents && quietMs > Math.max(p.minSilenceMs, p.factor * usualGapMs);
  return { source: s.source, lastSeenMs: s.lastSeenMs, usualGapMs, silent };
}

export interface LedgerStatus {
  readonly checkpoint: { size: number; root: string; timeMs: number } | null;
  /** Per cosigner (replica): the largest tree size it cosigned and when it was received. */
  readonly replicas: readonly { cosigner: string; size: number; receivedMs: number }[];
  /** Events stored but not yet covered by a checkpoint. */
  readonly uncovered: number;
}

const hasTable = (db: Database.Database, name: string): boolean =>
  db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !==
  undefined;

/** Read-only view of the ledger tables (undefined when the ledger has never run here). */
export function ledgerStatus(db: Database.Database, storeSize: number): LedgerStatus | undefined {
  if (!hasTable(db, 'ledger_checkpoints')) return undefined;
  const cp = db
    .prepare('SELECT size, root, time_ms FROM ledger_checkpoints ORDER BY id DESC LIMIT 1')
    .get() as { size: number; root: Buffer; time_ms: number } | undefined;
  const replicas = hasTable(db, 'ledger_cosignatures')
    ? (db
        .prepare(
          'SELECT cosigner, MAX(size) AS size, MAX(received_ms) AS receivedMs FROM ledger_cosignatures GROUP BY cosigner ORDER BY cosigner',
        )
        .all() as { cosigner: string; size: number; receivedMs: number }[])
    : [];
  return {
    checkpoint: cp ? { size: cp.size, root: cp.root.toString('base64'), timeMs: cp.time_ms } : null,
    replicas,
    uncovered: Math.max(0, storeSize - (cp?.size ?? 0)),
  };
}
