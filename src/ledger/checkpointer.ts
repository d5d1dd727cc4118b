/**
 * Signs checkpoints over durably written entries (ARCHITECTURE §4): at most every `intervalMs`
 * (default 1 s) while entries arrive, or as soon as `maxEntries` unsigned entries have piled up.
 * Each run reads only committed rows (optionally re-hashing each body against its stored leaf
 * hash: a row that does not match is never signed), folds them into the tree, and writes
 * the new tiles, the checkpoint and the tree size in ONE transaction. Every checkpoint is kept.
 *
 * It refuses to start on a tree that disagrees with its own newest checkpoint, on a store that
 * lost signed entries, and refuses to sign a size it already signed with another root: a log
 * MUST NOT sign inconsistent checkpoints (c2sp.org/tlog-checkpoint "Signatures").
 *
 * @example
 * const cp = createCheckpointer({ store, key: readPrivateKeyFile('ledger.key'), origin: 'logs.example/prod' });
 * cp.onCheckpoint((c) => forwarders.wake(c));
 * cp.start();
 * // after store.append(...) resolves: cp.notify();
 * await cp.close();
 */
import { LogwardenError } from '../core/errors.js';
import { signCheckpoint } from './checkpoint.js';
import type { StoredCheckpoint } from './checkpoint-log.js';
import { type Ledger, openLedger } from './ledger.js';
import { hashLeaf } from './merkle.js';
import type { NoteSigner } from './note.js';
import type { SqlWrite } from '../storage/index.js';
import { type LedgerBackingStore, type TileWrite, commitWrites } from './tiles.js';
import { type TreeBuilder, loadTreeBuilder } from './tree-builder.js';

export interface CheckpointerOptions {
  readonly store: LedgerBackingStore;
  /** The log's signing key; its name must be the origin. */
  readonly key: NoteSigner;
  readonly origin: string;
  readonly intervalMs?: number;
  /** Sign as soon as this many entries wait (checked on notify()). */
  readonly maxEntries?: number;
  /** Rows read per store read. */
  readonly batchSize?: number;
  /**
   * Re-read each body and re-hash it against its stored leaf hash before signing (default
   * false). The store computes the leaf hash from the very string it stores, and `verify`
   * re-hashes every body, so this only guards against a store bug in the sub-second window
   * before signing; it costs about a third of the ledger's ingest overhead (bench/ledger.mjs).
   */
  readonly recheckBodies?: boolean;
  /**
   * Write timer checkpoints on this connection, in their own transaction (default false: they
   * ride the store's next group commit when it offers writeWith).
   */
  readonly writeInline?: boolean;
  /** Entries a timer run signs before yielding to the event loop (default 50 000). */
  readonly maxPerRun?: number;
  readonly now?: () => number;
}

export interface CheckpointerStats {
  /** Checkpoints signed by this process. */
  signed: number;
  /** Entries folded into the tree by this process. */
  entries: number;
  /** Runs that stopped early or failed, by reason. */
  errors: Record<'gap' | 'leaf_mismatch' | 'write' | 'listener', number>;
}

export interface Checkpointer {
  readonly ledger: Ledger;
  readonly stats: Readonly<CheckpointerStats>;
  /** Start the interval timer (unref'd: it never keeps the process alive). */
  start(): void;
  /**
   * Tell the checkpointer that appends committed; signs early when maxEntries are waiting.
   * `committedSize` (highest committed seq + 1), when the caller knows it, saves a store read.
   */
  notify(committedSize?: number): void;
  /** Sign now if there is anything new (or nothing was ever signed); returns the newest checkpoint. */
  checkpointNow(): StoredCheckpoint | undefined;
  latestCheckpoint(): StoredCheckpoint | undefined;
  checkpointAt(size: number): StoredCheckpoint | undefined;
  /** Listeners run after the checkpoint is durable; a throwing listener is counted, not fatal. */
  onCheckpoint(listener: (cp: StoredCheckpoint) => void): () => void;
  /** Stop the timer and sign whatever is committed. Safe to call twice. */
  close(): Promise<void>;
}

