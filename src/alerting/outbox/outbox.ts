/**
 * The durable outbox: a notification is a row before anything is sent, so a crash, a restart or
 * a receiver outage loses nothing. Rows are delivered per receiver in id order; each attempt is
 * logged (the delivery log of GET /v1/alerts/:id/deliveries). A dedup key makes enqueueing
 * idempotent (the same alert never queued twice for the same purpose).
 */
import type Database from 'better-sqlite3';
import type { NotificationMessage } from '../message.js';

export type OutboxStatus = 'pending' | 'delivered' | 'failed';

export interface OutboxRow {
  readonly id: number;
  readonly receiver: string;
  readonly kind: string;
  readonly message: NotificationMessage;
  readonly createdMs: number;
  readonly nextAttemptMs: number;
  readonly attempts: number;
  readonly status: OutboxStatus;
  readonly lastError: string | null;
  readonly doneMs: number | null;
}

export interface DeliveryRecord {
  readonly outboxId: number;
  readonly receiver: string;
  readonly kind: string;
  readonly status: OutboxStatus;
  readonly attempts: number;
  readonly createdMs: number;
  readonly doneMs: number | null;
  readonly lastError: string | null;
  readonly log: readonly { timeMs: number; ok: boolean; error: string | null }[];
}

export interface Outbox {
  /** Queue a message; returns its id, or undefined when `dedupKey` was queued before. */
  enqueue(
    receiver: string,
    message: NotificationMessage,
    alertIds: readonly string[],
    nowMs: number,
    dedupKey?: string,
  ): number | undefined;
  /** The oldest pending row of a receiver, if due. */
  nextDue(receiver: string, nowMs: number): OutboxRow | undefined;
  /** The earliest next attempt of a receiver's pending rows. */
  nextAttemptMs(receiver: string): number | undefined;
  delivered(id: number, nowMs: number): void;
  failed(id: number, nowMs: number, error: string, nextAttemptMs: number, giveUp: boolean): void;
  deliveries(alertId: string): DeliveryRecord[];
  pending(receiver?: string): number;
  get(id: number): OutboxRow | undefined;
}

interface Row {
  id: number;
  receiver: string;
  kind: string;
  message: string;
  created_ms: number;
  next_attempt_ms: number;
  attempts: number;
  status: string;
  last_error: string | null;
  done_ms: number | null;
}

const fromRow = (r: Row): OutboxRow => ({
  id: r.id,
  receiver: r.receiver,
  kind: r.kind,
  message: JSON.parse(r.message) as NotificationMessage,
  createdMs: r.created_ms,
  nextAttemptMs: r.next_attempt_ms,
  attempts: r.attempts,
  status: r.status as OutboxStatus,
  lastError: r.last_error,
  doneMs: r.done_ms,
});

/** Tables must exist (ALERTING_MIGRATIONS). */
export function createOutbox(db: Database.Database): Outbox {
  const insert = db.prepare(
    `INSERT INTO alerting_outbox (receiver, kind, dedup_key, message, created_ms, next_attempt_ms)
     VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(dedup_key) DO NOTHING`,
  );
  const link = db.prepare(
    'INSERT OR IGNORE INTO alerting_outbox_alerts (outbox_id, alert_id) VALUES (?, ?)',
  );
  const due = db.prepare<[string], Row>(
    "SELECT * FROM alerting_outbox WHERE receiver = ? AND status = 'pending' ORDER BY id LIMIT 1",
  );
  const nextAt = db.prepare<[string], { t: number | null }>(
    "SELECT MIN(next_attempt_ms) AS t FROM alerting_outbox WHERE receiver = ? AND status = 'pending'",
  );
  const ok = db.prepare(
    "UPDATE alerting_outbox SET status = 'delivered', attempts = attempts + 1, done_ms = ?, last_error = NULL WHERE id = ?",
  );
  const fail = db.prepare(
    'UPDATE alerting_outbox SET status = ?, attempts = attempts + 1, last_error = ?, next_attempt_ms = ?, done_ms = ? WHERE id = ?',
  );
  const attempt = db.prepare(
    'INSERT INTO alerting_attempts (outbox_id, time_ms, ok, error) VALUES (?, ?, ?, ?)',
  );
  const byAlert = db.prepare<[string], Row>(
    'SELECT o.* FROM alerting_outbox o JOIN alerting_outbox_alerts l ON l.outbox_id = o.id WHERE l.alert_id = ? ORDER BY o.id',
  );
  const attemptsOf = db.prepare<[number], { time_ms: number; ok: number; error: string | null }>(
    'SELECT time_ms, ok, error FROM alerting_attempts WHERE outbox_id = ? ORDER BY time_ms, rowid',
  );
  const one = db.prepare<[number], Row>('SELECT * FROM alerting_outbox WHERE id = ?');
  const enqueue = db.transaction(
    (
      receiver: string,
      m: NotificationMessage,
      alertIds: readonly string[],
      now: number,
      dedupKey?: string,
    ) => {
      const r = insert.run(receiver, m.kind, dedupKey ?? null, JSON.stringify(m), now, now);
      if (r.changes === 0) return undefined;
      const id = Number(r.lastInsertRowid);
      for (const a of alertIds) link.run(id, a);
      return id;
    },
  );
  const delivered = db.transaction((id: number, now: number) => {
    ok.run(now, id);
    attempt.run(id, now, 1, null);
  });
  const failed = db.transaction(
    (id: number, now: number, error: string, next: number, giveUp: boolean) => {
      fail.run(giveUp ? 'failed' : 'pending', error, next, giveUp ? now : null, id);
      attempt.run(id, now, 0, error);
    },
  );
  return {
    enqueue: (receiver, m, ids, now, key) => enqueue.immediate(receiver, m, ids, now, key),
    nextDue(receiver, now) {
      // Head of line per receiver keeps order; a failing head delays only its own receiver.
      const r = due.get(receiver);
      return r && r.next_attempt_ms <= now ? fromRow(r) : undefined;
    },
    nextAttemptMs: (receiver) => nextAt.get(receiver)?.t ?? undefined,
    delivered: (id, now) => delivered.immediate(id, now),
    failed: (id, now, error, next, giveUp) => failed.immediate(id, now, error, next, giveUp),
    deliveries: (alertId) =>
      byAlert.all(alertId).map((r) => ({
        outboxId: r.id,
        receiver: r.receiver,
        kind: r.kind,
        status: r.status as OutboxStatus,
        attempts: r.attempts,
        createdMs: r.created_ms,
        doneMs: r.done_ms,
        lastError: r.last_error,
        log: attemptsOf
          .all(r.id)
          .map((a) => ({ timeMs: a.time_ms, ok: a.ok === 1, error: a.error })),
      })),
    pending: (receiver) =>
      (
        (receiver === undefined
          ? db.prepare("SELECT COUNT(*) AS n FROM alerting_outbox WHERE status = 'pending'").get()
          : db
              .prepare(
                "SELECT COUNT(*) AS n FROM alerting_outbox WHERE status = 'pending' AND receiver = ?",
              )
              .get(receiver)) as { n: number }
      ).n,
    get: (id) => {
      const r = one.get(id);
      return r ? fromRow(r) : undefined;
    },
  };
}
