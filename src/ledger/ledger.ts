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
import { type EncodedFrames, encodeFrames } from './replica-batch.js';
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
   * stored bytes and leaf hashes. The last range read is kept: forwarders at the same cursor
   * (every replica of a healthy origin) read and encode it once.
   */
  frames(from: number, to: number): EncodedFrames;
}

export function openLedger(store: LedgerBackingStore): Ledger {
  const tiles = openTiles(store);
  const checkpoints = openCheckpointLog(store.db);
  const read = tiles.nodeReader();
  // `events.body` / `events.leaf_hash` are the ledger contract of the SQLite store (schema.ts);
  // the body comes back as its UTF-8 bytes, never as a JS string.
  const frameRows = store.db
    .prepare(
      'SELECT CAST(body AS BLOB) AS body, leaf_hash AS leafHash FROM events WHERE seq >= ? AND seq < ? ORDER BY seq',
    )
    .raw();
  let lastFrames: { from: number; to: number; frames: EncodedFrames } | undefined;
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
      if (lastFrames !== undefined && lastFrames.from === from && lastFrames.to === end)
        return lastFrames.frames;
      const rows = end > from ? (frameRows.all(from, end) as [Buffer | null, Buffer][]) : [];
      if (rows.length !== Math.max(0, end - from))
        throw new LogwardenError(
          'LW_LEDGER_INCOMPLETE',
          `ledger: entries [${from}, ${end}) are signed but ${rows.length} are stored`,
        );
      const frames = encodeFrames(rows.map(([body, leafHash]) => ({ body, leafHash })));
      lastFrames = { from, to: end, frames };
      return frames;
    },
  };
}
