/**
 * A replica's copy of its origins' ledgers, in its own database (migration namespace
 * `replica`): entries by (origin, index) — idempotent: only entries past the held size are
 * stored —, every checkpoint it accepted, the head per origin (size, root, the compact-range
 * frontier to extend, the note it cosigned), and fork evidence: conflicting entries and
 * checkpoints, kept, never applied.
 *
 * Entries are kept per accepted batch (`replica_batches`): the frames exactly as received
 * (ledger/replica-batch.ts: each entry's stored bytes, length-prefixed; a pruned one as its leaf
 * hash) and their leaf hashes, one row per batch. One row instead of one per entry is most of
 * what makes storing cheap for a replica sharing a machine (docs/benchmarks.md); entries() and
 * leafHashes() read any range back.
 */
import type Database from 'better-sqlite3';
import { HASH_SIZE } from '../../ledger/merkle.js';
import { encodeFrames, frameEntry, scanFrames } from '../../ledger/replica-batch.js';
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
  // 2: entries per batch (see above); rows of the per-entry table are moved over, 10,000 a row.
  (db: Database.Database): void => {
    db.exec(`CREATE TABLE replica_batches (
      origin TEXT NOT NULL,
      start INTEGER NOT NULL,
      count INTEGER NOT NULL CHECK (count > 0),
      frames BLOB NOT NULL,
      leaves BLOB NOT NULL CHECK (length(leaves) = 32 * count),
      UNIQUE (origin, start)
    )`);
    const ins = db.prepare(
      'INSERT INTO replica_batches (origin, start, count, frames, leaves) VALUES (?, ?, ?, ?, ?)',
    );
    const origins = db
      .prepare('SELECT DISTINCT origin FROM replica_entries')
      .pluck()
      .all() as string[];
    const rows = db.prepare(
      'SELECT idx, CAST(body AS BLOB) AS body, leaf_hash AS leafHash FROM replica_entries WHERE origin = ? AND idx >= ? ORDER BY idx LIMIT 10000',
    );
    for (const origin of origins) {
      for (let from = 0; ;) {
        const batch = rows.all(origin, from) as {
          idx: number;
          body: Buffer | null;
          leafHash: Buffer;
        }[];
        if (batch.length === 0) break;
        // Stored entries are gap-free from 0 (only entries at the held size are ever added).
        if (batch[0]!.idx !== from || batch[batch.length - 1]!.idx !== from + batch.length - 1)
          throw new Error(`replica_entries of ${origin} have a gap after index ${from}`);
        const f = encodeFrames(batch);
        ins.run(origin, from, batch.length, f.bytes, Buffer.concat(batch.map((b) => b.leafHash)));
        from += batch.length;
      }
    }
    db.exec('DROP TABLE replica_entries');
  },
];

export interface ReplicaHead {
  readonly size: number;
  readonly root: Buffer;
  readonly frontier: string;
  readonly cosigned: string;
}

export interface ReplicaEntry {
  readonly index: number;
  /** The exact stored bytes as UTF-8 text, null when pruned at the origin. */
  readonly body: string | null;
  readonly leafHash: Buffer;
}

/** New entries to store: frames as received (replica-batch.ts) and their leaf hashes. */
export interface ReplicaBatchRows {
  readonly count: number;
  readonly frames: Buffer;
  readonly leaves: Buffer;
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
  entries(origin: string, from: number, to: number): ReplicaEntry[];
  checkpoints(origin: string): { size: number; root: Buffer; note: string }[];
  /** Store new entries [from, from + count), the checkpoint and the new head in one transaction. */
  commit(
    origin: string,
    from: number,
    entries: ReplicaBatchRows,
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
  // The batch holding `from` (the newest starting at or before it), and those after it below `to`.
  const batchesQ = db.prepare(
    `SELECT start, count, frames, leaves FROM replica_batches WHERE origin = @origin
       AND start >= coalesce((SELECT max(start) FROM replica_batches WHERE origin = @origin AND start <= @from), 0)
       AND start < @to ORDER BY start`,
  );
  const leavesQ = db.prepare(
    `SELECT start, count, leaves FROM replica_batches WHERE origin = @origin
       AND start >= coalesce((SELECT max(start) FROM replica_batches WHERE origin = @origin AND start <= @from), 0)
       AND start < @to ORDER BY start`,
  );
  type BatchRow = { start: number; count: number; frames: Buffer; leaves: Buffer };
  const readEntries = (origin: string, from: number, to: number): ReplicaEntry[] => {
    const out: ReplicaEntry[] = [];
    for (const b of batchesQ.all({ origin, from, to }) as BatchRow[]) {
      const f = scanFrames(b.frames, b.count, b.leaves);
      for (let i = Math.max(0, from - b.start); i < b.count && b.start + i < to; i++) {
        const e = frameEntry(f, i);
        out.push({
          index: b.start + i,
          body: e.body === null ? null : e.body.toString('utf8'),
          leafHash: Buffer.from(e.leafHash),
        });
      }
    }
    return out;
  };
  const readLeaves = (origin: string, from: number, to: number): Buffer[] => {
    const out: Buffer[] = [];
    for (const b of leavesQ.all({ origin, from, to }) as Omit<BatchRow, 'frames'>[]) {
      for (let i = Math.max(0, from - b.start); i < b.count && b.start + i < to; i++)
        out.push(b.leaves.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE));
    }
    return out;
  };
  const cpsQ = db.prepare(
    'SELECT size, root, note FROM replica_checkpoints WHERE origin = ? ORDER BY size',
  );
  const insBatch = db.prepare(
    'INSERT OR IGNORE INTO replica_batches (origin, start, count, frames, leaves) VALUES (?, ?, ?, ?, ?)',
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
      entries: ReplicaBatchRows,
      cp: { size: number; root: Buffer; note: string },
      head: ReplicaHead,
      nowMs: number,
    ) => {
      if (entries.count > 0)
        insBatch.run(origin, from, entries.count, entries.frames, entries.leaves);
      insCp.run(origin, cp.size, cp.root, cp.note, nowMs);
      upHead.run(origin, head.size, head.root, head.frontier, head.cosigned, nowMs);
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
    leafHashes: readLeaves,
    entries: readEntries,
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
