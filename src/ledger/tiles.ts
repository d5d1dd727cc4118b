/**
 * Persisted Merkle nodes as C2SP tlog-tiles (c2sp.org/tlog-tiles): a tile at tile level L,
 * index N holds up to 256 hashes of tree level 8L, nodes N*256 .. N*256+w-1 (level-0 tiles
 * hold the leaf hashes). One full tile is written per 256 entries (plus the partial tail tile
 * per checkpoint), so the tree costs ~1/256 of a row per event, and any node of the tree is
 * at most 128 stored hashes away: a proof over millions of entries reads O(log n) tiles and
 * hashes at most a few thousand nodes instead of the whole log.
 *
 * Tables live in the store's database under migration namespace `ledger`.
 *
 * @example
 * const tiles = openTiles(store); // runs the ledger migrations
 * const read = tiles.nodeReader();
 * inclusionProof(read, 5, treeSize);
 */
import type Database from 'better-sqlite3';
import { LogwardenError } from '../core/errors.js';
import type { EventStore, MigrationStep, SqlResult, SqlWrite } from '../storage/index.js';
import { HASH_SIZE, rootFromLeafHashes } from './merkle.js';
import type { NodeReader } from './proofs.js';

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;

/** A store the ledger can keep its tables in: the SQLite store (db + namespaced migrations). */
export interface LedgerBackingStore extends EventStore {
  readonly db: Database.Database;
  migrate(namespace: string, steps: readonly MigrationStep[]): number;
  /**
   * Commit statements with the store's next group commit (SqliteStore.writeWith): no extra
   * fsync, no wait for the write lock on the event loop. Absent: callers write on `db`.
   */
  writeWith?(sql: readonly SqlWrite[]): Promise<SqlResult[]>;
}

/**
 * Commit `sql` with the store's next group commit when it offers writeWith, else on its `db` in
 * one IMMEDIATE transaction (stores without a writer thread); resolves with each statement's
 * changes and last rowid once durable, rejects if any failed (all or nothing).
 */
export async function commitWrites(
  store: LedgerBackingStore,
  sql: readonly SqlWrite[],
): Promise<SqlResult[]> {
  if (store.writeWith !== undefined) return store.writeWith(sql);
  const db = store.db;
  return db
    .transaction(() =>
      sql.map((w) => {
        const r = db.prepare(w.sql).run(...w.params);
        return { changes: r.changes, lastInsertRowid: Number(r.lastInsertRowid) };
      }),
    )
    .immediate();
}

export const LEDGER_NAMESPACE = 'ledger';
export const LEDGER_MIGRATIONS: readonly MigrationStep[] = [
  `CREATE TABLE ledger_tiles (
    level INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    hashes BLOB NOT NULL,
    PRIMARY KEY (level, idx)
  ) WITHOUT ROWID;
  CREATE TABLE ledger_checkpoints (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    size INTEGER NOT NULL,
    root BLOB NOT NULL,
    note TEXT NOT NULL,
    time_ms INTEGER NOT NULL
  );
  CREATE INDEX ledger_checkpoints_size ON ledger_checkpoints (size);
  CREATE TABLE ledger_state (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
  INSERT INTO ledger_state (key, value) VALUES ('tree_size', 0);`,
  // Cosignatures returned by replicas (c2sp.org/tlog-cosignature), one per (checkpoint, cosigner key).
  `CREATE TABLE ledger_cosignatures (
    size INTEGER NOT NULL,
    root BLOB NOT NULL,
    cosigner TEXT NOT NULL,
    key_id INTEGER NOT NULL,
    time_secs INTEGER NOT NULL,
    signature BLOB NOT NULL,
    received_ms INTEGER NOT NULL,
    PRIMARY KEY (size, root, cosigner, key_id)
  ) WITHOUT ROWID;`,
];

export interface TileWrite {
  readonly level: number;
  readonly index: number;
  /** Concatenated 32-byte hashes, 1..256 of them. */
  readonly hashes: Buffer;
}

