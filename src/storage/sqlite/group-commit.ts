/**
 * Group commit. Append calls queue their rows; one group is sent to the write backend from a
 * macrotask (setImmediate), so every call made in the same tick shares one transaction and one
 * fsync. While a group is being committed (in the writer thread, the event loop keeps running)
 * new calls gather into the next group, which is sent as soon as the current one is done. Each
 * promise resolves after the commit that holds its events, or rejects with that call's own error.
 */
import { LogwardenError } from '../../core/errors.js';
import type { AppendResult } from '../types.js';
import type { EventRow } from './event-rows.js';
import { storeError } from './store-error.js';
import type { WriteBackend } from './write-backend.js';
import type { CallOutcome, SqlOutcome, SqlResult, SqlWrite, WriterFailure } from './writer.js';

interface Pending {
  readonly rows: readonly EventRow[];
  readonly resolve: (r: AppendResult[]) => void;
  readonly reject: (e: unknown) => void;
}

interface PendingSql {
  readonly sql: readonly SqlWrite[];
  readonly resolve: (r: SqlResult[]) => void;
  readonly reject: (e: unknown) => void;
}

export interface GroupCommitOptions {
  readonly backend: WriteBackend;
  /** Database file, for error messages. */
  readonly path: string;
  readonly indexText: boolean;
  readonly now: () => number;
  /** Called after each group (committed or not), e.g. to schedule background indexing. */
  readonly afterGroup?: () => void;
}

/** commits: groups written; appended / duplicates: events; failed: events of rejected calls. */
export interface GroupCommitStats {
  commits: number;
  appended: number;
  duplicates: number;
  failed: number;
}

export class GroupCommit {
  readonly #o: GroupCommitOptions;
  #pending: Pending[] = [];
  #pendingSql: PendingSql[] = [];
  #scheduled = false;
  #inFlight: Promise<void> | undefined;
  readonly #stats: GroupCommitStats = { commits: 0, appended: 0, duplicates: 0, failed: 0 };

  constructor(options: GroupCommitOptions) {
    this.#o = options;
  }

  enqueue(rows: readonly EventRow[]): Promise<AppendResult[]> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ rows, resolve, reject });
      this.#kick();
    });
  }

  /**
   * Statements to commit in the transaction of the next group (all or nothing, after its rows);
   * resolves once durable. Another module's small writes thus cost no extra transaction nor
   * fsync, and never wait on this connection's lock from the event loop.
   */
  enqueueSql(sql: readonly SqlWrite[]): Promise<SqlResult[]> {
    return new Promise((resolve, reject) => {
      this.#pendingSql.push({ sql, resolve, reject });
      this.#kick();
    });
  }

  /** Wait until everything enqueued so far is committed (or failed). */
  async drain(): Promise<void> {
    while (
      this.#inFlight !== undefined ||
      this.#pending.length > 0 ||
      this.#pendingSql.length > 0
    ) {
      this.#send();
      await this.#inFlight;
    }
  }

  stats(): GroupCommitStats {
    return { ...this.#stats };
  }

  /** What waits: append calls and riding statements queued, and whether a commit is running. */
  pending(): { calls: number; statements: number; committing: boolean } {
    return {
      calls: this.#pending.length,
      statements: this.#pendingSql.length,
      committing: this.#inFlight !== undefined,
    };
  }

  #kick(): void {
    if (this.#scheduled || this.#inFlight !== undefined) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#send();
    });
  }

  #send(): void {
    if (
      this.#inFlight !== undefined ||
      (this.#pending.length === 0 && this.#pendingSql.length === 0)
    )
      return;
    const group = this.#pending;
    const riders = this.#pendingSql;
    this.#pending = [];
    this.#pendingSql = [];
    this.#inFlight = this.#o.backend
      .write(
        group.map((p) => p.rows),
        this.#o.now(),
        this.#o.indexText,
        riders.flatMap((r) => r.sql),
      )
      .then(
        (outcome) => {
          if (group.length > 0) this.#settle(group, outcome.calls);
          this.#settleSql(riders, outcome.sql);
        },
        (e: unknown) => {
          for (const p of group) {
            this.#stats.failed += p.rows.length;
            p.reject(storeError(this.#o.path, 'append', e));
          }
          for (const r of riders) r.reject(storeError(this.#o.path, 'write', e));
        },
      )
      .finally(() => {
        this.#inFlight = undefined;
        this.#o.afterGroup?.();
        // From a macrotask, never straight from this microtask: with the main-thread writer a
        // steady stream of appends would otherwise chain commits forever without the event
        // loop ever turning (timers, sockets starved). Test: "lets timers run between commits".
        if (this.#pending.length > 0 || this.#pendingSql.length > 0) this.#kick();
      });
  }

  #settle(group: readonly Pending[], outcomes: readonly CallOutcome[]): void {
    this.#stats.commits++;
    group.forEach((p, i) => {
      const o = outcomes[i] as CallOutcome;
      if ('ok' in o) {
        for (const r of o.ok) {
          if (r.duplicate) this.#stats.duplicates++;
          else this.#stats.appended++;
        }
        p.resolve(o.ok);
      } else {
        this.#stats.failed += p.rows.length;
        p.reject(this.#failure(o.error));
      }
    });
  }

  #settleSql(riders: readonly PendingSql[], outcome: SqlOutcome): void {
    if ('error' in outcome) {
      const e = this.#failure(outcome.error);
      for (const r of riders) r.reject(e);
      return;
    }
    let at = 0;
    for (const r of riders) {
      r.resolve(outcome.ok.slice(at, at + r.sql.length));
      at += r.sql.length;
    }
  }

  #failure(f: WriterFailure): LogwardenError {
    if (f.lwCode !== undefined) {
      return new LogwardenError(
        f.lwCode,
        f.message,
        f.details === undefined ? undefined : { details: f.details },
      );
    }
    return storeError(
      this.#o.path,
      'append',
      Object.assign(new Error(f.message), { code: f.sqliteCode }),
    );
  }
}
