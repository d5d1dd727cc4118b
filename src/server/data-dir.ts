/**
 * The data directory: the event store plus the tables of the server (tokens). Kept apart from
 * the runtime so that offline CLI commands open it without loading the HTTP stack.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { LogwardenError } from '../core/errors.js';
import { openSqliteStore } from '../storage/sqlite/index.js';
import type { EventStore } from '../storage/types.js';
import { createTokenStore, TOKEN_MIGRATIONS, type TokenStore } from './auth/token-store.js';

/** The SQLite file inside the data directory. */
export function storeFile(dataDir: string): string {
  return path.join(dataDir, 'logwarden.db');
}

/** Open the store and the token table (also used by CLI commands that work offline). */
export function openDataDir(
  dataDir: string,
  synchronous: 'full' | 'normal' = 'full',
  onWriterOpenFailure?: (message: string) => void,
): { store: EventStore & { close(): Promise<void> }; tokens: TokenStore } {
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new LogwardenError(
      'LW_STORE_FAILED',
      `data directory ${dataDir}: ${(e as Error).message}`,
      { cause: e },
    );
  }
  const store = openSqliteStore({
    path: storeFile(dataDir),
    synchronous,
    ...(onWriterOpenFailure === undefined ? {} : { onWriterOpenFailure }),
  });
  try {
    store.migrate('auth', TOKEN_MIGRATIONS);
    return { store, tokens: createTokenStore(store.db) };
  } catch (e) {
    void store.close();
    throw e;
  }
}

/**
 * Open an existing data directory for reading (search, sources): never creates one, so a wrong
 * `--data` is reported instead of silently searching an empty new store.
 */
export function openDataDirReadOnly(dataDir: string): EventStore & { close(): Promise<void> } {
  const file = storeFile(dataDir);
  if (!existsSync(file)) {
    throw new LogwardenError(
      'LW_NOT_FOUND',
      `no logwarden data in ${dataDir} (${file} does not exist): check --data, or start \`logwarden serve --data ${dataDir}\` first`,
    );
  }
  try {
    return openSqliteStore({ path: file, readonly: true });
  } catch {
    // A read-only connection cannot rebuild a missing WAL index after a crash; a writer can.
    return openSqliteStore({ path: file });
  }
}
