/**
 * Persisted forwarder cursors (table `forwarders`, in the store's database): per destination,
 * the next ledger index to deliver. Written only after the destination acknowledged, so delivery
 * is at-least-once across crashes on either side; destinations are idempotent on (origin, index).
 *
 * @example
 * const cursors = openCursors(store); cursors.get('replica-a'); cursors.set('replica-a', 1200);
 */
import { type LedgerBackingStore, commitWrites } from '../ledger/tiles.js';

export interface CursorRow {
  readonly next: number;
  readonly updatedMs: number;
}

export interface Cursors {
  get(name: string): CursorRow;
  set(name: string, next: number, nowMs?: number): void;
  /** The same with the store's next group commit when it offers writeWith; resolves once durable. */
  setAsync(name: string, next: number, nowMs?: number): Promise<void>;
  list(): ({ name: string } & CursorRow)[];
}

export function openCursors(store: LedgerBackingStore): Cursors {
  store.migrate('forwarders', [
    `CREATE TABLE forwarders (
      name TEXT PRIMARY KEY,
      next_index INTEGER NOT NULL,
      updated_ms INTEGER NOT NULL
    ) STRICT`,
  ]);
  const db = store.db;
  const sel = db.prepare('SELECT next_index, updated_ms FROM forwarders WHERE name = ?');
  const UPSERT = `INSERT INTO forwarders (name, next_index, updated_ms) VALUES (?, ?, ?)
     ON CONFLICT(name) DO UPDATE SET next_index = excluded.next_index, updated_ms = excluded.updated_ms`;
  const up = db.prepare(UPSERT);
  const all = db.prepare('SELECT name, next_index, updated_ms FROM forwarders ORDER BY name');
  type Row = { name: string; next_index: number; updated_ms: number };
  return {
    get(name) {
      const r = sel.get(name) as Row | undefined;
      return { next: r?.next_index ?? 0, updatedMs: r?.updated_ms ?? 0 };
    },
    set(name, next, nowMs = Date.now()) {
      up.run(name, next, nowMs);
    },
    async setAsync(name, next, nowMs = Date.now()) {
      await commitWrites(store, [{ sql: UPSERT, params: [name, next, nowMs] }]);
    },
    list: () =>
      (all.all() as Row[]).map((r) => ({
        name: r.name,
        next: r.next_index,
        updatedMs: r.updated_ms,
      })),
  };
}
