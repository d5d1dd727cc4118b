/**
 * Full-text catch-up: indexes `message` and `log.original` of events past a cursor kept in
 * `store_state` (advanced in the same transaction as the rows it covers, so a crash never skips or
 * repeats a row). Used by the background mode after each commit and, in both modes, at open and
 * close to make the index complete.
 */
import type Database from 'better-sqlite3';

export interface FtsIndexer {
  /** Index up to `maxRows` events past the cursor in one transaction; returns how many seqs it covered. */
  step(maxRows: number): number;
  /** Seqs below this are indexed. */
  cursor(): number;
}

export function createFtsIndexer(db: Database.Database): FtsIndexer {
  const getCursor = db
    .prepare("SELECT value FROM store_state WHERE key = 'fts_indexed_seq'")
    .pluck();
  const setCursor = db.prepare("UPDATE store_state SET value = ? WHERE key = 'fts_indexed_seq'");
  const maxSeq = db.prepare('SELECT max(seq) FROM events').pluck();
  const rows = db.prepare(
    `SELECT seq, json_extract(body, '$."message"') AS message, json_extract(body, '$."log.original"') AS original
     FROM events WHERE seq >= ? AND seq < ? AND body IS NOT NULL`,
  );
  const insert = db.prepare('INSERT INTO events_fts (rowid, message, original) VALUES (?, ?, ?)');

  const step = db.transaction((maxRows: number): number => {
    const from = getCursor.get() as number;
    const m = maxSeq.get() as number | null;
    const end = m === null ? 0 : Math.min(m + 1, from + maxRows);
    if (end <= from) return 0;
    for (const r of rows.all(from, end) as Array<{
      seq: number;
      message: unknown;
      original: unknown;
    }>) {
      const message = typeof r.message === 'string' ? r.message : null;
      const original = typeof r.original === 'string' ? r.original : null;
      if (message !== null || original !== null) insert.run(r.seq, message, original);
    }
    setCursor.run(end);
    return end - from;
  });

  return {
    step: (maxRows) => step.immediate(maxRows),
    cursor: () => getCursor.get() as number,
  };
}
