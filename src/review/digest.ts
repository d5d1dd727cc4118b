/**
 * The review digest (daily) and summary (weekly): what happened (events by kind, new alerts by
 * severity, sign-offs), what is open (alerts not resolved, highest severity first), what is
 * overdue (review tasks) and which sources went silent. Built as an alerting NotificationMessage
 * of kind `digest`, so every receiver (webhook, Slack, Teams, email, syslog, PagerDuty) can send it.
 */
import type Database from 'better-sqlite3';
import {
  maxSeverity,
  toMessageAlert,
  MESSAGE_ALERTS,
  type NotificationMessage,
} from '../alerting/message.js';
import { SEVERITY_RANK, type AlertSeverity } from '../detection/alerts/alert.js';
import type { AlertStore } from '../detection/alerts/alert-store.js';
import type { EventStore } from '../storage/types.js';
import { silenceOf, type SilencePolicy } from './overview.js';
import { taskState, type ReviewStore } from './review-store.js';

export type DigestPeriod = 'daily' | 'weekly';

export interface DigestFacts {
  readonly period: DigestPeriod;
  readonly fromMs: number;
  readonly toMs: number;
  readonly eventsByKind: Readonly<Record<string, number>>;
  readonly newAlertsBySeverity: Readonly<Record<string, number>>;
  readonly open: ReturnType<AlertStore['list']>;
  readonly openTotal: number;
  readonly overdue: readonly { name: string; dueMs: number }[];
  readonly signoffs: readonly {
    task: string;
    reviewer: string;
    timeMs: number;
    exceptions: number;
  }[];
  readonly silent: readonly string[];
}

export function gatherDigest(o: {
  db: Database.Database;
  store: EventStore;
  alerts: AlertStore | undefined;
  reviews: ReviewStore;
  period: DigestPeriod;
  nowMs: number;
  graceMs: number;
  silence: SilencePolicy;
}): DigestFacts {
  const fromMs = o.nowMs - (o.period === 'daily' ? 86_400_000 : 604_800_000);
  const eventsByKind: Record<string, number> = {};
  for (const r of o.db
    .prepare(
      `SELECT COALESCE(category, 'other') AS k, COUNT(*) AS n FROM events
        WHERE time_ms >= ? AND time_ms < ? AND body IS NOT NULL GROUP BY k ORDER BY n DESC`,
    )
    .all(fromMs, o.nowMs) as { k: string; n: number }[])
    eventsByKind[r.k] = r.n;
  const newAlertsBySeverity: Record<string, number> = {};
  for (const a of o.alerts?.list({ sinceMs: fromMs, untilMs: o.nowMs, limit: 10_000 }) ?? [])
    newAlertsBySeverity[a.severity] = (newAlertsBySeverity[a.severity] ?? 0) + 1;
  const openAll = o.alerts?.list({ status: ['open', 'acknowledged'], limit: 10_000 }) ?? [];
  const open = [...openAll]
    .sort(
      (a, b) =>
        SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || b.lastSeenMs - a.lastSeenMs,
    )
    .slice(0, MESSAGE_ALERTS);
  const tasks = o.reviews.list();
  const names = new Map(tasks.map((t) => [t.id, t.name]));
  return {
    period: o.period,
    fromMs,
    toMs: o.nowMs,
    eventsByKind,
    newAlertsBySeverity,
    open,
    openTotal: openAll.length,
    overdue: tasks
      .map((t) => ({ name: t.name, st: taskState(t, o.nowMs, o.graceMs) }))
      .filter((x) => x.st.overdue)
      .map((x) => ({ name: x.name, dueMs: x.st.dueMs })),
    signoffs: o.reviews
      .signoffs()
      .filter((s) => s.timeMs >= fromMs && s.timeMs < o.nowMs)
      .map((s) => ({
        task: names.get(s.taskId) ?? `#${s.taskId}`,
        reviewer: s.reviewer,
        timeMs: s.timeMs,
        exceptions: s.exceptions.length,
      })),
    silent: o.store
      .sources()
      .map((s) => silenceOf(s, o.nowMs, o.silence))
      .filter((s) => s.silent)
      .map((s) => s.source),
  };
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const SEVERITIES: readonly AlertSeverity[] = ['critical', 'high', 'medium', 'low', 'informational'];

/** The digest as a notification message (text for every medium, the open alerts as alerts). */
export function buildDigest(f: DigestFacts, dashboardUrl: string): NotificationMessage {
  const total = Object.values(f.eventsByKind).reduce((a, b) => a + b, 0);
  const newAlerts = Object.values(f.newAlertsBySeverity).reduce((a, b) => a + b, 0);
  const label = f.period === 'daily' ? 'Daily review digest' : 'Weekly review summary';
  const lines = [
    `${label}: ${iso(f.fromMs)} – ${iso(f.toMs)}`,
    '',
    'What happened',
    `  ${total} events${
      total
        ? ': ' +
          Object.entries(f.eventsByKind)
            .map(([k, n]) => `${k} ${n}`)
            .join(', ')
        : ''
    }`,
    `  ${newAlerts} new alerts${
      newAlerts
        ? ': ' +
          SEVERITIES.filter((s) => f.newAlertsBySeverity[s])
            .map((s) => `${s} ${f.newAlertsBySeverity[s]}`)
            .join(', ')
        : ''
    }`,
    `  ${f.signoffs.length} review sign-offs${f.signoffs.length ? ': ' + f.signoffs.map((s) => `${s.task} by ${s.reviewer} (${s.exceptions} exceptions)`).join('; ') : ''}`,
    '',
    'What is open',
    `  ${f.openTotal} alerts open or acknowledged${f.openTotal > f.open.length ? ` (the ${f.open.length} most severe below)` : ''}`,
    '',
    'What is overdue',
    f.overdue.length
      ? f.overdue.map((t) => `  review "${t.name}" was due ${iso(t.dueMs)}`).join('\n')
      : '  no review is overdue',
    ...(f.silent.length ? ['', 'Silent sources', `  ${f.silent.join(', ')}`] : []),
  ];
  const severity =
    f.overdue.length && SEVERITY_RANK[maxSeverity(f.open)] < SEVERITY_RANK.medium
      ? 'medium'
      : maxSeverity(f.open);
  return {
    kind: 'digest',
    title: `${label}: ${f.openTotal} open alerts, ${f.overdue.length} overdue reviews`,
    severity,
    alerts: f.open.map((a) => toMessageAlert(a, dashboardUrl)),
    alertsOmitted: Math.max(0, f.openTotal - f.open.length),
    suppressed: 0,
    createdMs: f.toMs,
    text: lines.join('\n'),
  };
}

/** Next time (ms) a digest is due at `hhmm` UTC after `afterMs`; weekly on `weekday` (0 = Sunday). */
export function nextDigestTime(afterMs: number, hhmm: string, weekday?: number): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  const d = new Date(afterMs);
  let t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), h, m);
  if (t <= afterMs) t += 86_400_000;
  if (weekday !== undefined) while (new Date(t).getUTCDay() !== weekday) t += 86_400_000;
  return t;
}
