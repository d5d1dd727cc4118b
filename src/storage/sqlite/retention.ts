/**
 * Retention: the body of an event older than its category's cut-off is removed, and with it the
 * personal data kept in columns (client address, user id) and its full-text row. seq, id, time,
 * name, source and the leaf hash stay, so the ledger still verifies and a pruned range reads as
 * pruned (body null), not missing (ARCHITECTURE §4).
 *
 * Work is done in small transactions (`batchSize` rows) with a turn of the event loop between
 * them, so appends keep committing while a large prune runs.
 */
import type Database from 'better-sqlite3';
import { LogwardenError } from '../../core/errors.js';
import type { RetentionPolicy } from '../types.js';

const DAY_MS = 86_400_000;

/** Defaults (issue 2): security categories 400 days, plain access and `log` events 30 days. */
export const DEFAULT_RETENTION: RetentionPolicy = { days: { default: 400, http: 30, log: 30 } };

export interface PruneOptions {
  /** Rows per transaction. */
  readonly batchSize?: number;
}

function checkPolicy(policy: RetentionPolicy): Array<[string, number]> {
  const days = policy?.days as Record<string, unknown> | undefined;
  if (days === undefined || days === null || typeof days !== 'object') {
    throw new LogwardenError(
      'LW_CONFIG_INVALID',
      'retention.days: expected a map of category to days',
    );
  }
  const out: Array<[string, number]> = [];
  for (const [k, v] of Object.entries(days)) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new LogwardenError(
        'LW_CONFIG_INVALID',
        `retention.days.${k}: expected a number of days >= 0, got ${JSON.stringify(v)}`,
      );
    }
    out.push([k, v]);
  }
  if (!out.some(([k]) => k === 'default')) {
    throw new LogwardenError(
      'LW_CONFIG_INVALID',
      'retention.days.default: missing (days for categories not listed)',
    );
  }
  return out;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function pruneEvents(
  db: Database.Database,
  policy: RetentionPolicy,
  nowMs: number,
  options: PruneOptions = {},
): Promise<number> {
  const rules = checkPolicy(policy);
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 1000));
  const named = rules.filter(([k]) => k !== 'default');
  const defaultDays = rules.find(([k]) => k === 'default')?.[1] as number;
  // The time index is partial (body IS NOT NULL): pruned rows have left it, so each query only
  // walks live rows older than the cut-off.
  const pick = (where: string) =>
    db
      .prepare(
        `SELECT seq FROM events WHERE body IS NOT NULL AND time_ms < ? AND ${where} LIMIT ${batchSize}`,
      )
      .pluck();
  const targets: Array<{ stmt: Database.Statement; params: unknown[] }> = named.map(
    ([category, days]) => ({
      stmt: pick('category = ?'),
      params: [nowMs - days * DAY_MS, category],
    }),
  );
  targets.push({
    stmt: pick(
      named.length === 0
        ? '1'
        : `(category IS NULL OR category NOT IN (${named.map(() => '?').join(', ')}))`,
    ),
    params: [nowMs - defaultDays * DAY_MS, ...named.map(([c]) => c)],
  });
  const clear = db.prepare(
    'UPDATE events SET body = NULL, client_address = NULL, user_id = NULL WHERE seq = ?',
  );
  const unindex = db.prepare('DELETE FROM events_fts WHERE rowid = ?');
  const batch = db.transaction((seqs: number[]) => {
    for (const s of seqs) {
      clear.run(s);
      unindex.run(s);
    }
  });
  let pruned = 0;
  for (const t of targets) {
    for (;;) {
      const seqs = t.stmt.all(...t.params) as number[];
      if (seqs.length === 0) break;
      batch.immediate(seqs);
      pruned += seqs.length;
      if (seqs.length < batchSize) break;
      await tick();
    }
  }
  return pruned;
}
