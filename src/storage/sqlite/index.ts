/**
 * Open the embedded SQLite store.
 *
 * @example
 * const store = openSqliteStore({ path: './data/events.db' });
 * const [r] = await store.append([{ event, body: JSON.stringify(event), source: 'web-1' }]);
 * store.migrate('tokens', ['CREATE TABLE tokens (...)']);
 * await store.close();
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { LogwardenError } from '../../core/errors.js';
import { migrate, migrationVersion } from './migrations.js';
import { STORE_MIGRATIONS, STORE_NAMESPACE } from './schema.js';
import { registerSqlFunctions } from './sql-functions.js';
import { SqliteStore } from './sqlite-store.js';
import { mainThreadBackend, threadBackend } from './write-backend.js';
import { storeError } from './store-error.js';

export interface SqliteStoreOptions {
  /** Database file; `:memory:` for a throw-away store (scan/audit). Parent directories are created. */
  readonly path: string;
  /**
   * `full` (default): a commit is on disk before append resolves, surviving power loss.
   * `normal`: survives a process crash, may lose the last commits on power loss (WAL, §4.2 of
   * https://www.sqlite.org/wal.html) — only for replays that can be redone.
   */
  readonly synchronous?: 'full' | 'normal';
  /** Open for reading only (CLI search next to a running server). */
  readonly readonly?: boolean;
  /**
   * `inline`: full-text rows are written in the append transaction. `background`: a catch-up
   * cursor indexes committed events shortly after (within ~20 ms when idle). See docs/benchmarks.md.
   */
  readonly fullText?: 'inline' | 'background';
  /**
   * `thread` (default for files): commits run in a worker thread with its own connection, so the
   * event loop keeps going during fsync. `main`: commits run on the caller's thread (always so
   * for `:memory:`).
   */
  readonly writer?: 'thread' | 'main';
  /** Milliseconds to wait for another connection's write lock before failing. */
  readonly busyTimeoutMs?: number;
  /**
   * The same wait for the writer thread (default 30 s). The writer carries ingest, which a client
   * is waiting on: when the disk is slow and jobs on the main connection (alerting, detection,
   * checkpoints) keep taking the lock in turn, an append should wait its turn, not fail with a 503.
   */
  readonly writerBusyTimeoutMs?: number;
  /**
   * Told when the writer thread could not open its connection or prepare its statements (the
   * writes of that moment fail with the reason; the next write tries to open again), e.g. to log it.
   */
  readonly onWriterOpenFailure?: (message: string) => void;
  /** Clock for the per-source first/last seen times (tests pin it). */
  readonly now?: () => number;
}

export function openSqliteStore(opts: SqliteStoreOptions): SqliteStore {
  const path = opts.path;
  if (typeof path !== 'string' || path.length === 0) {
    throw new LogwardenError('LW_USAGE', 'store path must be a non-empty string');
  }
  const memory = path === ':memory:';
  const shown = memory ? path : resolve(path);
  const readonly = opts.readonly === true;
  let db: Database.Database | undefined;
  try {
    if (!memory && !readonly) mkdirSync(dirname(shown), { recursive: true });
    db = new Database(path, readonly ? { readonly: true, fileMustExist: true } : {});
    const busyTimeoutMs = Math.max(0, Math.floor(opts.busyTimeoutMs ?? 5000));
    const synchronous = opts.synchronous === 'normal' ? 'NORMAL' : 'FULL';
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    if (!readonly) {
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (!memory && mode !== 'wal')
        throw new Error(`journal_mode is ${String(mode)}, WAL is required`);
      db.pragma(`synchronous = ${synchronous}`);
      migrate(db, shown, STORE_NAMESPACE, STORE_MIGRATIONS);
    } else if (migrationVersion(db, STORE_NAMESPACE) === 0) {
      throw new LogwardenError(
        'LW_STORE_FAILED',
        `${shown}: not a logwarden store (no events table)`,
        {
          details: { path: shown },
        },
      );
    }
    registerSqlFunctions(db);
    const backend = readonly
      ? undefined
      : memory || opts.writer === 'main'
        ? mainThreadBackend(db)
        : threadBackend({
            path: shown,
            synchronous,
            busyTimeoutMs: Math.max(0, Math.floor(opts.writerBusyTimeoutMs ?? 30_000)),
            ...(opts.onWriterOpenFailure === undefined
              ? {}
              : { onOpenFailure: (f) => opts.onWriterOpenFailure?.(`${shown}: ${f.message}`) }),
          });
    return new SqliteStore({
      db,
      path: shown,
      backend,
      fullText: opts.fullText ?? 'inline',
      now: opts.now ?? Date.now,
    });
  } catch (e) {
    db?.close();
    throw storeError(shown, 'open', e);
  }
}

export { SqliteStore, MAX_QUERY_LIMIT } from './sqlite-store.js';
export type { MigrationStep } from './migrations.js';
export type { SqlResult, SqlWrite } from './writer.js';
export { DEFAULT_RETENTION } from './retention.js';
export type { PruneOptions } from './retention.js';
export { compileFilter } from './compile-query.js';
export { leafHash } from './event-rows.js';
