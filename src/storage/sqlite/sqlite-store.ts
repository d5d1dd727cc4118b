/**
 * The embedded store: SQLite through better-sqlite3, WAL mode, synchronous=FULL by default (an
 * acknowledged event survives power loss), group commit. See schema.ts for the tables and the
 * index design, group-commit.ts and writer.ts for appends (committed in a writer thread by
 * default: write-backend.ts), retention.ts for pruning. Reads run on this connection; WAL lets
 * them proceed while the writer commits.
 */
import type Database from 'better-sqlite3';
import { LogwardenError } from '../../core/errors.js';
import type {
  AppendResult,
  EventQuery,
  EventStore,
  PreparedEvent,
  RetentionPolicy,
  SourceStats,
  StoredEvent,
} from '../types.js';
import { selectQuery } from './select-query.js';
import { toRow } from './event-rows.js';
import type { EventRow } from './event-rows.js';
import { createFtsIndexer } from './fts-indexer.js';
import type { FtsIndexer } from './fts-indexer.js';
import { migrate } from './migrations.js';
import type { MigrationStep } from './migrations.js';
import { pruneEvents } from './retention.js';
import type { PruneOptions } from './retention.js';
import { storeError } from './store-error.js';
import { GroupCommit } from './group-commit.js';
import type { GroupCommitStats } from './group-commit.js';
import type { WriteBackend } from './write-backend.js';
import type { SqlResult, SqlWrite } from './writer.js';

/** Largest page a query returns; callers page with `beforeSeq`. */
export const MAX_QUERY_LIMIT = 10_000;
/** Background full-text indexing: rows per transaction, and the delay after a commit. */
const FTS_SLICE = 2_000;
const FTS_DELAY_MS = 20;

type Row = {
  seq: number;
  id: string;
  time_ms: number;
  name: string;
  source: string;
  body: string | null;
  leaf_hash: Buffer;
};

const COLUMNS = ['seq', 'id', 'time_ms', 'name', 'source', 'body', 'leaf_hash'] as const;
const COLS = COLUMNS.join(', ');
const toStored = (r: Row): StoredEvent => ({
  seq: r.seq,
  id: r.id,
  timeMs: r.time_ms,
  name: r.name,
  source: r.source,
  body: r.body,
  leafHash: r.leaf_hash,
});

export interface SqliteStoreInit {
  readonly db: Database.Database;
  readonly path: string;
  /** Undefined for a read-only store. */
  readonly backend: WriteBackend | undefined;
  readonly fullText: 'inline' | 'background';
  readonly now: () => number;
}

export class SqliteStore implements EventStore {
  /** The better-sqlite3 connection, for modules that keep their own tables here (see migrate). */
  readonly db: Database.Database;
  readonly path: string;
  readonly fullText: 'inline' | 'background';
  readonly #backend: WriteBackend | undefined;
  readonly #commits: GroupCommit | undefined;
  readonly #fts: FtsIndexer | undefined;
  #ftsTimer: NodeJS.Timeout | undefined;
  #closing: Promise<void> | undefined;
  readonly #byId: Database.Statement;
  readonly #bySeq: Database.Statement;
  readonly #range: Database.Statement;
  readonly #sources: Database.Statement;
  readonly #size: Database.Statement;

