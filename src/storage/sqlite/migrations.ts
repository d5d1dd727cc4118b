/**
 * Versioned migrations, one numbered list per namespace (the store's own tables are `store`;
 * tokens, ledger, alerts... bring theirs). Each applied step is recorded in `schema_migrations`
 * with its number and time, inside the same transaction as the step, so a crash never leaves a
 * step half-applied and recorded, or applied and unrecorded.
 *
 * Steps are append-only: never edit or reorder a released step; add a new one.
 *
 * @example
 * migrate(db, 'tokens', [
 *   'CREATE TABLE tokens (name TEXT PRIMARY KEY, hash BLOB NOT NULL, created_ms INTEGER NOT NULL)',
 *   (db) => db.prepare('UPDATE tokens SET ...').run(),
 * ]);
 */
import type Database from 'better-sqlite3';
import { LogwardenError } from '../../core/errors.js';

export type MigrationStep = string | ((db: Database.Database) => void);

const NAMESPACE = /^[a-z][a-z0-9_]{0,62}$/;

function ensureTable(db: Database.Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    namespace TEXT NOT NULL,
    version INTEGER NOT NULL,
    applied_ms INTEGER NOT NULL,
    PRIMARY KEY (namespace, version)
  ) WITHOUT ROWID`);
}

/** Highest applied version of a namespace (0 when none). */
export function migrationVersion(db: Database.Database, namespace: string): number {
  // Read without creating anything, so read-only connections can ask too.
  const exists = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
    .get();
  if (exists === undefined) return 0;
  const row = db
    .prepare('SELECT max(version) AS v FROM schema_migrations WHERE namespace = ?')
    .get(namespace) as { v: number | null };
  return row.v ?? 0;
}

/**
 * Apply the steps of `namespace` not yet applied, in order; returns how many were applied.
 * Throws LW_STORE_FAILED when the database holds more steps than the code knows (a newer
 * logwarden wrote it: refusing beats silently misreading it) or when a step fails.
 */
export function migrate(
  db: Database.Database,
  file: string,
  namespace: string,
  steps: readonly MigrationStep[],
): number {
  if (!NAMESPACE.test(namespace)) {
    throw new LogwardenError(
      'LW_INTERNAL',
      `migration namespace "${namespace}" must match ${NAMESPACE.source}`,
    );
  }
  ensureTable(db);
  const current = migrationVersion(db, namespace);
  if (current > steps.length) {
    throw new LogwardenError(
      'LW_STORE_FAILED',
      `${file}: schema "${namespace}" is at version ${current} but this logwarden knows only ${steps.length} steps (written by a newer version?)`,
      { details: { path: file, namespace, version: current, known: steps.length } },
    );
  }
  const record = db.prepare(
    'INSERT INTO schema_migrations (namespace, version, applied_ms) VALUES (?, ?, ?)',
  );
  let applied = 0;
  for (let v = current + 1; v <= steps.length; v++) {
    const step = steps[v - 1] as MigrationStep;
    try {
      db.transaction(() => {
        if (typeof step === 'string') db.exec(step);
        else step(db);
        record.run(namespace, v, Date.now());
      }).immediate();
    } catch (e) {
      throw new LogwardenError(
        'LW_STORE_FAILED',
        `${file}: migration ${namespace} #${v} failed: ${(e as Error).message}`,
        { cause: e, details: { path: file, namespace, version: v } },
      );
    }
    applied++;
  }
  return applied;
}
