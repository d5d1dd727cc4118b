/**
 * Alerts and their workflow, kept in the same SQLite file as the events (own tables through
 * the store's migrations). Inserting is idempotent on the alert id, so replaying the recent
 * window after a restart never duplicates an alert. Every workflow change is recorded with who
 * and when (alert_history), which is what review and assessors read.
 */
import type Database from 'better-sqlite3';
import { LogwardenError } from '../../core/errors.js';
import type { Alert, AlertSeverity } from './alert.js';
import { SEVERITY_RANK } from './alert.js';

export type AlertStatus = 'open' | 'acknowledged' | 'resolved' | 'false_positive';
export const ALERT_STATUSES: readonly AlertStatus[] = [
  'open',
  'acknowledged',
  'resolved',
  'false_positive',
];

export type AlertAction =
  'acknowledge' | 'assign' | 'resolve' | 'false_positive' | 'reopen' | 'note';

export interface StoredAlert extends Alert {
  readonly status: AlertStatus;
  readonly assignee: string | null;
  readonly createdMs: number;
  readonly updatedMs: number;
}

export interface AlertHistoryEntry {
  readonly alertId: string;
  readonly timeMs: number;
  readonly actor: string;
  readonly action: AlertAction | 'created' | 'updated';
  readonly detail: string | null;
}

export interface AlertFilter {
  readonly status?: readonly AlertStatus[];
  readonly minSeverity?: AlertSeverity;
  readonly rule?: string;
  readonly entity?: string;
  readonly assignee?: string;
  readonly sinceMs?: number;
  readonly untilMs?: number;
  /** Cursor: created before this (createdMs, id) pair, newest first. */
  readonly before?: { createdMs: number; id: string };
  readonly limit?: number;
}

const MIGRATIONS = [
  `CREATE TABLE alerts (
     id TEXT PRIMARY KEY,
     created_ms INTEGER NOT NULL,
     updated_ms INTEGER NOT NULL,
     kind TEXT NOT NULL,
     rule_key TEXT NOT NULL,
     title TEXT NOT NULL,
     severity TEXT NOT NULL,
     severity_rank INTEGER NOT NULL,
     entity_type TEXT NOT NULL,
     entity_value TEXT NOT NULL,
     count INTEGER NOT NULL,
     first_ms INTEGER NOT NULL,
     last_ms INTEGER NOT NULL,
     status TEXT NOT NULL DEFAULT 'open',
     assignee TEXT,
     body TEXT NOT NULL
   ) STRICT`,
  'CREATE INDEX alerts_created ON alerts (created_ms DESC, id)',
  'CREATE INDEX alerts_status ON alerts (status, severity_rank)',
  'CREATE INDEX alerts_entity ON alerts (entity_value)',
  `CREATE TABLE alert_history (
     alert_id TEXT NOT NULL REFERENCES alerts(id),
     time_ms INTEGER NOT NULL,
     actor TEXT NOT NULL,
     action TEXT NOT NULL,
     detail TEXT
   ) STRICT`,
  'CREATE INDEX alert_history_alert ON alert_history (alert_id, time_ms)',
];

interface Row {
  id: string;
  created_ms: number;
  updated_ms: number;
  status: string;
  assignee: string | null;
  body: string;
}

const TRANSITIONS: Readonly<
  Record<AlertAction, { from: readonly AlertStatus[]; to?: AlertStatus }>
> = {
  acknowledge: { from: ['open'], to: 'acknowledged' },
  resolve: { from: ['open', 'acknowledged'], to: 'resolved' },
  false_positive: { from: ['open', 'acknowledged'], to: 'false_positive' },
  reopen: { from: ['acknowledged', 'resolved', 'false_positive'], to: 'open' },
  assign: { from: ALERT_STATUSES },
  note: { from: ALERT_STATUSES },
};

