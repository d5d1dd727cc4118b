/**
 * Scheduled log review (PCI DSS v4.0 req. 10.4.1-10.4.2: review security events daily, others
 * periodically, and keep the record): review tasks per source or category with a frequency, and
 * sign-offs by reviewers. Each sign-off is also stored as a `review_signoff` event, so the review
 * trail is a leaf of the ledger like every event (tamper-evident); the row here keeps its seq/id.
 */
import type Database from 'better-sqlite3';
import { LogwardenError } from '../core/errors.js';

export const FREQUENCIES = { daily: 86_400, weekly: 604_800 } as const;
export type Frequency = keyof typeof FREQUENCIES | 'custom';
export type ScopeKind = 'all' | 'source' | 'category';

export interface ReviewTask {
  readonly id: number;
  readonly name: string;
  readonly scopeKind: ScopeKind;
  /** Source name or event.category; empty for `all`. */
  readonly scopeValue: string;
  readonly frequency: Frequency;
  readonly everySecs: number;
  readonly createdMs: number;
  readonly createdBy: string;
  readonly lastSignoffMs: number | null;
}

export interface TaskState {
  /** Start of the period under review: the last sign-off, or one period before the task's creation. */
  readonly sinceMs: number;
  readonly dueMs: number;
  readonly overdue: boolean;
}

export interface Signoff {
  readonly id: number;
  readonly taskId: number;
  readonly reviewer: string;
  readonly timeMs: number;
  readonly fromMs: number;
  readonly toMs: number;
  readonly notes: string;
  readonly exceptions: readonly string[];
  /** Counts of what was looked at (alerts, notable events, anomalies, events in scope). */
  readonly seen: Readonly<Record<string, number>>;
  readonly eventId: string;
  readonly eventSeq: number;
}

export const REVIEW_MIGRATIONS: readonly string[] = [
  `CREATE TABLE review_tasks (
     id INTEGER PRIMARY KEY,
     name TEXT NOT NULL UNIQUE,
     scope_kind TEXT NOT NULL,
     scope_value TEXT NOT NULL,
     frequency TEXT NOT NULL,
     every_secs INTEGER NOT NULL,
     created_ms INTEGER NOT NULL,
     created_by TEXT NOT NULL,
     last_signoff_ms INTEGER,
     overdue_alerted_due_ms INTEGER
   ) STRICT`,
  `CREATE TABLE review_signoffs (
     id INTEGER PRIMARY KEY,
     task_id INTEGER NOT NULL REFERENCES review_tasks(id),
     reviewer TEXT NOT NULL,
     time_ms INTEGER NOT NULL,
     from_ms INTEGER NOT NULL,
     to_ms INTEGER NOT NULL,
     notes TEXT NOT NULL,
     exceptions TEXT NOT NULL,
     seen TEXT NOT NULL,
     event_id TEXT NOT NULL,
     event_seq INTEGER NOT NULL
   ) STRICT`,
  'CREATE INDEX review_signoffs_task ON review_signoffs (task_id, time_ms)',
];

/** When a task falls due and whether it is overdue (after a grace period). */
export function taskState(t: ReviewTask, nowMs: number, graceMs: number): TaskState {
  // A task never signed off covers the period before its creation and is due at once: a new
  // daily review starts with yesterday, not with an empty day.
  const periodMs = t.everySecs * 1000;
  const sinceMs = t.lastSignoffMs ?? t.createdMs - periodMs;
  const dueMs = sinceMs + periodMs;
  return { sinceMs, dueMs, overdue: nowMs > dueMs + graceMs };
}

export interface NewTask {
  readonly name: string;
  readonly scopeKind: ScopeKind;
  readonly scopeValue?: string;
  readonly frequency: Frequency;
  /** Required for `custom`, ignored otherwise. */
  readonly everySecs?: number;
}

export function checkNewTask(t: NewTask): Required<NewTask> {
  if (typeof t.name !== 'string' || !/^[\p{L}\p{N}][\p{L}\p{N} ._:/-]{0,79}$/u.test(t.name))
    throw new LogwardenError('LW_USAGE', 'name: 1-80 letters, digits, spaces and . _ : / -');
  if (!['all', 'source', 'category'].includes(t.scopeKind))
    throw new LogwardenError('LW_USAGE', 'scope: expected all, source or category');
  const scopeValue = t.scopeKind === 'all' ? '' : (t.scopeValue ?? '');
  if (t.scopeKind !== 'all' && (scopeValue === '' || scopeValue.length > 200))
    throw new LogwardenError('LW_USAGE', `scope_value: the ${t.scopeKind} to review is required`);
  let everySecs: number;
  if (t.frequency === 'custom') {
    everySecs = Number(t.everySecs);
    if (!Number.isInteger(everySecs) || everySecs < 300 || everySecs > 31_536_000)
      throw new LogwardenError(
        'LW_USAGE',
        'every_secs: a custom frequency needs 300 to 31536000 seconds',
      );
  } else if (t.frequency === 'daily' || t.frequency === 'weekly')
    everySecs = FREQUENCIES[t.frequency];
  else throw new LogwardenError('LW_USAGE', 'frequency: expected daily, weekly or custom');
  return { name: t.name, scopeKind: t.scopeKind, scopeValue, frequency: t.frequency, everySecs };
}

