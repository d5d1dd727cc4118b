/**
 * Review endpoints: tasks (list, create), what is due for one, sign-off, and the assessor's
 * report. A sign-off is first stored as a `review_signoff` event (a ledger leaf), then recorded
 * with that event's id and seq, so the trail cannot be edited without the ledger showing it.
 */
import type { FastifyInstance } from 'fastify';
import type Database from 'better-sqlite3';
import { LogwardenError } from '../../core/errors.js';
import type { AlertStore } from '../../detection/alerts/alert-store.js';
import { ledgerStatus } from '../../review/overview.js';
import { dueItems } from '../../review/review-due.js';
import {
  buildReviewReport,
  renderReviewReport,
  signoffAttributes,
  type ReportFormat,
} from '../../review/review-report.js';
import {
  taskState,
  type ReviewStore,
  type ReviewTask,
  type ScopeKind,
  type Frequency,
} from '../../review/review-store.js';
import type { EventStore } from '../../storage/types.js';
import type { DashboardAuth } from './dashboard-auth.js';
import type { SecurityLog } from './security-log.js';
import { clientAddress } from '../client-address.js';

export interface ReviewRoutesOptions {
  readonly auth: DashboardAuth;
  readonly reviews: ReviewStore;
  readonly store: EventStore;
  readonly db: Database.Database;
  readonly alerts: () => AlertStore | undefined;
  readonly securityLog: SecurityLog;
  readonly graceMs: number;
}

const taskJson = (t: ReviewTask, nowMs: number, graceMs: number) => {
  const st = taskState(t, nowMs, graceMs);
  return {
    id: t.id,
    name: t.name,
    scope_kind: t.scopeKind,
    scope_value: t.scopeValue,
    frequency: t.frequency,
    every_secs: t.everySecs,
    created: t.createdMs,
    created_by: t.createdBy,
    last_signoff: t.lastSignoffMs,
    since: st.sinceMs,
    due: st.dueMs,
    overdue: st.overdue,
    due_now: nowMs >= st.dueMs,
  };
};

function taskOf(o: ReviewRoutesOptions, raw: string): ReviewTask {
  const t = /^\d{1,9}$/.test(raw) ? o.reviews.get(Number(raw)) : undefined;
  if (!t)
    throw new LogwardenError('LW_NOT_FOUND', `review task ${raw.slice(0, 40)} does not exist`);
  return t;
}