export interface AlertStore {
  /** Store a new alert; an alert whose id exists is merged (count, last seen, events). Returns true if new. */
  upsert(alert: Alert, nowMs: number): boolean;
  /**
   * Several alerts in one transaction (one fsync), with extra writes of the caller (a cursor) in
   * the same transaction. Returns each stored alert and whether it was new.
   */
  upsertMany(
    alerts: readonly Alert[],
    nowMs: number,
    also?: () => void,
  ): Array<{ alert: StoredAlert; isNew: boolean }>;
  get(id: string): StoredAlert | undefined;
  list(filter?: AlertFilter): StoredAlert[];
  /** Apply a workflow action as `actor`; throws LW_CONFLICT when the action does not fit the status. */
  act(id: string, action: AlertAction, actor: string, nowMs: number, detail?: string): StoredAlert;
  history(id: string): AlertHistoryEntry[];
  countByStatusAndSeverity(): Array<{
    status: AlertStatus;
    severity: AlertSeverity;
    count: number;
  }>;
}

/** Tables are created through the event store's versioned migrations. */
export function createAlertStore(
  db: Database.Database,
  migrate: (namespace: string, steps: string[]) => unknown,
): AlertStore {
  migrate('alerts', MIGRATIONS);
  const insert = db.prepare(
    `INSERT INTO alerts (id, created_ms, updated_ms, kind, rule_key, title, severity, severity_rank,
       entity_type, entity_value, count, first_ms, last_ms, body)
     VALUES (@id, @now, @now, @kind, @rule_key, @title, @severity, @rank, @etype, @evalue, @count, @first, @last, @body)
     ON CONFLICT(id) DO NOTHING`,
  );
  const selectOne = db.prepare<[string], Row>(
    'SELECT id, created_ms, updated_ms, status, assignee, body FROM alerts WHERE id = ?',
  );
  const updateMerge = db.prepare(
    'UPDATE alerts SET count = @count, last_ms = @last, updated_ms = @now, body = @body WHERE id = @id',
  );
  const updateState = db.prepare(
    'UPDATE alerts SET status = @status, assignee = @assignee, updated_ms = @now WHERE id = @id',
  );
  const addHistory = db.prepare(
    'INSERT INTO alert_history (alert_id, time_ms, actor, action, detail) VALUES (?, ?, ?, ?, ?)',
  );
  const selectHistory = db.prepare<
    [string],
    { alert_id: string; time_ms: number; actor: string; action: string; detail: string | null }
  >(
    'SELECT alert_id, time_ms, actor, action, detail FROM alert_history WHERE alert_id = ? ORDER BY time_ms, rowid',
  );

  const fromRow = (r: Row): StoredAlert => ({
    ...(JSON.parse(r.body) as Alert),
    status: r.status as AlertStatus,
    assignee: r.assignee,
    createdMs: r.created_ms,
    updatedMs: r.updated_ms,
  });

  const upsert = db.transaction((alert: Alert, nowMs: number): boolean => {
    const res = insert.run({
      id: alert.id,
      now: nowMs,
      kind: alert.kind,
      rule_key: alert.rule.name ?? alert.rule.id ?? alert.rule.title,
      title: alert.rule.title,
      severity: alert.severity,
      rank: SEVERITY_RANK[alert.severity],
      etype: alert.entity.type,
      evalue: alert.entity.value,
      count: alert.count,
      first: alert.firstSeenMs,
      last: alert.lastSeenMs,
      body: JSON.stringify(alert),
    });
    if (res.changes === 1) {
      addHistory.run(alert.id, nowMs, 'logwarden', 'created', null);
      return true;
    }
    // Same id seen again (replay or a later window of the same group): keep the larger view.
    const existing = selectOne.get(alert.id);
    if (existing) {
      const prev = JSON.parse(existing.body) as Alert;
      if (alert.count > prev.count || alert.lastSeenMs > prev.lastSeenMs) {
        const merged: Alert = {
          ...prev,
          count: Math.max(prev.count, alert.count),
          lastSeenMs: Math.max(prev.lastSeenMs, alert.lastSeenMs),
          events: alert.events.length >= prev.events.length ? alert.events : prev.events,
        };
        updateMerge.run({
          id: alert.id,
          count: merged.count,
          last: merged.lastSeenMs,
          now: nowMs,
          body: JSON.stringify(merged),
        });
      }
    }
    return false;
  });

  const act = db.transaction(
    (
      id: string,
      action: AlertAction,
      actor: string,
      nowMs: number,
      detail?: string,
    ): StoredAlert => {
      const row = selectOne.get(id);
      if (!row) throw new LogwardenError('LW_NOT_FOUND', `alert ${id} does not exist`);
      const t = TRANSITIONS[action];
      const status = row.status as AlertStatus;
      if (!t.from.includes(status)) {
        throw new LogwardenError(
          'LW_CONFLICT',
          `cannot ${action.replace('_', ' ')} alert ${id}: it is ${status.replace('_', ' ')}`,
        );
      }
      if (action === 'assign' && (detail === undefined || detail === '')) {
        throw new LogwardenError('LW_USAGE', 'assign needs the assignee name');
      }
      if (action === 'note' && (detail === undefined || detail.trim() === '')) {
        throw new LogwardenError('LW_USAGE', 'a note cannot be empty');
      }
      updateState.run({
        id,
        status: t.to ?? status,
        assignee: action === 'assign' ? detail : row.assignee,
        now: nowMs,
      });
      addHistory.run(id, nowMs, actor, action, detail ?? null);
      return fromRow(selectOne.get(id)!);
    },
  );

  const upsertMany = db.transaction((list: readonly Alert[], nowMs: number, also?: () => void) => {
    const out: Array<{ alert: StoredAlert; isNew: boolean }> = [];
    for (const a of list) {
      const isNew = upsert(a, nowMs);
      const row = selectOne.get(a.id);
      if (row) out.push({ alert: fromRow(row), isNew });
    }
    also?.();
    return out;
  });

  return {
    upsert: (a, now) => upsert(a, now),
    upsertMany: (list, now, also) => upsertMany(list, now, also),
    get: (id) => {
      const r = selectOne.get(id);
      return r ? fromRow(r) : undefined;
    },
    list(f = {}) {
      const where: string[] = [];
      const params: unknown[] = [];
      if (f.status?.length) {
        where.push(`status IN (${f.status.map(() => '?').join(',')})`);
        params.push(...f.status);
      }
      if (f.minSeverity) {
        where.push('severity_rank >= ?');
        params.push(SEVERITY_RANK[f.minSeverity]);
      }
      if (f.rule) {
        where.push('rule_key = ?');
        params.push(f.rule);
      }
      if (f.entity) {
        where.push('entity_value = ?');
        params.push(f.entity);
      }
      if (f.assignee) {
        where.push('assignee = ?');
        params.push(f.assignee);
      }
      if (f.sinceMs !== undefined) {
        where.push('last_ms >= ?');
        params.push(f.sinceMs);
      }
      if (f.untilMs !== undefined) {
        where.push('first_ms < ?');
        params.push(f.untilMs);
      }
      if (f.before) {
        where.push('(created_ms < ? OR (created_ms = ? AND id < ?))');
        params.push(f.before.createdMs, f.before.createdMs, f.before.id);
      }
      const limit = Math.min(Math.max(f.limit ?? 100, 1), 1000);
      const sql = `SELECT id, created_ms, updated_ms, status, assignee, body FROM alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_ms DESC, id DESC LIMIT ${limit}`;
      return (db.prepare(sql).all(...params) as Row[]).map(fromRow);
    },
    act: (id, action, actor, now, detail) => act(id, action, actor, now, detail),
    history: (id) =>
      selectHistory.all(id).map((r) => ({
        alertId: r.alert_id,
        timeMs: r.time_ms,
        actor: r.actor,
        action: r.action as AlertHistoryEntry['action'],
        detail: r.detail,
      })),
    countByStatusAndSeverity: () =>
      db
        .prepare('SELECT status, severity, COUNT(*) AS count FROM alerts GROUP BY status, severity')
        .all() as Array<{ status: AlertStatus; severity: AlertSeverity; count: number }>,
  };
}