type TaskRow = {
  id: number;
  name: string;
  scope_kind: string;
  scope_value: string;
  frequency: string;
  every_secs: number;
  created_ms: number;
  created_by: string;
  last_signoff_ms: number | null;
};
const toTask = (r: TaskRow): ReviewTask => ({
  id: r.id,
  name: r.name,
  scopeKind: r.scope_kind as ScopeKind,
  scopeValue: r.scope_value,
  frequency: r.frequency as Frequency,
  everySecs: r.every_secs,
  createdMs: r.created_ms,
  createdBy: r.created_by,
  lastSignoffMs: r.last_signoff_ms,
});
type SignoffRow = {
  id: number;
  task_id: number;
  reviewer: string;
  time_ms: number;
  from_ms: number;
  to_ms: number;
  notes: string;
  exceptions: string;
  seen: string;
  event_id: string;
  event_seq: number;
};
const toSignoff = (r: SignoffRow): Signoff => ({
  id: r.id,
  taskId: r.task_id,
  reviewer: r.reviewer,
  timeMs: r.time_ms,
  fromMs: r.from_ms,
  toMs: r.to_ms,
  notes: r.notes,
  exceptions: JSON.parse(r.exceptions) as string[],
  seen: JSON.parse(r.seen) as Record<string, number>,
  eventId: r.event_id,
  eventSeq: r.event_seq,
});

export interface ReviewStore {
  create(t: NewTask, by: string, nowMs?: number): ReviewTask;
  list(): ReviewTask[];
  get(id: number): ReviewTask | undefined;
  addSignoff(s: Omit<Signoff, 'id'>): Signoff;
  signoffs(taskId?: number): Signoff[];
  /** Record that the overdue alert for the period due at `dueMs` was raised; false if it already was. */
  markOverdueAlerted(taskId: number, dueMs: number): boolean;
}

/**
 * @example
 * const reviews = createReviewStore(store.db, (ns, steps) => store.migrate(ns, steps));
 * reviews.create({ name: 'web daily', scopeKind: 'source', scopeValue: 'web', frequency: 'daily' }, 'user:ana');
 */
export function createReviewStore(
  db: Database.Database,
  migrate: (namespace: string, steps: string[]) => unknown,
): ReviewStore {
  migrate('review', [...REVIEW_MIGRATIONS]);
  const getTask = db.prepare('SELECT * FROM review_tasks WHERE id = ?');
  return {
    create(t, by, nowMs = Date.now()) {
      const c = checkNewTask(t);
      if (db.prepare('SELECT 1 FROM review_tasks WHERE name = ?').get(c.name))
        throw new LogwardenError('LW_CONFLICT', `a review task named "${c.name}" exists`);
      const r = db
        .prepare(
          'INSERT INTO review_tasks (name, scope_kind, scope_value, frequency, every_secs, created_ms, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(c.name, c.scopeKind, c.scopeValue, c.frequency, c.everySecs, nowMs, by);
      return toTask(getTask.get(r.lastInsertRowid) as TaskRow);
    },
    list: () =>
      (db.prepare('SELECT * FROM review_tasks ORDER BY name').all() as TaskRow[]).map(toTask),
    get: (id) => {
      const r = getTask.get(id) as TaskRow | undefined;
      return r && toTask(r);
    },
    addSignoff(s) {
      return db.transaction(() => {
        const r = db
          .prepare(
            'INSERT INTO review_signoffs (task_id, reviewer, time_ms, from_ms, to_ms, notes, exceptions, seen, event_id, event_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
          )
          .run(
            s.taskId,
            s.reviewer,
            s.timeMs,
            s.fromMs,
            s.toMs,
            s.notes,
            JSON.stringify(s.exceptions),
            JSON.stringify(s.seen),
            s.eventId,
            s.eventSeq,
          );
        db.prepare('UPDATE review_tasks SET last_signoff_ms = ? WHERE id = ?').run(
          s.toMs,
          s.taskId,
        );
        return { ...s, id: Number(r.lastInsertRowid) };
      })();
    },
    signoffs: (taskId) =>
      (taskId === undefined
        ? (db.prepare('SELECT * FROM review_signoffs ORDER BY time_ms, id').all() as SignoffRow[])
        : (db
            .prepare('SELECT * FROM review_signoffs WHERE task_id = ? ORDER BY time_ms, id')
            .all(taskId) as SignoffRow[])
      ).map(toSignoff),
    markOverdueAlerted(taskId, dueMs) {
      return (
        db
          .prepare(
            'UPDATE review_tasks SET overdue_alerted_due_ms = ? WHERE id = ? AND (overdue_alerted_due_ms IS NULL OR overdue_alerted_due_ms <> ?)',
          )
          .run(dueMs, taskId, dueMs).changes === 1
      );
    },
  };
}
