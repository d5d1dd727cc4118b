/**
 * The dashboard's read and triage endpoints under /ui/api: overview, event search and detail,
 * query fields (autocomplete), sources, the alert queue with single and bulk workflow actions.
 * Alert actions are recorded in the alert store's history with actor `user:<name>`.
 */
import type { FastifyInstance } from 'fastify';
import { LogwardenError } from '../../core/errors.js';
import { isAlertSeverity, type AlertSeverity } from '../../detection/alerts/alert.js';
import {
  ALERT_STATUSES,
  type AlertAction,
  type AlertStatus,
  type AlertStore,
} from '../../detection/alerts/alert-store.js';
import {
  bucketFor,
  eventRate,
  ledgerStatus,
  silenceOf,
  topFailures,
  type SilencePolicy,
} from '../../review/overview.js';
import { countedFailures, countedRate, type RateCounters } from '../../review/rate-counters.js';
import { parseQuery, QUERY_FIELDS } from '../../search/index.js';
import type { EventStore } from '../../storage/types.js';
import { decodeCursor, encodeCursor } from '../api/read-routes.js';
import { storedEventJson } from '../api/stored-event-json.js';
import { parseTimeBound } from '../api/time-bound.js';
import type { Database } from 'better-sqlite3';
import type { DashboardAuth } from './dashboard-auth.js';

const ACTIONS: readonly AlertAction[] = [
  'acknowledge',
  'assign',
  'resolve',
  'false_positive',
  'reopen',
  'note',
];
const RANGES: Readonly<Record<string, number>> = {
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 604_800_000,
  '30d': 2_592_000_000,
};

export interface DataRoutesOptions {
  readonly auth: DashboardAuth;
  readonly store: EventStore;
  readonly db: Database;
  readonly alerts: () => AlertStore | undefined;
  readonly silence: SilencePolicy;
  /** Pre-aggregated counts (fast at a million events); without them the events table is grouped. */
  readonly counters?: RateCounters;
}

function alertsOf(o: DataRoutesOptions): AlertStore {
  const a = o.alerts();
  if (!a)
    throw new LogwardenError(
      'LW_UNAVAILABLE',
      'alerts are not available (detection is starting or disabled)',
    );
  return a;
}

function checkAction(b: Record<string, unknown>): { action: AlertAction; detail?: string } {
  if (typeof b.action !== 'string' || !ACTIONS.includes(b.action as AlertAction))
    throw new LogwardenError('LW_USAGE', `action: expected one of ${ACTIONS.join(', ')}`);
  if (b.detail !== undefined && (typeof b.detail !== 'string' || b.detail.length > 4000))
    throw new LogwardenError('LW_USAGE', 'detail: expected a string of at most 4000 characters');
  if ((b.action === 'assign' || b.action === 'note') && !b.detail)
    throw new LogwardenError(
      'LW_USAGE',
      `detail: ${b.action} needs ${b.action === 'assign' ? 'the assignee' : 'the note text'}`,
    );
  return {
    action: b.action as AlertAction,
    ...(typeof b.detail === 'string' ? { detail: b.detail } : {}),
  };
}

