/**
 * SQLite failures to LW_STORE_FAILED naming the database file and SQLite's own code, so an
 * operator reading "disk full" or "not a database" knows which file to look at.
 */
import { LogwardenError } from '../../core/errors.js';

const HINTS: Readonly<Record<string, string>> = {
  SQLITE_FULL: 'the disk is full',
  SQLITE_CORRUPT: 'the database file is corrupt',
  SQLITE_NOTADB: 'the file is not a SQLite database',
  SQLITE_READONLY: 'the database is read-only',
  SQLITE_BUSY: 'another process holds the write lock',
  SQLITE_CANTOPEN: 'the file cannot be opened (missing directory or permissions?)',
  SQLITE_PERM: 'permission denied',
};

/** Wrap any error thrown by better-sqlite3 for `file`; LogwardenErrors pass through unchanged. */
export function storeError(file: string, action: string, e: unknown): LogwardenError {
  if (e instanceof LogwardenError) return e;
  const code = (e as { code?: unknown }).code;
  const sqliteCode = typeof code === 'string' ? code : undefined;
  const hint =
    sqliteCode === undefined
      ? undefined
      : (HINTS[sqliteCode] ??
        Object.entries(HINTS).find(([k]) => sqliteCode.startsWith(`${k}_`))?.[1] ??
        (sqliteCode.startsWith('SQLITE_IOERR') ? 'an I/O error from the disk' : undefined));
  const why = hint === undefined ? '' : ` (${hint})`;
  return new LogwardenError(
    'LW_STORE_FAILED',
    `${file}: ${action} failed${why}: ${(e as Error)?.message ?? String(e)}`,
    {
      cause: e,
      details: { path: file, ...(sqliteCode === undefined ? {} : { sqlite: sqliteCode }) },
    },
  );
}
