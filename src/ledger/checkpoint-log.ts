/**
 * The `ledger_checkpoints` table: every checkpoint the log signed, kept forever (a later
 * checkpoint never replaces an earlier one: together they are the log's signed history, and
 * two different roots for one size are fork evidence).
 *
 * @example
 * const log = openCheckpointLog(tiles.db);
 * log.latest()?.size;
 */
import type Database from 'better-sqlite3';
import type { SqlWrite } from '../storage/index.js';

export interface StoredCheckpoint {
  readonly id: number;
  readonly size: number;
  readonly root: Buffer;
  /** The signed note text, exactly as signed. */
  readonly note: string;
  /** When it was signed (ms since the epoch). */
  readonly timeMs: number;
}

export interface CheckpointLog {
  insert(cp: Omit<StoredCheckpoint, 'id'>): StoredCheckpoint;
  /** The same insert as a statement (LedgerBackingStore.writeWith); its last rowid is the id. */
  insertWrite(cp: Omit<StoredCheckpoint, 'id'>): SqlWrite;
  latest(): StoredCheckpoint | undefined;
  /** The newest checkpoint of exactly this size. */
  at(size: number): StoredCheckpoint | undefined;
  /** Every checkpoint of this size (more than one root is a fork). */
  allAt(size: number): StoredCheckpoint[];
  /** The smallest checkpoint whose size is > index: the first that covers entry `index`. */
  covering(index: number): StoredCheckpoint | undefined;
  /** The largest checkpoint with from < size <= to (the newest of that size), if any. */
  latestWithin(from: number, to: number): StoredCheckpoint | undefined;
  /** In signing order; `afterId` pages. */
  list(afterId?: number, limit?: number): StoredCheckpoint[];
}

type Row = { id: number; size: number; root: Buffer; note: string; time_ms: number };
const toCp = (r: Row): StoredCheckpoint => ({
  id: r.id,
  size: r.size,
  root: r.root,
  note: r.note,
  timeMs: r.time_ms,
});
const COLS = 'id, size, root, note, time_ms';

export function openCheckpointLog(db: Database.Database): CheckpointLog {
  const INSERT = 'INSERT INTO ledger_checkpoints (size, root, note, time_ms) VALUES (?, ?, ?, ?)';
  const ins = db.prepare(INSERT);
  const latest = db.prepare(`SELECT ${COLS} FROM ledger_checkpoints ORDER BY id DESC LIMIT 1`);
  const at = db.prepare(`SELECT ${COLS} FROM ledger_checkpoints WHERE size = ? ORDER BY id DESC`);
  const covering = db.prepare(
    `SELECT ${COLS} FROM ledger_checkpoints WHERE size > ? ORDER BY size, id LIMIT 1`,
  );
  const within = db.prepare(
    `SELECT ${COLS} FROM ledger_checkpoints WHERE size > ? AND size <= ? ORDER BY size DESC, id DESC LIMIT 1`,
  );
  const list = db.prepare(
    `SELECT ${COLS} FROM ledger_checkpoints WHERE id > ? ORDER BY id LIMIT ?`,
  );
  return {
    insert(cp) {
      const r = ins.run(cp.size, cp.root, cp.note, cp.timeMs);
      return { id: Number(r.lastInsertRowid), ...cp };
    },
    insertWrite: (cp) => ({ sql: INSERT, params: [cp.size, cp.root, cp.note, cp.timeMs] }),
    latest: () => {
      const r = latest.get() as Row | undefined;
      return r && toCp(r);
    },
    at: (size) => {
      const r = at.get(size) as Row | undefined;
      return r && toCp(r);
    },
    allAt: (size) => (at.all(size) as Row[]).map(toCp),
    covering: (index) => {
      const r = covering.get(index) as Row | undefined;
      return r && toCp(r);
    },
    latestWithin: (from, to) => {
      const r = within.get(from, to) as Row | undefined;
      return r && toCp(r);
    },
    list: (afterId = 0, limit = 1000) => (list.all(afterId, limit) as Row[]).map(toCp),
  };
}
