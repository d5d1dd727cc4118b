/**
 * The read side of the ledger over one store: tree size, roots, inclusion and consistency
 * proofs from the persisted tiles, and the signed checkpoints. This is the API a forwarder
 * (entries [from, to) plus the checkpoint covering them, and a consistency proof from what a
 * replica holds) and `prove` use.
 *
 * @example
 * const ledger = openLedger(store);
 * const cp = ledger.checkpoints.latest()!;
 * const proof = ledger.inclusionProof(42, cp.size);
 * const cons = ledger.consistencyProof(replicaSize, cp.size);
 */
import { LogwardenError } from '../core/errors.js';
import type { StoredEvent } from '../storage/index.js';
import { type CheckpointLog, openCheckpointLog } from './checkpoint-log.js';
import { consistencyProof, inclusionProof, rangeHash } from './proofs.js';
import type { EncodedFrames } from './replica-batch.js';
import { type LedgerBackingStore, type Tiles, openTiles } from './tiles.js';

export interface Ledger {
  readonly store: LedgerBackingStore;
  readonly tiles: Tiles;
  readonly checkpoints: CheckpointLog;
  /** Entries folded into the persisted tree (= size of the newest own checkpoint). */
  treeSize(): number;
  /** MTH of the first `size` entries, for size <= treeSize(). */
  rootAt(size: number): Buffer;
  inclusionProof(index: number, size: number): Buffer[];
  consistencyProof(size1: number, size2: number): Buffer[];
  /** Stored entries [from, to), in order, capped at `to <= treeSize()` (signed entries only). */
  entries(from: number, to: number): StoredEvent[];
  /**
   * Signed entries [from, to) as replication frames (replica-batch.ts), from one query over the
   * stored bytes and leaf hashes. The last ranges read are kept: forwarders at the same cursor
   * (every replica of a healthy origin) read it once.
   */
  frames(from: number, to: number): EncodedFrames;
}

export function openLedger(store: LedgerBackingStore): Ledger {
  const tiles = openTiles(store);
  const checkpoints = openCheckpointLog(store.db);
  const read = tiles.nodeReader();
  // `events.body` / `events.leaf_hash` are the ledger contract of the SQLite store (schema.ts).
  // SQLite builds the frames itself (replica-batch.ts: u32 BE length, 0x00, the body's UTF-8
  // bytes; or 0x01 and the leaf hash of a pruned body): no row objects, no JS string per body
  // (3x faster than encoding rows in JS on the bench machine).
  const frameBlob = store.db.prepare(
    `SELECT count(*) AS n, min(seq) AS lo, max(seq) AS hi, CAST(group_concat(
       CASE WHEN body IS NULL THEN x'0000002101' || leaf_hash
       ELSE unhex(printf('%08X', length(CAST(body AS BLOB)) + 1)) || x'00' || body END,
       x'' ORDER BY seq) AS BLOB) AS f
     FROM events WHERE seq >= ? AND seq < ?`,
  );
  // The last few ranges read: forwarders a batch apart still find theirs (a few MB at most).
  const recentFrames: { from: number; to: number; frames: EncodedFrames }[] = [];
  const within = (what: string, size: number): void => {
    const n = tiles.treeSize();
    if (!Number.isSafeInteger(size) || size < 0 || size > n) {
      throw new LogwardenError(
        'LW_LEDGER_INVALID',
        `${what}: size ${String(size)} is beyond the signed tree size ${n}`,
      );
    }
  };
  return {
    store,
    tiles,
    checkpoints,
    treeSize: () => tiles.treeSize(),
    rootAt(size) {
      within('root', size);
      return rangeHash(read, 0, size);
    },
    inclusionProof(index, size) {
      within('inclusion proof', size);
      return inclusionProof(read, index, size);
    },
    consistencyProof(size1, size2) {
      within('consistency proof', size2);
      return consistencyProof(read, size1, size2);
    },
    entries(from, to) {
      const end = Math.min(to, tiles.treeSize());
      return end > from ? store.range(from, end) : [];
    },
    frames(from, to) {
      const end = Math.min(to, tiles.treeSize());
      const hit = recentFrames.find((f) => f.from === from && f.to === end);
      if (hit !== undefined) return hit.frames;
      const count = Math.max(0, end - from);
      const r = frameBlob.get(from, end) as { n: number; lo: number; hi: number; f: Buffer | null };
      if (r.n !== count || (count > 0 && (r.lo !== from || r.hi !== end - 1)))
        throw new LogwardenError(
          'LW_LEDGER_INCOMPLETE',
          `ledger: entries [${from}, ${end}) are signed but ${r.n} are stored`,
        );
      const frames: EncodedFrames = { count, bytes: r.f ?? Buffer.alloc(0) };
      recentFrames.push({ from, to: end, frames });
      if (recentFrames.length > 4) recentFrames.shift();
      return frames;
    },
  };
}
