/**
 * The write transaction of one group commit: every append call gathered since the last commit is
 * written in ONE transaction (one WAL fsync with synchronous=FULL), seq numbers assigned gap-free
 * from max(seq)+1 read inside the transaction, duplicates resolved to the original's seq, leaf
 * hashes computed, the per-source counters updated, and (inline mode) the full-text rows added.
 * When the group's transaction fails, each call is retried alone, so one call's failure never
 * fails the others.
 *
 * `createWriter` must stay SELF-CONTAINED (no imports used inside, no outer variables): the
 * writer thread (writer-thread.ts) runs its source text, `createWriter.toString()`, in a worker.
 * Errors cross that boundary as plain data (WriterFailure), never as class instances.
 */
import type Database from 'better-sqlite3';
import type { AppendResult } from '../types.js';
import type { EventRow } from './event-rows.js';

/** Why a call failed, as data: `lwCode` set for the caller's own fault (a bad event). */
export interface WriterFailure {
  readonly message: string;
  readonly sqliteCode?: string;
  readonly lwCode?: 'LW_EVENT_INVALID';
  readonly details?: Record<string, unknown>;
}

export type CallOutcome = { readonly ok: AppendResult[] } | { readonly error: WriterFailure };

/** One statement another module wants committed with the next group (SqliteStore.writeWith). */
export interface SqlWrite {
  readonly sql: string;
  readonly params: readonly unknown[];
}
export interface SqlResult {
  readonly changes: number;
  readonly lastInsertRowid: number;
}
export type SqlOutcome = { readonly ok: SqlResult[] } | { readonly error: WriterFailure };

export interface GroupOutcome {
  /** One per call. */
  readonly calls: CallOutcome[];
  /** The riding statements, all or nothing. */
  readonly sql: SqlOutcome;
}

export interface Writer {
  /**
   * Write the calls and the riding statements in one transaction; if it fails, each call is
   * retried alone and the statements alone, so one failure never fails the others.
   */
  writeGroup(
    calls: ReadonlyArray<readonly EventRow[]>,
    nowMs: number,
    indexText: boolean,
    sql?: readonly SqlWrite[],
  ): GroupOutcome;
}

