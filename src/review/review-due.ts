/**
 * What a reviewer must look at for a task: what happened in its scope since the last sign-off —
 * new alerts, notable events (failures and WARN or worse), anomalies (anomaly and silence
 * alerts) — and the alert raised when a review is overdue.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Alert } from '../detection/alerts/alert.js';
import type { AlertStore, StoredAlert } from '../detection/alerts/alert-store.js';
import type { ReviewTask, TaskState } from './review-store.js';

export interface NotableEvent {
  readonly seq: number;
  readonly id: string;
  readonly timeMs: number;
  readonly name: string;
  readonly source: string;
  readonly user: string | null;
  readonly client: string | null;
  readonly severity: string | null;
  readonly outcome: string | null;
}

export interface DueItems {
  readonly sinceMs: number;
  readonly untilMs: number;
  readonly eventsInScope: number;
  readonly notable: readonly NotableEvent[];
  readonly notableTotal: number;
  readonly alerts: readonly StoredAlert[];
  readonly anomalies: readonly StoredAlert[];
}

const MAX_NOTABLE = 100;

function scopeSql(t: ReviewTask): { sql: string; args: string[] } {
  if (t.scopeKind === 'source') return { sql: ' AND source = ?', args: [t.scopeValue] };
  if (t.scopeKind === 'category') return { sql: ' AND category = ?', args: [t.scopeValue] };
  return { sql: '', args: [] };
}

/** Whether an alert belongs to a task's scope (by its entity or its triggering events). */
function inScope(db: Database.Database, t: ReviewTask, a: StoredAlert): boolean {
  if (t.scopeKind === 'all') return true;
  if (t.scopeKind === 'source' && a.entity.type === 'source' && a.entity.value === t.scopeValue)
    return true;
  const col = t.scopeKind === 'source' ? 'source' : 'category';
  const get = db.prepare(`SELECT ${col} AS v FROM events WHERE seq = ?`);
  return a.events.some((e) => {
    if (e.seq === undefined) return false;
    const r = get.get(e.seq) as { v: string | null } | undefined;
    return r?.v === t.scopeValue;
  });
}

export function dueItems(
  db: Database.Database,
  alerts: AlertStore | undefined,
  t: ReviewTask,
  state: TaskState,
  nowMs: number,
): DueItems {
  const { sql, args } = scopeSql(t);
  const since = state.sinceMs;
  const eventsInScope = (
    db
      .prepare(
        `SELECT COUNT(*) AS n FROM events WHERE time_ms >= ? AND time_ms < ? AND body IS NOT NULL${sql}`,
      )
      .get(since, nowMs, ...args) as { n: number }
  ).n;
  const notableWhere = `time_ms >= ? AND time_ms < ? AND body IS NOT NULL${sql}
      AND (outcome = 'failure' OR severity IN ('WARN', 'ERROR', 'CRITICAL'))`;
  const notable = db
    .prepare(
      `SELECT seq, id, time_ms AS timeMs, name, source, user_id AS user, client_address AS client, severity, outcome
         FROM events WHERE ${notableWhere} ORDER BY seq DESC LIMIT ?`,
    )
    .all(since, nowMs, ...args, MAX_NOTABLE) as NotableEvent[];
  const notableTotal =
    notable.length < MAX_NOTABLE
      ? notable.length
      : (
          db
            .prepare(`SELECT COUNT(*) AS n FROM events WHERE ${notableWhere}`)
            .get(since, nowMs, ...args) as { n: number }
        ).n;
  const recent = (alerts?.list({ sinceMs: since, limit: 500 }) ?? []).filter(
    (a) => a.createdMs < nowMs && a.rule.id !== 'logwarden.review_overdue' && inScope(db, t, a),
  );
  return {
    sinceMs: since,
    untilMs: nowMs,
    eventsInScope,
    notable,
    notableTotal,
    alerts: recent.filter((a) => a.kind !== 'anomaly' && a.kind !== 'silence'),
    anomalies: recent.filter((a) => a.kind === 'anomaly' || a.kind === 'silence'),
  };
}

/** A UUID-shaped id derived from the text (alert ids are UUIDs; the same input gives the same id). */
function uuidFrom(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The alert for an overdue review (ARCHITECTURE §6: overdue reviews are themselves alerts). Its id
 * is derived from the task and the due time, so one overdue period raises one alert.
 */
export function overdueAlert(t: ReviewTask, state: TaskState, nowMs: number): Alert {
  const scope = t.scopeKind === 'all' ? 'all sources' : `${t.scopeKind} ${t.scopeValue}`;
  return {
    id: uuidFrom(`review-overdue:${t.id}:${state.dueMs}`),
    kind: 'system',
    rule: {
      id: 'logwarden.review_overdue',
      name: 'review_overdue',
      title: `Log review overdue: ${t.name}`,
    },
    severity: 'medium',
    entity:
      t.scopeKind === 'source'
        ? { type: 'source', value: t.scopeValue }
        : { type: 'none', value: t.name },
    groupKey: { review_task: t.name },
    count: 1,
    firstSeenMs: state.dueMs,
    lastSeenMs: nowMs,
    tags: ['logwarden.review', 'pci_dss.10.4.1'],
    attack: [],
    summary: `The ${t.frequency} review "${t.name}" (${scope}) was due ${new Date(state.dueMs).toISOString()} and has no sign-off.`,
    events: [],
    eventsOmitted: 0,
  };
}
