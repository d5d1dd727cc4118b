/**
 * A replica's copy of its origins' ledgers, in its own database (migration namespace
 * `replica`): entries keyed by (origin, index) — idempotent —, every checkpoint it accepted, the
 * head per origin (size, root, the compact-range frontier to extend, the note it cosigned), and
 * fork evidence: conflicting entries and checkpoints, kept, never applied.
 */
import type { LedgerBackingStore } from '../../ledger/tiles.js';

export const REPLICA_MIGRATIONS = [
  `CREATE TABLE replica_entries (
    origin TEXT NOT NULL,
    idx INTEGER NOT NULL,
    body TEXT,
    leaf_hash BLOB NOT NULL,
    PRIMARY KEY (origin, idx)
  ) WITHOUT ROWID;
  CREATE TABLE replica_heads (
    origin TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    root BLOB NOT NULL,
    frontier TEXT NOT NULL,
    cosigned TEXT NOT NULL,
    updated_ms INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE replica_checkpoints (
    origin TEXT NOT NULL,
    size INTEGER NOT NULL,
    root BLOB NOT NULL,
    note TEXT NOT NULL,
    received_ms INTEGER NOT NULL,
    PRIMARY KEY (origin, size, root)
  ) WITHOUT ROWID;
  CREATE TABLE replica_fork_evidence (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    origin TEXT NOT NULL,
    idx INTEGER,
    reason TEXT NOT NULL,
    held_leaf BLOB,
    offered_leaf BLOB,
    offered_body TEXT,
    held_note TEXT,
    offered_note TEXT NOT NULL,
    received_ms INTEGER NOT NULL
  );`,
];

export interface ReplicaHead {
  readonly size: number;
  readonly root: Buffer;
  readonly frontier: string;
  readonly cosigned: string;
}

export interface ReplicaEntry {
  readonly index: number;
  /** The exact stored bytes (a Buffer as received, a string when read back), null when pruned. */
  readonly body: string | Buffer | null;
  readonly leafHash: Buffer;
}

export interface ForkEvidence {
  readonly origin: string;
  readonly index: number | null;
  readonly reason: string;
  readonly heldLeaf?: Buffer | undefined;
  readonly offeredLeaf?: Buffer | undefined;
  readonly offeredBody?: string | null | undefined;
  readonly heldNote?: string | undefined;
  readonly offeredNote: string;
}

export interface ReplicaStore {
  head(origin: string): ReplicaHead | undefined;
  origins(): { origin: string; size: number; updatedMs: number }[];
  leafHashes(origin: string, from: number, to: number): Buffer[];
  entries(origin: string, from: number, to: number): (ReplicaEntry & { body: string | null })[];
  checkpoints(origin: string): { size: number; root: Buffer; note: string }[];
  /** Store new entries, the checkpoint and the new head in one transaction. */
  commit(
    origin: string,
    from: number,
    entries: readonly ReplicaEntry[],
    cp: { size: number; root: Buffer; note: string },
    head: ReplicaHead,
    nowMs: number,
  ): void;
  /** Returns true when this evidence is new (same index/note/reason not yet kept). */
  addEvidence(e: ForkEvidence, nowMs: number): boolean;
  evidence(origin?: string): (ForkEvidence & { id: number })[];
}

