/**
 * The writer thread's wait for the write lock: a group is retried while another connection holds
 * the lock, up to the busy timeout, with SQLite's back-off (1, 2, 4 ... 50 ms) but sleeping in
 * `sleep` (Atomics.wait in the thread, which terminating the thread interrupts; a thread asleep
 * in SQLite's own busy handler cannot be).
 *
 * Only what met the lock is retried. A group whose transaction fails is retried call by call
 * (Writer.writeGroup), and the lock can come free between those calls: the ones that committed
 * are done, the ones that met the lock wait for their turn like the rest of the group would
 * have. (Retrying only when every part met the lock answered those with SQLITE_BUSY at once,
 * though the wait is 30 s: appends failed with 503 when the main connection wrote often, e.g.
 * alerting flushes and checkpoints beside ingest.) Riding statements that committed are never
 * run twice.
 *
 * Must stay SELF-CONTAINED (no imports used inside, no outer variables): the writer thread runs
 * its source text, like createWriter's.
 */
import type { EventRow } from './event-rows.js';
import type { CallOutcome, GroupOutcome, SqlOutcome, SqlWrite, Writer } from './writer.js';

export interface GroupWrite {
  readonly calls: ReadonlyArray<readonly EventRow[]>;
  readonly nowMs: number;
  readonly indexText: boolean;
  readonly sql?: readonly SqlWrite[];
}

/**
 * @example
 * writeGroupWaiting(writer, m, 30_000, (ms) => Atomics.wait(pause, 0, 0, ms), Date.now);
 */
export function writeGroupWaiting(
  writer: Pick<Writer, 'writeGroup'>,
  m: GroupWrite,
  busyTimeoutMs: number,
  sleep: (ms: number) => void,
  now: () => number,
): GroupOutcome {
  const busy = (o: CallOutcome | SqlOutcome): boolean =>
    'error' in o && /^SQLITE_BUSY/.test(o.error.sqliteCode ?? '');
  const until = now() + busyTimeoutMs;
  const calls: CallOutcome[] = new Array<CallOutcome>(m.calls.length);
  let sql: SqlOutcome = { ok: [] };
  let pending = m.calls.map((_, i) => i);
  let sqlPending = m.sql !== undefined && m.sql.length > 0;
  for (let delay = 1; ; delay = Math.min(delay * 2, 50)) {
    const o = writer.writeGroup(
      pending.map((i) => m.calls[i] as readonly EventRow[]),
      m.nowMs,
      m.indexText,
      sqlPending ? m.sql : undefined,
    );
    const last = now() >= until;
    const again: number[] = [];
    o.calls.forEach((c, k) => {
      const i = pending[k] as number;
      if (!last && busy(c)) again.push(i);
      else calls[i] = c;
    });
    if (sqlPending && (last || !busy(o.sql))) {
      sql = o.sql;
      sqlPending = false;
    }
    pending = again;
    if (pending.length === 0 && !sqlPending) return { calls, sql };
    sleep(Math.min(delay, Math.max(1, until - now())));
  }
}