export interface Tiles {
  readonly db: Database.Database;
  /** Raw tile bytes, or undefined when absent. */
  read(level: number, index: number): Buffer | undefined;
  /** Write tiles (call inside the caller's transaction). A tile may only grow. */
  write(tiles: readonly TileWrite[]): void;
  /** The same writes as statements, for LedgerBackingStore.writeWith. */
  writes(tiles: readonly TileWrite[]): SqlWrite[];
  /** Node hashes from tiles, valid for every node inside the persisted tree size. */
  nodeReader(): NodeReader;
  /** Leaf hashes [from, to) from level-0 tiles; missing ones come back undefined. */
  leafHashes(from: number, to: number): (Buffer | undefined)[];
  /** Persisted tree size (entries folded into the tiles, equal to the newest own checkpoint). */
  treeSize(): number;
}

const CACHE_TILES = 256;

export function openTiles(store: LedgerBackingStore): Tiles {
  store.migrate(LEDGER_NAMESPACE, LEDGER_MIGRATIONS);
  const db = store.db;
  const get = db.prepare('SELECT hashes FROM ledger_tiles WHERE level = ? AND idx = ?').pluck();
  const PUT = `INSERT INTO ledger_tiles (level, idx, hashes) VALUES (?, ?, ?)
     ON CONFLICT (level, idx) DO UPDATE SET hashes = excluded.hashes WHERE length(excluded.hashes) >= length(hashes)`;
  const put = db.prepare(PUT);
  const check = (t: TileWrite): void => {
    if (
      t.hashes.length === 0 ||
      t.hashes.length % HASH_SIZE !== 0 ||
      t.hashes.length > TILE_WIDTH * HASH_SIZE
    ) {
      throw new LogwardenError(
        'LW_INTERNAL',
        `ledger tile ${t.level}/${t.index}: ${t.hashes.length} bytes is not 1..256 hashes`,
      );
    }
  };
  const size = db.prepare("SELECT value FROM ledger_state WHERE key = 'tree_size'").pluck();
  // Full tiles never change: cache them. Partial tiles are re-read (they grow).
  const cache = new Map<string, Buffer>();

  const read = (level: number, index: number): Buffer | undefined => {
    const key = `${level}/${index}`;
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const t = get.get(level, index) as Buffer | undefined;
    if (t !== undefined && t.length === TILE_WIDTH * HASH_SIZE) {
      if (cache.size >= CACHE_TILES) cache.delete(cache.keys().next().value as string);
      cache.set(key, t);
    }
    return t;
  };

  const nodeReader = (): NodeReader => (level, index) => {
    const tileLevel = Math.floor(level / TILE_HEIGHT);
    const count = 2 ** (level % TILE_HEIGHT);
    const first = index * count;
    const tileIndex = Math.floor(first / TILE_WIDTH);
    const off = first % TILE_WIDTH;
    const tile = read(tileLevel, tileIndex);
    if (tile === undefined || tile.length < (off + count) * HASH_SIZE) {
      throw new LogwardenError(
        'LW_LEDGER_INCOMPLETE',
        `ledger tile ${tileLevel}/${tileIndex} is missing or too short for node ${level}/${index}`,
      );
    }
    if (count === 1) return Buffer.from(tile.subarray(off * HASH_SIZE, (off + 1) * HASH_SIZE));
    const hashes: Buffer[] = [];
    for (let i = off; i < off + count; i++)
      hashes.push(tile.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE));
    return rootFromLeafHashes(hashes);
  };

  return {
    db,
    read,
    write(tiles) {
      for (const t of tiles) {
        check(t);
        put.run(t.level, t.index, t.hashes);
        cache.delete(`${t.level}/${t.index}`);
      }
    },
    writes(tiles) {
      return tiles.map((t) => {
        check(t);
        // Only full tiles are cached and a full tile never changes: nothing cached goes stale.
        cache.delete(`${t.level}/${t.index}`);
        return { sql: PUT, params: [t.level, t.index, t.hashes] };
      });
    },
    nodeReader,
    leafHashes(from, to) {
      const out: (Buffer | undefined)[] = [];
      for (let i = from; i < to; i++) {
        const tile = read(0, Math.floor(i / TILE_WIDTH));
        const off = (i % TILE_WIDTH) * HASH_SIZE;
        out.push(
          tile !== undefined && tile.length >= off + HASH_SIZE
            ? Buffer.from(tile.subarray(off, off + HASH_SIZE))
            : undefined,
        );
      }
      return out;
    },
    treeSize: () => size.get() as number,
  };
}