  constructor(init: SqliteStoreInit) {
    this.db = init.db;
    this.path = init.path;
    this.fullText = init.fullText;
    const db = init.db;
    this.#backend = init.backend;
    this.#commits =
      init.backend === undefined
        ? undefined
        : new GroupCommit({
            backend: init.backend,
            path: init.path,
            indexText: init.fullText === 'inline',
            now: init.now,
            afterGroup: () => {
              if (this.fullText === 'background') this.#scheduleFts();
            },
          });
    this.#fts = init.backend === undefined ? undefined : createFtsIndexer(db);
    this.#byId = db.prepare(`SELECT ${COLS} FROM events WHERE id = ?`);
    this.#bySeq = db.prepare(`SELECT ${COLS} FROM events WHERE seq = ?`);
    this.#range = db.prepare(`SELECT ${COLS} FROM events WHERE seq >= ? AND seq < ? ORDER BY seq`);
    this.#sources = db.prepare(
      'SELECT source, first_seen_ms, last_seen_ms, events, unparsed FROM sources ORDER BY source',
    );
    this.#size = db.prepare('SELECT max(seq) FROM events').pluck();
    // Whatever a previous run left unindexed (background mode, crash) is indexed before we start.
    this.#ftsCatchUp();
  }

  /**
   * Apply `steps` of a namespace's versioned migrations (see migrations.ts); the store's own
   * namespace is `store`. Returns how many steps were applied now.
   */
  migrate(namespace: string, steps: readonly MigrationStep[]): number {
    if (namespace === 'store') {
      throw new LogwardenError(
        'LW_INTERNAL',
        'migration namespace "store" belongs to the event store',
      );
    }
    return migrate(this.db, this.path, namespace, steps);
  }

  append(events: readonly PreparedEvent[]): Promise<AppendResult[]> {
    if (this.#closing !== undefined || this.#backend === undefined) {
      const why = this.#backend === undefined ? 'opened read-only' : 'closed';
      return Promise.reject(
        new LogwardenError('LW_UNAVAILABLE', `${this.path}: the store is ${why}`),
      );
    }
    if (!Array.isArray(events)) {
      return Promise.reject(
        new LogwardenError('LW_EVENT_INVALID', 'append expects an array of events'),
      );
    }
    let rows: EventRow[];
    try {
      rows = events.map((e, i) => toRow(e, i));
    } catch (e) {
      return Promise.reject(e);
    }
    if (rows.length === 0) return Promise.resolve([]);
    return (this.#commits as GroupCommit).enqueue(rows);
  }

  /**
   * Commit `sql` (statements on tables of this database, e.g. the ledger's) in the transaction of
   * the next group commit, on the writer's connection; resolves with each statement's changes and
   * last rowid once durable, rejects if they failed (all or nothing). Costs no extra fsync and
   * never blocks the event loop waiting for the write lock, unlike a write on `db`.
   */
  writeWith(sql: readonly SqlWrite[]): Promise<SqlResult[]> {
    if (this.#closing !== undefined || this.#backend === undefined) {
      const why = this.#backend === undefined ? 'opened read-only' : 'closed';
      return Promise.reject(
        new LogwardenError('LW_UNAVAILABLE', `${this.path}: the store is ${why}`),
      );
    }
    return (this.#commits as GroupCommit).enqueueSql(sql);
  }

  /**
   * Counters since open: commits (transactions written), appended (new events stored),
   * duplicates (ids already stored), failed (events whose append was rejected by the database).
   */
  stats(): GroupCommitStats {
    return this.#commits?.stats() ?? { commits: 0, appended: 0, duplicates: 0, failed: 0 };
  }

  /** Writes not yet committed (for a shutdown that takes too long to say what it waits for). */
  pendingWrites(): { calls: number; statements: number; committing: boolean } {
    return this.#commits?.pending() ?? { calls: 0, statements: 0, committing: false };
  }

  #scheduleFts(): void {
    if (this.#ftsTimer !== undefined || this.#closing !== undefined) return;
    this.#ftsTimer = setTimeout(() => {
      this.#ftsTimer = undefined;
      try {
        // One slice per turn; more work reschedules, so appends interleave with indexing.
        if ((this.#fts as FtsIndexer).step(FTS_SLICE) === FTS_SLICE) this.#scheduleFts();
      } catch {
        // Retried after the next commit; search lags but nothing is lost (the cursor did not move).
      }
    }, FTS_DELAY_MS);
    this.#ftsTimer.unref();
  }

  #ftsCatchUp(): void {
    if (this.#fts === undefined) return;
    try {
      while (this.#fts.step(FTS_SLICE * 10) > 0);
    } catch (e) {
      throw storeError(this.path, 'full-text indexing', e);
    }
  }

  #read<T>(action: string, fn: () => T): T {
    if (this.#closing !== undefined && !this.db.open) {
      throw new LogwardenError('LW_UNAVAILABLE', `${this.path}: the store is closed`);
    }
    try {
      return fn();
    } catch (e) {
      throw storeError(this.path, action, e);
    }
  }

  size(): number {
    return this.#read('size', () => {
      const m = this.#size.get() as number | null;
      return m === null ? 0 : m + 1;
    });
  }

  getById(id: string): StoredEvent | undefined {
    return this.#read('getById', () => {
      const r = this.#byId.get(id) as Row | undefined;
      return r === undefined ? undefined : toStored(r);
    });
  }

  getBySeq(seq: number): StoredEvent | undefined {
    return this.#read('getBySeq', () => {
      const r = this.#bySeq.get(seq) as Row | undefined;
      return r === undefined ? undefined : toStored(r);
    });
  }

  range(fromSeq: number, toSeq: number): StoredEvent[] {
    return this.#read('range', () => (this.#range.all(fromSeq, toSeq) as Row[]).map(toStored));
  }

  query(q: EventQuery): StoredEvent[] {
    const limit = q.limit;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_QUERY_LIMIT) {
      throw new LogwardenError(
        'LW_USAGE',
        `limit must be an integer from 1 to ${MAX_QUERY_LIMIT}, got ${String(limit)}`,
      );
    }
    for (const key of ['beforeSeq', 'fromMs', 'toMs'] as const) {
      const v = q[key];
      if (v !== undefined && !Number.isFinite(v)) {
        throw new LogwardenError('LW_USAGE', `${key} must be a finite number, got ${String(v)}`);
      }
    }
    const { sql, params } = selectQuery(q, COLUMNS);
    return this.#read('query', () => (this.db.prepare(sql).all(...params) as Row[]).map(toStored));
  }

  sources(): SourceStats[] {
    return this.#read('sources', () =>
      (
        this.#sources.all() as Array<{
          source: string;
          first_seen_ms: number;
          last_seen_ms: number;
          events: number;
          unparsed: number;
        }>
      ).map((r) => ({
        source: r.source,
        firstSeenMs: r.first_seen_ms,
        lastSeenMs: r.last_seen_ms,
        events: r.events,
        parsed: r.events - r.unparsed,
        unparsed: r.unparsed,
      })),
    );
  }

  async prune(policy: RetentionPolicy, nowMs: number, options?: PruneOptions): Promise<number> {
    if (this.#backend === undefined) {
      throw new LogwardenError('LW_UNAVAILABLE', `${this.path}: the store is opened read-only`);
    }
    try {
      return await pruneEvents(this.db, policy, nowMs, options);
    } catch (e) {
      throw storeError(this.path, 'prune', e);
    }
  }

  /** Commit pending appends, finish full-text indexing, checkpoint the WAL and close. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      try {
        await this.#commits?.drain();
        if (this.#ftsTimer !== undefined) clearTimeout(this.#ftsTimer);
        await this.#backend?.close();
        this.#ftsCatchUp();
        if (this.#backend !== undefined) {
          this.db.pragma('optimize');
          this.db.pragma('wal_checkpoint(TRUNCATE)');
        }
      } finally {
        this.db.close();
      }
    })();
    return this.#closing;
  }
}
