/**
 * Decisions API: GET /v1/decisions (read scope: what the SDK middleware polls), POST
 * /v1/decisions and DELETE /v1/decisions/:id (admin), and the delivery log of an alert:
 * GET /v1/alerts/:id/deliveries (read).
 */
import type { FastifyInstance } from 'fastify';
import { LogwardenError } from '../../core/errors.js';
import {
  DECISION_TYPES,
  type Decision,
  type DecisionType,
} from '../../alerting/decisions/decision-store.js';
import type { Alerting } from '../../alerting/service.js';
import type { Authenticate } from '../auth/authenticate.js';

export interface DecisionRoutesOptions {
  readonly alerting: () => Alerting | undefined;
  readonly authenticate: Authenticate;
  readonly now: () => number;
  /** Receivers told of decisions made through the API (the routes' decision receivers). */
  readonly receivers: () => readonly string[];
}

const MAX_DURATION_SECS = 365 * 86_400;

export function decisionJson(d: Decision) {
  return {
    id: d.id,
    type: d.type,
    value: d.value,
    reason: d.reason,
    origin: d.origin,
    alert_id: d.alertId,
    created: new Date(d.createdMs).toISOString(),
    expires: new Date(d.expiresMs).toISOString(),
    expires_ms: d.expiresMs,
    duration_secs: d.durationSecs,
    offense: d.offense,
    revoked: d.revokedMs === null ? null : new Date(d.revokedMs).toISOString(),
    revoked_by: d.revokedBy,
  };
}

export function registerDecisionRoutes(app: FastifyInstance, o: DecisionRoutesOptions): void {
  const svc = (): Alerting => {
    const a = o.alerting();
    if (!a) throw new LogwardenError('LW_UNAVAILABLE', 'alerting is starting or disabled');
    return a;
  };

  app.get('/v1/decisions', async (request) => {
    o.authenticate(request, 'read');
    const q = request.query as Record<string, string | undefined>;
    if (q.all !== undefined && q.all !== 'true' && q.all !== 'false')
      throw new LogwardenError('LW_USAGE', `all=${q.all}: expected true or false`);
    const now = o.now();
    const list = svc().decisions.list({ nowMs: now, includeInactive: q.all === 'true' });
    return { now: new Date(now).toISOString(), decisions: list.map(decisionJson) };
  });

  app.post('/v1/decisions', async (request, reply) => {
    const who = o.authenticate(request, 'admin');
    const b = (request.body ?? {}) as Record<string, unknown>;
    if (typeof b.type !== 'string' || !DECISION_TYPES.includes(b.type as DecisionType))
      throw new LogwardenError('LW_USAGE', `type: expected one of ${DECISION_TYPES.join(', ')}`);
    if (typeof b.value !== 'string' || b.value === '')
      throw new LogwardenError('LW_USAGE', 'value: expected an IP address or a user name');
    const secs = b.duration_secs ?? 3600;
    if (typeof secs !== 'number' || !Number.isInteger(secs) || secs < 1 || secs > MAX_DURATION_SECS)
      throw new LogwardenError(
        'LW_USAGE',
        `duration_secs: expected an integer from 1 to ${MAX_DURATION_SECS}`,
      );
    if (b.reason !== undefined && (typeof b.reason !== 'string' || b.reason.length > 500))
      throw new LogwardenError('LW_USAGE', 'reason: expected a string of at most 500 characters');
    const r = svc().decide(
      {
        type: b.type as DecisionType,
        value: b.value,
        reason: (b.reason as string | undefined) ?? `added by ${who.name}`,
        origin: `token:${who.name}`,
        durationMs: secs * 1000,
      },
      o.receivers(),
    );
    void reply.code(r.created ? 201 : 200);
    return { decision: decisionJson(r.decision), created: r.created };
  });

  app.delete('/v1/decisions/:id', async (request) => {
    const who = o.authenticate(request, 'admin');
    const { id } = request.params as { id: string };
    const d = svc().revokeDecision(id, `token:${who.name}`, o.receivers());
    return { decision: decisionJson(d) };
  });

  app.get('/v1/alerts/:id/deliveries', async (request) => {
    o.authenticate(request, 'read');
    const { id } = request.params as { id: string };
    return {
      alert_id: id,
      deliveries: svc()
        .deliveries(id)
        .map((d) => ({
          receiver: d.receiver,
          kind: d.kind,
          status: d.status,
          attempts: d.attempts,
          created: new Date(d.createdMs).toISOString(),
          done: d.doneMs === null ? null : new Date(d.doneMs).toISOString(),
          last_error: d.lastError,
          log: d.log.map((l) => ({
            time: new Date(l.timeMs).toISOString(),
            ok: l.ok,
            error: l.error,
          })),
        })),
    };
  });
}
