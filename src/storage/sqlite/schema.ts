/**
 * The store's own tables (migration namespace `store`).
 *
 * `events` keeps the exact body bytes and the RFC 6962 leaf hash per row; `seq` is the rowid
 * (INTEGER PRIMARY KEY), so the ledger index costs no extra index and `ORDER BY seq DESC` is a
 * rowid scan. The columns next to the body are the fields queries filter on; everything else is
 * read from the body with json_extract.
 *
 * Index design (bench/store-insert.mjs, docs/benchmarks.md): every secondary index costs insert
 * throughput, so each is chosen to serve a common query and kept as narrow as possible:
 * - `events_id` UNIQUE: dedup and getById. UUIDv7 ids arrive nearly sorted, so inserts append.
 * - `events_time` on time_ms, partial WHERE body IS NOT NULL: time-range search and retention
 *   (pruned rows leave the index, so retention never rescans them).
 * - `events_name`, `events_source`: single column; SQLite appends the rowid to every index
 *   entry, so `name = ? ORDER BY seq DESC` reads the index backwards without sorting.
 * - `events_client`, `events_user`: partial (WHERE NOT NULL): most access-log events carry no
 *   user, so those rows cost nothing in the user index.
 * The CHECK on body costs about a microsecond per row in C (a JSON.parse in JS costs ~3 µs for
 * 300 bytes) and guarantees json_extract never meets a malformed body at query time.
 * The FTS5 table is contentless (the text lives in the body) with contentless_delete so that
 * retention can remove rows (SQLite >= 3.43).
 */
import type { MigrationStep } from './migrations.js';

export const STORE_NAMESPACE = 'store';

export const STORE_MIGRATIONS: readonly MigrationStep[] = [
  `CREATE TABLE events (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    time_ms INTEGER NOT NULL,
    name TEXT NOT NULL,
    category TEXT,
    severity TEXT,
    outcome TEXT,
    status INTEGER,
    client_address TEXT,
    user_id TEXT,
    source TEXT NOT NULL,
    leaf_hash BLOB NOT NULL,
    body TEXT CHECK (json_valid(body))
  );
  CREATE UNIQUE INDEX events_id ON events (id);
  CREATE INDEX events_time ON events (time_ms) WHERE body IS NOT NULL;
  CREATE INDEX events_name ON events (name);
  CREATE INDEX events_source ON events (source);
  CREATE INDEX events_client ON events (client_address) WHERE client_address IS NOT NULL;
  CREATE INDEX events_user ON events (user_id) WHERE user_id IS NOT NULL;
  CREATE VIRTUAL TABLE events_fts USING fts5 (message, original, content='', contentless_delete=1);
  CREATE TABLE sources (
    source TEXT PRIMARY KEY,
    first_seen_ms INTEGER NOT NULL,
    last_seen_ms INTEGER NOT NULL,
    events INTEGER NOT NULL,
    unparsed INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE store_state (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
  INSERT INTO store_state (key, value) VALUES ('fts_indexed_seq', 0);`,
];