export function registerDataRoutes(app: FastifyInstance, o: DataRoutesOptions): void {
  app.get('/ui/api/overview', async (request) => {
    o.auth.require(request, 'read');
    const q = request.query as Record<string, string | undefined>;
    const range = RANGES[q.range ?? '24h'];
    if (range === undefined)
      throw new LogwardenError(
        'LW_USAGE',
        `range=${q.range}: expected one of ${Object.keys(RANGES).join(', ')}`,
      );
    const now = Date.now();
    const sources = o.store.sources();
    const a = o.alerts();
    const bySeverity: Record<string, number> = {};
    for (const r of a?.countByStatusAndSeverity() ?? [])
      if (r.status === 'open' || r.status === 'acknowledged')
        bySeverity[r.severity] = (bySeverity[r.severity] ?? 0) + r.count;
    const failures = o.counters
      ? countedFailures(o.db, now - range)
      : topFailures(o.db, now - range);
    return {
      now,
      rate: o.counters
        ? countedRate(o.db, now - range, now, bucketFor(range))
        : eventRate(o.db, now - range, now),
      alerts_by_severity: bySeverity,
      top_sources: [...sources]
        .sort((x, y) => y.events - x.events)
        .slice(0, 10)
        .map((s) => ({ value: s.source, count: s.events })),
      top_failed_users: failures.users,
      top_failed_ips: failures.ips,
      silent: sources.map((s) => silenceOf(s, now, o.silence)).filter((s) => s.silent),
      ledger: ledgerStatus(o.db, o.store.size()) ?? null,
      total_events: o.store.size(),
    };
  });

  app.get('/ui/api/fields', async (request) => {
    o.auth.require(request, 'read');
    return {
      fields: QUERY_FIELDS.map((f) => ({ name: f.name, aliases: f.aliases, kind: f.kind })),
    };
  });

  app.get('/ui/api/events', async (request, reply) => {
    o.auth.require(request, 'read', reply);
    const q = request.query as Record<string, string | undefined>;
    const now = Date.now();
    const limit = q.limit === undefined ? 50 : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500)
      throw new LogwardenError('LW_USAGE', `limit=${q.limit}: expected an integer from 1 to 500`);
    const events = o.store.query({
      limit,
      ...(q.q ? { filter: parseQuery(q.q, { nowMs: now }) } : {}),
      ...(q.after ? { fromMs: parseTimeBound(q.after, now, 'after') } : {}),
      ...(q.before ? { toMs: parseTimeBound(q.before, now, 'before') } : {}),
      ...(q.cursor ? { beforeSeq: decodeCursor(q.cursor) } : {}),
    });
    const last = events[events.length - 1];
    const next = events.length === limit && last ? JSON.stringify(encodeCursor(last.seq)) : 'null';
    reply.type('application/json; charset=utf-8');
    return reply.send(
      `{"events":[${events.map(storedEventJson).join(',')}],"next_cursor":${next}}`,
    );
  });

  app.get('/ui/api/events/:id', async (request, reply) => {
    o.auth.require(request, 'read', reply);
    const { id } = request.params as { id: string };
    const e = /^\d{1,15}$/.test(id) ? o.store.getBySeq(Number(id)) : o.store.getById(id);
    if (!e) throw new LogwardenError('LW_NOT_FOUND', `event ${id.slice(0, 80)} does not exist`);
    reply.type('application/json; charset=utf-8');
    return reply.send(
      `{"event":${storedEventJson(e)},"leaf_hash":"${e.leafHash.toString('hex')}"}`,
    );
  });

  app.get('/ui/api/sources', async (request) => {
    o.auth.require(request, 'read');
    const now = Date.now();
    return {
      now,
      sources: o.store.sources().map((s) => {
        const sil = silenceOf(s, now, o.silence);
        return {
          source: s.source,
          events: s.events,
          parsed: s.parsed,
          unparsed: s.unparsed,
          parse_rate: s.events === 0 ? null : s.parsed / s.events,
          first_seen: s.firstSeenMs,
          last_seen: s.lastSeenMs,
          usual_gap_ms: Math.round(sil.usualGapMs),
          silent: sil.silent,
        };
      }),
    };
  });

  app.get('/ui/api/alerts', async (request) => {
    o.auth.require(request, 'read');
    const q = request.query as Record<string, string | undefined>;
    const status = q.status?.split(',').filter(Boolean) ?? [];
    for (const s of status)
      if (!ALERT_STATUSES.includes(s as AlertStatus))
        throw new LogwardenError(
          'LW_USAGE',
          `status=${s}: expected one of ${ALERT_STATUSES.join(', ')}`,
        );
    if (q.min_severity && !isAlertSeverity(q.min_severity))
      throw new LogwardenError(
        'LW_USAGE',
        `min_severity=${q.min_severity}: expected informational, low, medium, high or critical`,
      );
    const offset = q.offset === undefined ? 0 : Number(q.offset);
    if (!Number.isInteger(offset) || offset < 0 || offset > 100_000)
      throw new LogwardenError(
        'LW_USAGE',
        `offset=${q.offset}: expected an integer from 0 to 100000`,
      );
    const list = alertsOf(o).list({
      ...(status.length ? { status: status as AlertStatus[] } : {}),
      ...(q.min_severity ? { minSeverity: q.min_severity as AlertSeverity } : {}),
      ...(q.entity ? { entity: q.entity } : {}),
      ...(q.assignee ? { assignee: q.assignee } : {}),
      limit: offset + 51,
    });
    const page = list.slice(offset, offset + 50);
    return {
      alerts: page.map((a) => ({
        id: a.id,
        title: a.rule.title,
        severity: a.severity,
        status: a.status,
        assignee: a.assignee,
        entity: a.entity,
        count: a.count,
        kind: a.kind,
        first_seen: a.firstSeenMs,
        last_seen: a.lastSeenMs,
        summary: a.summary,
      })),
      next_offset: list.length > offset + 50 ? offset + 50 : null,
    };
  });

  app.get('/ui/api/alerts/:id', async (request) => {
    o.auth.require(request, 'read');
    const { id } = request.params as { id: string };
    const alert = alertsOf(o).get(id);
    if (!alert) throw new LogwardenError('LW_NOT_FOUND', `alert ${id.slice(0, 80)} does not exist`);
    return { alert, history: alertsOf(o).history(id) };
  });

  app.post('/ui/api/alerts/:id/actions', async (request) => {
    const p = o.auth.require(request, 'triage');
    const { id } = request.params as { id: string };
    const { action, detail } = checkAction((request.body ?? {}) as Record<string, unknown>);
    const alert = alertsOf(o).act(id, action, p.actor, Date.now(), detail);
    return { alert };
  });

  app.post('/ui/api/alerts/bulk', async (request) => {
    const p = o.auth.require(request, 'triage');
    const b = (request.body ?? {}) as Record<string, unknown>;
    const { action, detail } = checkAction(b);
    if (
      !Array.isArray(b.ids) ||
      b.ids.length === 0 ||
      b.ids.length > 500 ||
      !b.ids.every((i) => typeof i === 'string')
    )
      throw new LogwardenError('LW_USAGE', 'ids: expected 1 to 500 alert ids');
    const now = Date.now();
    const results = (b.ids as string[]).map((id) => {
      try {
        alertsOf(o).act(id, action, p.actor, now, detail);
        return { id, ok: true };
      } catch (e) {
        return { id, ok: false, error: (e as Error).message };
      }
    });
    return { results };
  });
}