export function openReplicaStore(store: LedgerBackingStore): ReplicaStore {
  store.migrate('replica', REPLICA_MIGRATIONS);
  const db = store.db;
  const headQ = db.prepare(
    'SELECT size, root, frontier, cosigned FROM replica_heads WHERE origin = ?',
  );
  const originsQ = db.prepare(
    'SELECT origin, size, updated_ms AS updatedMs FROM replica_heads ORDER BY origin',
  );
  const leavesQ = db.prepare(
    'SELECT leaf_hash FROM replica_entries WHERE origin = ? AND idx >= ? AND idx < ? ORDER BY idx',
  );
  const entriesQ = db.prepare(
    'SELECT idx, body, leaf_hash FROM replica_entries WHERE origin = ? AND idx >= ? AND idx < ? ORDER BY idx',
  );
  const cpsQ = db.prepare(
    'SELECT size, root, note FROM replica_checkpoints WHERE origin = ? ORDER BY size',
  );
  const insEntry = db.prepare(
    // CAST: a body received as bytes is stored as the same TEXT bytes, never turned into a JS string.
    'INSERT OR IGNORE INTO replica_entries (origin, idx, body, leaf_hash) VALUES (?, ?, CAST(? AS TEXT), ?)',
  );
  const insCp = db.prepare(
    'INSERT OR IGNORE INTO replica_checkpoints (origin, size, root, note, received_ms) VALUES (?, ?, ?, ?, ?)',
  );
  const upHead = db.prepare(
    `INSERT INTO replica_heads (origin, size, root, frontier, cosigned, updated_ms) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT(origin) DO UPDATE SET size = excluded.size, root = excluded.root,
       frontier = excluded.frontier, cosigned = excluded.cosigned, updated_ms = excluded.updated_ms`,
  );
  const evSeen = db.prepare(
    'SELECT 1 FROM replica_fork_evidence WHERE origin = ? AND idx IS ? AND reason = ? AND offered_note = ? LIMIT 1',
  );
  const insEv = db.prepare(
    `INSERT INTO replica_fork_evidence (origin, idx, reason, held_leaf, offered_leaf, offered_body, held_note, offered_note, received_ms)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const evQ = db.prepare(
    'SELECT * FROM replica_fork_evidence WHERE (? IS NULL OR origin = ?) ORDER BY id',
  );
  const commitTx = db.transaction(
    (
      origin: string,
      from: number,
      entries: readonly ReplicaEntry[],
      cp: { size: number; root: Buffer; note: string },
      head: ReplicaHead,
      nowMs: number,
    ) => {
      for (const e of entries) insEntry.run(origin, e.index, e.body, e.leafHash);
      insCp.run(origin, cp.size, cp.root, cp.note, nowMs);
      upHead.run(origin, head.size, head.root, head.frontier, head.cosigned, nowMs);
      void from;
    },
  );
  type EvRow = {
    id: number;
    origin: string;
    idx: number | null;
    reason: string;
    held_leaf: Buffer | null;
    offered_leaf: Buffer | null;
    offered_body: string | null;
    held_note: string | null;
    offered_note: string;
  };
  return {
    head: (origin) => headQ.get(origin) as ReplicaHead | undefined,
    origins: () => originsQ.all() as { origin: string; size: number; updatedMs: number }[],
    leafHashes: (origin, from, to) =>
      (leavesQ.all(origin, from, to) as { leaf_hash: Buffer }[]).map((r) => r.leaf_hash),
    entries: (origin, from, to) =>
      (
        entriesQ.all(origin, from, to) as { idx: number; body: string | null; leaf_hash: Buffer }[]
      ).map((r) => ({ index: r.idx, body: r.body, leafHash: r.leaf_hash })),
    checkpoints: (origin) => cpsQ.all(origin) as { size: number; root: Buffer; note: string }[],
    commit(origin, from, entries, cp, head, nowMs) {
      commitTx.immediate(origin, from, entries, cp, head, nowMs);
    },
    addEvidence(e, nowMs) {
      if (evSeen.get(e.origin, e.index, e.reason, e.offeredNote) !== undefined) return false;
      insEv.run(
        e.origin,
        e.index,
        e.reason,
        e.heldLeaf ?? null,
        e.offeredLeaf ?? null,
        e.offeredBody ?? null,
        e.heldNote ?? null,
        e.offeredNote,
        nowMs,
      );
      return true;
    },
    evidence: (origin) =>
      (evQ.all(origin ?? null, origin ?? null) as EvRow[]).map((r) => ({
        id: r.id,
        origin: r.origin,
        index: r.idx,
        reason: r.reason,
        heldLeaf: r.held_leaf ?? undefined,
        offeredLeaf: r.offered_leaf ?? undefined,
        offeredBody: r.offered_body,
        heldNote: r.held_note ?? undefined,
        offeredNote: r.offered_note,
      })),
  };
}
