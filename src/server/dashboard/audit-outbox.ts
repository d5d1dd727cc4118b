/**
 * Admin actions taken offline by the CLI (`logwarden users ...`) are security events too, but a
 * CLI process must not append to the event store while a server may be assigning ledger
 * positions. They are queued in this small table and the running server (the dashboard
 * component) stores them as events: at start and on every review check.
 */
import type Database from 'better-sqlite3';
import type { SecurityLog } from './security-log.js';

export const AUDIT_OUTBOX_MIGRATION =
  'CREATE TABLE dashboard_audit_outbox (id INTEGER PRIMARY KEY, time_ms INTEGER NOT NULL, fields TEXT NOT NULL) STRICT';

export function queueAuditEvent(
  db: Database.Database,
  fields: Record<string, unknown>,
  nowMs = Date.now(),
): void {
  db.prepare('INSERT INTO dashboard_audit_outbox (time_ms, fields) VALUES (?, ?)').run(
    nowMs,
    JSON.stringify({ time: new Date(nowMs).toISOString(), 'log.source_id': 'cli', ...fields }),
  );
}

/** Store queued events in order; each row is deleted once its event is committed. */
export async function drainAuditOutbox(db: Database.Database, log: SecurityLog): Promise<number> {
  const rows = db
    .prepare('SELECT id, fields FROM dashboard_audit_outbox ORDER BY id LIMIT 500')
    .all() as { id: number; fields: string }[];
  let n = 0;
  for (const r of rows) {
    const done = await log.log(JSON.parse(r.fields) as Record<string, unknown>);
    if (!done) break;
    db.prepare('DELETE FROM dashboard_audit_outbox WHERE id = ?').run(r.id);
    n++;
  }
  return n;
}