export function createCheckpointer(opts: CheckpointerOptions): Checkpointer {
  const { store, key, origin } = opts;
  if (key.name !== origin) {
    throw new LogwardenError(
      'LW_CONFIG_INVALID',
      `ledger: the key is named ${key.name} but the origin is ${origin}`,
    );
  }
  const intervalMs = opts.intervalMs ?? 1000;
  const maxEntries = opts.maxEntries ?? Number.POSITIVE_INFINITY;
  const batchSize = opts.batchSize ?? 5000;
  const now = opts.now ?? Date.now;
  if (!(intervalMs > 0) || !(maxEntries > 0) || !(batchSize > 0) || !((opts.maxPerRun ?? 1) > 0)) {
    throw new LogwardenError(
      'LW_CONFIG_INVALID',
      'ledger: intervalMs, maxEntries, batchSize and maxPerRun must be positive',
    );
  }
  const ledger = openLedger(store);
  const { tiles, checkpoints } = ledger;
  const db = store.db;
  const SET_SIZE = "UPDATE ledger_state SET value = ? WHERE key = 'tree_size'";
  const setSize = db.prepare(SET_SIZE);
  const inline = opts.writeInline === true;
  const recheck = opts.recheckBodies === true;
  // Fast path: only (seq, leaf_hash) of committed rows, not the bodies (3-4x cheaper than
  // store.range on the bench machine). `events.seq` / `events.leaf_hash` are the ledger
  // contract of the SQLite store (storage/sqlite/schema.ts).
  const leafRows = db.prepare(
    'SELECT seq, leaf_hash AS leafHash FROM events WHERE seq >= ? AND seq < ? ORDER BY seq',
  );
  const leafBlob = db.prepare(
    "SELECT count(*) AS n, min(seq) AS lo, max(seq) AS hi, CAST(group_concat(leaf_hash, x'' ORDER BY seq) AS BLOB) AS h FROM events WHERE seq >= ? AND seq < ?",
  );
  const readRows = (
    from: number,
    to: number,
  ): { seq: number; leafHash: Buffer; body?: string | null }[] =>
    recheck
      ? store.range(from, to)
      : (leafRows.all(from, to) as { seq: number; leafHash: Buffer }[]);

  const load = (): TreeBuilder => {
    const size = tiles.treeSize();
    const b = loadTreeBuilder(tiles, size);
    const latest = checkpoints.latest();
    if (latest !== undefined && (latest.size !== size || !latest.root.equals(b.root()))) {
      throw new LogwardenError(
        'LW_LEDGER_TAMPER',
        `ledger: the stored tree (size ${size}) does not match the newest checkpoint (size ${latest.size}); run verify, refusing to sign`,
      );
    }
    return b;
  };
  let builder = load();
  if (store.size() < builder.size) {
    throw new LogwardenError(
      'LW_LEDGER_INCOMPLETE',
      `ledger: the store holds ${store.size()} entries but ${builder.size} were signed; run verify, refusing to sign`,
    );
  }

  const stats: CheckpointerStats = {
    signed: 0,
    entries: 0,
    errors: { gap: 0, leaf_mismatch: 0, write: 0, listener: 0 },
  };
  const listeners = new Set<(cp: StoredCheckpoint) => void>();
  let timer: NodeJS.Timeout | undefined;
  let soon: NodeJS.Immediate | undefined;
  let closed: Promise<void> | undefined;

  /** Fold committed rows [builder.size, store.size()) into the tree; stops at a gap or a bad row. */
  const fold = (limit: number): void => {
    const target = Math.min(store.size(), builder.size + limit);
    while (builder.size < target) {
      const from = builder.size;
      const to = Math.min(target, from + batchSize);
      if (!recheck) {
        // Fast path: the range's leaf hashes as ONE blob (no row objects); used when the range is
        // whole, else the row-by-row path below finds where it stops.
        const r = leafBlob.get(from, to) as { n: number; lo: number; hi: number; h: Buffer | null };
        if (r.n === to - from && r.lo === from && r.hi === to - 1 && r.h?.length === r.n * 32) {
          for (let at = 0; at < r.h.length; at += 32) builder.append(r.h.subarray(at, at + 32));
          stats.entries += r.n;
          continue;
        }
      }
      const rows = readRows(from, to);
      for (const [i, r] of rows.entries()) {
        if (r.seq !== from + i) {
          stats.errors.gap++;
          return; // never sign past a hole: entries [seq..) wait until the gap is explained
        }
        if (recheck && typeof r.body === 'string' && !hashLeaf(r.body).equals(r.leafHash)) {
          stats.errors.leaf_mismatch++;
          return;
        }
        builder.append(r.leafHash);
        stats.entries++;
      }
      if (rows.length === 0) {
        stats.errors.gap++;
        return;
      }
    }
  };

  // After a failed run the in-memory tree is ahead of the database: reload it, and if even that
  // fails (the stored state no longer matches the newest checkpoint) stop signing for good.
  let broken: unknown;
  const reset = (): void => {
    try {
      builder = load();
    } catch (e) {
      broken = e;
    }
  };

  type Unsigned = { size: number; root: Buffer; note: string; tiles: TileWrite[]; timeMs: number };
  /** Fold what is committed and sign it; the latest checkpoint when there is nothing new. */
  const prepare = (limit: number): StoredCheckpoint | Unsigned | undefined => {
    if (broken !== undefined) throw broken;
    const before = builder.size;
    const latest = checkpoints.latest();
    try {
      fold(limit);
    } catch (e) {
      reset();
      throw e;
    }
    if (builder.size === before && latest !== undefined) return latest;
    const size = builder.size;
    const root = builder.root();
    for (const other of checkpoints.allAt(size)) {
      if (!other.root.equals(root)) {
        reset();
        throw new LogwardenError(
          'LW_LEDGER_FORK',
          `ledger: size ${size} was already signed with another root; refusing to sign a fork`,
        );
      }
    }
    const note = signCheckpoint({ origin, size, root }, key);
    return { size, root, note, tiles: builder.takeTiles(), timeMs: now() };
  };

  const failed = (size: number, e: unknown): LogwardenError => {
    stats.errors.write++;
    reset();
    return new LogwardenError(
      'LW_STORE_FAILED',
      `ledger: writing checkpoint ${size} failed: ${(e as Error).message}`,
      { cause: e },
    );
  };

  const publish = (cp: StoredCheckpoint): StoredCheckpoint => {
    stats.signed++;
    for (const l of listeners) {
      try {
        l(cp);
      } catch {
        stats.errors.listener++;
      }
    }
    return cp;
  };

  // A checkpoint being written with the store's next group commit (writeWith): the tree in
  // memory is ahead of the database until it lands, so nothing else signs meanwhile.
  let writing: Promise<void> | undefined;

  const sign = (limit = Number.POSITIVE_INFINITY): StoredCheckpoint | undefined => {
    if (writing !== undefined)
      throw new LogwardenError('LW_UNAVAILABLE', 'ledger: a checkpoint is being written');
    const p = prepare(limit);
    if (p === undefined || 'id' in p) return p;
    let cp: StoredCheckpoint;
    try {
      // IMMEDIATE: take the write lock up front, waiting (busy_timeout) for the store's writer
      // connection; a deferred transaction could fail with SQLITE_BUSY_SNAPSHOT instead.
      cp = db
        .transaction(() => {
          tiles.write(p.tiles);
          setSize.run(p.size);
          return checkpoints.insert({ size: p.size, root: p.root, note: p.note, timeMs: p.timeMs });
        })
        .immediate();
    } catch (e) {
      throw failed(p.size, e);
    }
    return publish(cp);
  };

  /**
   * The timer's way: tiles, tree size and checkpoint ride the store's next group commit (one
   * transaction, no extra fsync, no wait for the write lock on the event loop); listeners run once
   * it is durable (on a store without writeWith, one transaction on its connection: commitWrites).
   */
  const signAsync = (limit: number): Promise<void> => {
    if (inline) {
      sign(limit);
      return Promise.resolve();
    }
    if (writing !== undefined) return writing;
    const p = prepare(limit);
    if (p === undefined || 'id' in p) return Promise.resolve();
    const cp = { size: p.size, root: p.root, note: p.note, timeMs: p.timeMs };
    let sql: SqlWrite[];
    try {
      sql = [
        ...tiles.writes(p.tiles),
        { sql: SET_SIZE, params: [p.size] },
        checkpoints.insertWrite(cp),
      ];
    } catch (e) {
      throw failed(p.size, e); // the tree in memory went ahead: reloaded
    }
    writing = commitWrites(store, sql).then(
      (results) => {
        writing = undefined;
        publish({ id: results[results.length - 1]!.lastInsertRowid, ...cp });
      },
      (e: unknown) => {
        writing = undefined;
        throw failed(p.size, e);
      },
    );
    return writing;
  };

  // A timer run signs at most this many new entries, then yields to the event loop and goes on:
  // a backlog (first start on a big store) never blocks ingest for seconds.
  const PER_RUN = opts.maxPerRun ?? 50_000;
  const again = (): void => {
    if (closed === undefined && soon === undefined && store.size() - builder.size >= PER_RUN) {
      soon = setImmediate(() => {
        soon = undefined;
        tick();
      });
    }
  };
  const tick = (): void => {
    if (writing !== undefined) return; // the next tick or notify() goes on
    let run: Promise<void>;
    try {
      run = signAsync(PER_RUN);
    } catch {
      return; // counted in stats; the next tick retries
    }
    run.then(again, () => {
      // Counted in stats; the next tick retries. A persistent failure shows as a stale checkpoint.
    });
  };

  return {
    ledger,
    stats,
    start() {
      if (timer !== undefined || closed !== undefined) return;
      timer = setInterval(tick, intervalMs);
      timer.unref();
    },
    notify(committedSize) {
      if (closed !== undefined || soon !== undefined) return;
      if ((committedSize ?? store.size()) - builder.size >= maxEntries) {
        soon = setImmediate(() => {
          soon = undefined;
          tick();
        });
      }
    },
    checkpointNow: () => sign(),
    latestCheckpoint: () => checkpoints.latest(),
    checkpointAt: (size) => checkpoints.at(size),
    onCheckpoint(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      closed ??= (async () => {
        if (timer !== undefined) clearInterval(timer);
        if (soon !== undefined) clearImmediate(soon);
        await writing?.catch(() => undefined);
        try {
          sign(); // everything committed, however much
        } catch {
          // counted in stats; verify reports what stayed unsigned
        }
      })();
      return closed;
    },
  };
}