export function createWriter(db: Database.Database, hash: (body: string) => Uint8Array): Writer {
  // Every statement is prepared inside ONE read transaction. Preparing the full-text insert
  // connects FTS5, whose constructor reads `events_fts_config` in a nested statement; when
  // another connection commits a schema change between this connection's schema load and that
  // read (the server's main thread runs the migrations of tokens, ledger, forwarders... while
  // this writer thread starts), the nested read meets a newer schema cookie, cannot reload the
  // schema in the middle of a constructor and fails with SQLITE_SCHEMA: "vtable constructor
  // failed: events_fts". SQLite retries the outer prepare once, so it takes two schema changes
  // in that window (seen under load on a fresh origin, test: "prepares while another connection
  // changes the schema"). A read transaction pins one snapshot: schema load and nested reads agree.
  const pinned = !db.inTransaction;
  if (pinned) {
    db.exec('BEGIN');
    db.prepare('SELECT count(*) FROM sqlite_master').pluck().get();
  }
  try {
    return prepareWriter(db, hash);
  } finally {
    if (pinned && db.inTransaction) db.exec('COMMIT');
  }

  function prepareWriter(db: Database.Database, hash: (body: string) => Uint8Array): Writer {
    const maxSeq = db.prepare('SELECT max(seq) AS m FROM events').pluck();
    const insert = db.prepare(
      `INSERT INTO events (seq, id, time_ms, name, category, severity, outcome, status, client_address, user_id, source, leaf_hash, body)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    );
    const seqOf = db.prepare('SELECT seq FROM events WHERE id = ?').pluck();
    const fts = db.prepare('INSERT INTO events_fts (rowid, message, original) VALUES (?, ?, ?)');
    const ftsCursor = db.prepare(
      "UPDATE store_state SET value = ? WHERE key = 'fts_indexed_seq' AND value = ?",
    );
    const source = db.prepare(
      `INSERT INTO sources (source, first_seen_ms, last_seen_ms, events, unparsed) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (source) DO UPDATE SET
       first_seen_ms = min(first_seen_ms, excluded.first_seen_ms),
       last_seen_ms = max(last_seen_ms, excluded.last_seen_ms),
       events = events + excluded.events,
       unparsed = unparsed + excluded.unparsed`,
    );

    const insertRow = (seq: number, r: EventRow, index: number): number => {
      try {
        // prettier-ignore
        return insert.run(seq, r.id, r.timeMs, r.name, r.category, r.severity, r.outcome, r.status,
        r.clientAddress, r.userId, r.source, hash(r.body), r.body).changes;
      } catch (e) {
        // CHECK (json_valid(body)): the caller's fault, named like any other bad event.
        if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_CHECK') {
          throw Object.assign(
            new Error(`event #${index} (id ${JSON.stringify(r.id)}): body is not valid JSON`),
            {
              lwCode: 'LW_EVENT_INVALID',
              details: { index, id: r.id },
            },
          );
        }
        throw e;
      }
    };

    const prepared = new Map<string, Database.Statement>();
    const runSql = (sql: readonly SqlWrite[]): SqlResult[] =>
      sql.map((w) => {
        let st = prepared.get(w.sql);
        if (st === undefined) {
          st = db.prepare(w.sql);
          prepared.set(w.sql, st);
        }
        const r = st.run(...w.params);
        return { changes: r.changes, lastInsertRowid: Number(r.lastInsertRowid) };
      });

    const run = (
      calls: ReadonlyArray<readonly EventRow[]>,
      nowMs: number,
      indexText: boolean,
    ): AppendResult[][] => {
      const m = maxSeq.get() as number | null;
      const first = m === null ? 0 : m + 1;
      let next = first;
      const fresh = new Map<string, number>();
      const perSource = new Map<string, { events: number; unparsed: number }>();
      const out = calls.map((rows) =>
        rows.map((r, index): AppendResult => {
          const already = fresh.get(r.id);
          if (already !== undefined) return { id: r.id, seq: already, duplicate: true };
          if (insertRow(next, r, index) === 0)
            return { id: r.id, seq: seqOf.get(r.id) as number, duplicate: true };
          const seq = next++;
          fresh.set(r.id, seq);
          if (indexText && (r.message !== null || r.original !== null))
            fts.run(seq, r.message, r.original);
          const s = perSource.get(r.source) ?? { events: 0, unparsed: 0 };
          s.events++;
          if (r.unparsed) s.unparsed++;
          perSource.set(r.source, s);
          return { id: r.id, seq, duplicate: false };
        }),
      );
      // Inline indexing keeps the background cursor in step, so the mode can change between runs.
      if (indexText && next > first) ftsCursor.run(next, first);
      for (const [name, s] of perSource) source.run(name, nowMs, nowMs, s.events, s.unparsed);
      return out;
    };
    const txn = db.transaction(run);
    const txnWithSql = db.transaction(
      (
        calls: ReadonlyArray<readonly EventRow[]>,
        nowMs: number,
        indexText: boolean,
        sql: readonly SqlWrite[],
      ): [AppendResult[][], SqlResult[]] => [run(calls, nowMs, indexText), runSql(sql)],
    );
    const sqlTxn = db.transaction(runSql);

    const failure = (e: unknown): WriterFailure => {
      const x = e as { message?: unknown; code?: unknown; lwCode?: unknown; details?: unknown };
      return {
        message: typeof x?.message === 'string' ? x.message : String(e),
        ...(typeof x?.code === 'string' ? { sqliteCode: x.code } : {}),
        ...(x?.lwCode === 'LW_EVENT_INVALID' ? { lwCode: 'LW_EVENT_INVALID' as const } : {}),
        ...(x?.details !== undefined ? { details: x.details as Record<string, unknown> } : {}),
      };
    };

    const callsAlone = (
      calls: ReadonlyArray<readonly EventRow[]>,
      nowMs: number,
      indexText: boolean,
    ): CallOutcome[] =>
      calls.map((call) => {
        try {
          return { ok: txn.immediate([call], nowMs, indexText)[0] as AppendResult[] };
        } catch (e2) {
          return { error: failure(e2) };
        }
      });

    return {
      writeGroup(calls, nowMs, indexText, sql = []) {
        if (sql.length > 0) {
          try {
            const [ok, done] = txnWithSql.immediate(calls, nowMs, indexText, sql);
            return { calls: ok.map((o) => ({ ok: o })), sql: { ok: done } };
          } catch (e) {
            let alone: SqlOutcome;
            try {
              alone = { ok: sqlTxn.immediate(sql) };
            } catch (e2) {
              alone = { error: failure(calls.length === 0 ? e : e2) };
            }
            return { calls: callsAlone(calls, nowMs, indexText), sql: alone };
          }
        }
        try {
          return {
            calls: txn.immediate(calls, nowMs, indexText).map((ok) => ({ ok })),
            sql: { ok: [] },
          };
        } catch (e) {
          if (calls.length === 1) return { calls: [{ error: failure(e) }], sql: { ok: [] } };
          return { calls: callsAlone(calls, nowMs, indexText), sql: { ok: [] } };
        }
      },
    };
  }
}
