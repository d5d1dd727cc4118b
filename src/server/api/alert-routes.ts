/**
 * Alerts API: the queue (GET /v1/alerts with filters and cursor paging), one alert with its
 * history (GET /v1/alerts/:id), and workflow actions (POST /v1/alerts/:id/actions) — acknowledge,
 * assign, resolve, false_positive, reopen, note — recorded with who (the token's name) and when.
 * Reading needs the `read` scope; acting needs `admin` (a read-only token cannot acknowledge).
 */
import type { FastifyInstance } from 'fastify';
import { LogwardenError } from '../../core/errors.js';
import { isAlertSeverity } from '../../detection/alerts/alert.js';
import {
  ALERT_STATUSES,
  type AlertAction,
  type AlertStatus,
  type AlertStore,
} from '../../detection/alerts/alert-store.js';
import type { Authenticate } from '../auth/authenticate.js';

const ACTIONS: readonly AlertAction[] = [
  'acknowledge',
  'assign',
  'resolve',
  'false_positive',
  'reopen',
  'note',
];

export interface AlertRoutesOptions {
  readonly alerts: () => AlertStore | undefined;
  readonly authenticate: Authenticate;
  /** Called after every workflow action (escalation stops on acknowledge, the ledger records it). */
  readonly onAction?: (id: string, action: AlertAction, actor: string) => void;
}

function encodeAlertCursor(createdMs: number, id: string): string {
  return Buffer.from(`a${createdMs}:${id}`).toString('base64url');
}

function decodeAlertCursor(c: string): { createdMs: number; id: string } {
  const m = /^a(\d{1,15}):([0-9a-f-]{36})$/.exec(Buffer.from(c, 'base64url').toString('utf8'));
  if (!m)
    throw new LogwardenError(
      'LW_USAGE',
      `cursor ${JSON.stringify(c.slice(0, 40))} is not one this server issued`,
    );
  return { createdMs: Number(m[1]), id: m[2]! };
}

export function registerAlertRoutes(app: FastifyInstance, o: AlertRoutesOptions): void {
  const store = (): AlertStore => {
    const s = o.alerts();
    if (!s)
      throw new LogwardenError(
        'LW_UNAVAILABLE',
        'alerts are not available (detection is starting or disabled)',
      );
    return s;
  };

  app.get('/v1/alerts', async (request) => {
    o.authenticate(request, 'read');
    const q = request.query as Record<string, string | undefined>;
    const status = q.status?.split(',').filter(Boolean);
    for (const s of status ?? [])
      if (!ALERT_STATUSES.includes(s as AlertStatus))
        throw new LogwardenError(
          'LW_USAGE',
          `status=${s}: expected one of ${ALERT_STATUSES.join(', ')}`,
        );
    if (q.min_severity !== undefined && !isAlertSeverity(q.min_severity))
      throw new LogwardenError(
        'LW_USAGE',
        `min_severity=${q.min_severity}: expected informational, low, medium, high or critical`,
      );
    const limit = q.limit === undefined ? 100 : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      throw new LogwardenError('LW_USAGE', `limit=${q.limit}: expected an integer from 1 to 1000`);
    const list = store().list({
      ...(status ? { status: status as AlertStatus[] } : {}),
      ...(q.min_severity ? { minSeverity: q.min_severity as never } : {}),
      ...(q.rule ? { rule: q.rule } : {}),
      ...(q.entity ? { entity: q.entity } : {}),
      ...(q.assignee ? { assignee: q.assignee } : {}),
      ...(q.cursor ? { before: decodeAlertCursor(q.cursor) } : {}),
      limit,
    });
    const last = list[list.length - 1];
    return {
      alerts: list,
      next_cursor:
        list.length === limit && last ? encodeAlertCursor(last.createdMs, last.id) : null,
    };
  });

  app.get('/v1/alerts/:id', async (request) => {
    o.authenticate(request, 'read');
    const { id } = request.params as { id: string };
    const alert = store().get(id);
    if (!alert) throw new LogwardenError('LW_NOT_FOUND', `alert ${id} does not exist`);
    return { alert, history: store().history(id) };
  });

  app.post('/v1/alerts/:id/actions', async (request) => {
    const who = o.authenticate(request, 'admin');
    const { id } = request.params as { id: string };
    const body = (request.body ?? {}) as { action?: unknown; detail?: unknown };
    if (typeof body.action !== 'string' || !ACTIONS.includes(body.action as AlertAction))
      throw new LogwardenError('LW_USAGE', `action: expected one of ${ACTIONS.join(', ')}`);
    if (body.detail !== undefined && typeof body.detail !== 'string')
      throw new LogwardenError('LW_USAGE', 'detail: expected a string');
    if (typeof body.detail === 'string' && body.detail.length > 4000)
      throw new LogwardenError('LW_BODY_TOO_LARGE', 'detail: at most 4000 characters');
    const action = body.action as AlertAction;
    const alert = store().act(
      id,
      action,
      `token:${who.name}`,
      Date.now(),
      body.detail as string | undefined,
    );
    o.onAction?.(id, action, `token:${who.name}`);
    return { alert };
  });
}