export function registerReviewRoutes(app: FastifyInstance, o: ReviewRoutesOptions): void {
  app.get('/ui/api/reviews', async (request) => {
    o.auth.require(request, 'read');
    const now = Date.now();
    return { now, tasks: o.reviews.list().map((t) => taskJson(t, now, o.graceMs)) };
  });

  app.post('/ui/api/reviews', async (request) => {
    const p = o.auth.require(request, 'admin');
    const b = (request.body ?? {}) as Record<string, unknown>;
    const t = o.reviews.create(
      {
        name: String(b.name ?? ''),
        scopeKind: String(b.scope_kind ?? '') as ScopeKind,
        scopeValue: typeof b.scope_value === 'string' ? b.scope_value : '',
        frequency: String(b.frequency ?? '') as Frequency,
        ...(b.every_secs !== undefined ? { everySecs: Number(b.every_secs) } : {}),
      },
      p.actor,
    );
    await o.securityLog.log({
      'event.name': 'authz_admin',
      'user.id': p.name,
      'event.action': 'review_task_create',
      'client.address': clientAddress(request),
      message: `${p.actor} created review task "${t.name}" (${t.frequency})`,
    });
    return { task: taskJson(t, Date.now(), o.graceMs) };
  });

  app.get('/ui/api/reviews/report', async (request, reply) => {
    o.auth.require(request, 'read');
    const format = ((request.query as Record<string, string | undefined>).format ??
      'md') as ReportFormat;
    if (!['md', 'html', 'json'].includes(format))
      throw new LogwardenError('LW_USAGE', `format=${format}: expected md, html or json`);
    const ledger = ledgerStatus(o.db, o.store.size());
    const report = buildReviewReport(o.reviews, o.store, {
      nowMs: Date.now(),
      graceMs: o.graceMs,
      checkpointSize: ledger?.checkpoint?.size ?? null,
    });
    const type = { md: 'text/markdown', html: 'text/html', json: 'application/json' }[format];
    reply.header('content-disposition', `attachment; filename="log-review-report.${format}"`);
    return reply.type(`${type}; charset=utf-8`).send(renderReviewReport(report, format));
  });

  app.get('/ui/api/reviews/:id', async (request) => {
    o.auth.require(request, 'read');
    const t = taskOf(o, (request.params as { id: string }).id);
    const now = Date.now();
    const st = taskState(t, now, o.graceMs);
    const due = dueItems(o.db, o.alerts(), t, st, now);
    return {
      task: taskJson(t, now, o.graceMs),
      due: {
        since: due.sinceMs,
        until: due.untilMs,
        events_in_scope: due.eventsInScope,
        notable: due.notable,
        notable_total: due.notableTotal,
        alerts: due.alerts.map((a) => ({
          id: a.id,
          title: a.rule.title,
          severity: a.severity,
          status: a.status,
          count: a.count,
          last_seen: a.lastSeenMs,
        })),
        anomalies: due.anomalies.map((a) => ({
          id: a.id,
          title: a.rule.title,
          severity: a.severity,
          status: a.status,
          summary: a.summary,
        })),
      },
      signoffs: o.reviews.signoffs(t.id).slice(-20).reverse(),
    };
  });

  app.post('/ui/api/reviews/:id/signoff', async (request) => {
    const p = o.auth.require(request, 'review');
    const t = taskOf(o, (request.params as { id: string }).id);
    const b = (request.body ?? {}) as Record<string, unknown>;
    const notes = b.notes ?? '';
    if (typeof notes !== 'string' || notes.length > 4000)
      throw new LogwardenError('LW_USAGE', 'notes: expected text of at most 4000 characters');
    const exceptions = b.exceptions ?? [];
    if (
      !Array.isArray(exceptions) ||
      exceptions.length > 50 ||
      !exceptions.every((e) => typeof e === 'string' && e.length > 0 && e.length <= 500)
    )
      throw new LogwardenError(
        'LW_USAGE',
        'exceptions: expected up to 50 texts of 1-500 characters',
      );
    const now = Date.now();
    const st = taskState(t, now, o.graceMs);
    const due = dueItems(o.db, o.alerts(), t, st, now);
    const seen = {
      alerts: due.alerts.length,
      anomalies: due.anomalies.length,
      notable_events: due.notableTotal,
      events_in_scope: due.eventsInScope,
    };
    const draft = {
      taskId: t.id,
      reviewer: p.name,
      timeMs: now,
      fromMs: st.sinceMs,
      toMs: now,
      notes,
      exceptions: exceptions as string[],
      seen,
    };
    const logged = await o.securityLog.log({
      'event.name': 'review_signoff',
      'event.category': 'review',
      'event.outcome': 'success',
      'user.id': p.name,
      'client.address': clientAddress(request),
      message: `${p.actor} signed off review "${t.name}" for ${new Date(st.sinceMs).toISOString()} – ${new Date(now).toISOString()} (${draft.exceptions.length} exception(s))`,
      attributes: signoffAttributes(draft, t.name),
    });
    const stored = logged && o.store.getBySeq(logged.seq);
    if (!logged || !stored?.body)
      throw new LogwardenError(
        'LW_STORE_FAILED',
        'the review_signoff event could not be stored; nothing was signed off',
      );
    // Keep exactly what the ledger holds (prepareEvent neutralizes control characters, CWE-117).
    const attrs = (
      JSON.parse(stored.body) as { attributes: { notes: string; exceptions: string[] } }
    ).attributes;
    const signoff = o.reviews.addSignoff({
      ...draft,
      notes: attrs.notes,
      exceptions: attrs.exceptions,
      eventId: logged.id,
      eventSeq: logged.seq,
    });
    return { signoff, task: taskJson(o.reviews.get(t.id)!, Date.now(), o.graceMs) };
  });
}
