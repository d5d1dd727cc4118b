/**
 * The write transaction of one group commit: every append call gathered since the last commit is
 * written in ONE transaction (one WAL fsync with synchronous=FULL), seq numbers assigned gap-free
 * from max(seq)+1 read inside the transaction, duplicates resolved to the original's seq, the
 * per-source counters updated, and (inline mode) the full-text rows added.
 */
import type Database from 'better-sqlite3';
import { LogwardenError } from '../../core/errors.js';
import type { AppendResult } from '../types.js';
import type { EventRow } from './event-rows.js';

export interface Writer {
  /** Write the calls' rows in one transaction; results per call, in order. */
  write(
    calls: ReadonlyArray<readonly EventRow[]>,
    nowMs: number,
    indexText: boolean,
  ): AppendResult[][];
  /** Next seq to assign (= number of stored positions). */
  size(): number;
}

export function createWriter(db: Database.Database): Writer {
  const maxSeq = db.prepare('SELECT max(seq) AS m FROM events').pluck();
  const insert = db.prepare(
    `INSERT INTO events (seq, id, time_ms, name, category, severity, outcome, status, client_address, user_id, source, leaf_hash, body)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
  );
  const seqOf = db.prepare('SELECT seq FROM events WHERE id = ?').pluck();
  const fts = db.prepare('INSERT INTO events_fts (rowid, message, original) VALUES (?, ?, ?)');
  const ftsCursor = db.prepare(
    "UPDATE store_state SET value = ? WHERE key = 'fts_indexed_seq' AND value = ?",
  );
  const source = db.prepare(
    `INSERT INTO sources (source, first_seen_ms, last_seen_ms, events, unparsed) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (source) DO UPDATE SET
       first_seen_ms = min(first_seen_ms, excluded.first_seen_ms),
       last_seen_ms = max(last_seen_ms, excluded.last_seen_ms),
       events = events + excluded.events,
       unparsed = unparsed + excluded.unparsed`,
  );

  const guardedInsert = (index: number, r: EventRow, values: unknown[]): Database.RunResult => {
    try {
      return insert.run(...values);
    } catch (e) {
      // The CHECK (json_valid(body)) constraint: a caller bug, named like any other bad event.
      if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_CHECK') {
        throw new LogwardenError(
          'LW_EVENT_INVALID',
          `event #${index} (id ${JSON.stringify(r.id)}): body is not valid JSON`,
          {
            cause: e,
            details: { index, id: r.id },
          },
        );
      }
      throw e;
    }
  };

  const size = (): number => {
    const m = maxSeq.get() as number | null;
    return m === null ? 0 : m + 1;
  };

  const run = (
    calls: ReadonlyArray<readonly EventRow[]>,
    nowMs: number,
    indexText: boolean,
  ): AppendResult[][] => {
    const first = size();
    let next = first;
    const fresh = new Map<string, number>();
    const perSource = new Map<string, { events: number; unparsed: number }>();
    const out = calls.map((rows) =>
      rows.map((r, index): AppendResult => {
        const already = fresh.get(r.id);
        if (already !== undefined) return { id: r.id, seq: already, duplicate: true };
        const res = guardedInsert(index, r, [
          next,
          r.id,
          r.timeMs,
          r.name,
          r.category,
          r.severity,
          r.outcome,
          r.status,
          r.clientAddress,
          r.userId,
          r.source,
          r.leafHash,
          r.body,
        ]);
        if (res.changes === 0) return { id: r.id, seq: seqOf.get(r.id) as number, duplicate: true };
        const seq = next++;
        fresh.set(r.id, seq);
        if (indexText && (r.message !== null || r.original !== null))
          fts.run(seq, r.message, r.original);
        const s = perSource.get(r.source) ?? { events: 0, unparsed: 0 };
        s.events++;
        if (r.unparsed) s.unparsed++;
        perSource.set(r.source, s);
        return { id: r.id, seq, duplicate: false };
      }),
    );
    // Inline indexing keeps the background cursor in step, so the mode can change between runs.
    if (indexText && next > first) ftsCursor.run(next, first);
    for (const [name, s] of perSource) source.run(name, nowMs, nowMs, s.events, s.unparsed);
    return out;
  };
  const txn = db.transaction(run);

  return {
    write: (calls, nowMs, indexText) => txn.immediate(calls, nowMs, indexText),
    size,
  };
}
