/**
 * Response decisions: block a source address or lock a user until a time. Repeat offenders get
 * longer decisions, as fail2ban's `bantime.increment`: duration × factor^(earlier decisions for
 * the same value within the lookback), capped at max. Expired and revoked decisions stay in the
 * table (history, and the offense count); `active(now)` is what enforcement reads.
 */
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import type Database from 'better-sqlite3';
import { LogwardenError } from '../../core/errors.js';

export type DecisionType = 'ban_ip' | 'lock_user';
export const DECISION_TYPES: readonly DecisionType[] = ['ban_ip', 'lock_user'];

export interface Decision {
  readonly id: string;
  readonly type: DecisionType;
  readonly value: string;
  readonly reason: string;
  /** Who made it: `route:root.0`, `token:ops`, `cli`. */
  readonly origin: string;
  readonly alertId: string | null;
  readonly createdMs: number;
  readonly expiresMs: number;
  readonly durationSecs: number;
  /** 0 for a first decision on this value, 1 for the second... (within the lookback). */
  readonly offense: number;
  readonly revokedMs: number | null;
  readonly revokedBy: string | null;
}

export interface NewDecision {
  readonly type: DecisionType;
  readonly value: string;
  readonly reason: string;
  readonly origin: string;
  readonly alertId?: string | undefined;
  readonly durationMs: number;
  readonly factor?: number;
  readonly maxMs?: number;
  readonly lookbackMs?: number;
}

export interface DecisionStore {
  /** Create (or return the active decision that already lasts at least as long: `created` false). */
  create(d: NewDecision, nowMs: number): { decision: Decision; created: boolean };
  get(id: string): Decision | undefined;
  list(o: { nowMs: number; includeInactive?: boolean; limit?: number }): Decision[];
  revoke(id: string, actor: string, nowMs: number): Decision;
}

const USER = /^[A-Za-z0-9._@+-]{1,128}$/;

/** Undefined when `value` is acceptable for `type`, else why not. */
export function checkDecisionValue(type: string, value: string): string | undefined {
  if (type === 'ban_ip')
    return net.isIP(value) ? undefined : `not an IP address: ${JSON.stringify(value.slice(0, 80))}`;
  if (type === 'lock_user')
    return USER.test(value) && !value.startsWith('-')
      ? undefined
      : `not a safe user name: ${JSON.stringify(value.slice(0, 80))}`;
  return `unknown decision type ${JSON.stringify(type)} (expected ${DECISION_TYPES.join(' or ')})`;
}

export const DECISION_MIGRATIONS = [
  `CREATE TABLE decisions (
     id TEXT PRIMARY KEY,
     type TEXT NOT NULL,
     value TEXT NOT NULL,
     reason TEXT NOT NULL,
     origin TEXT NOT NULL,
     alert_id TEXT,
     created_ms INTEGER NOT NULL,
     expires_ms INTEGER NOT NULL,
     duration_secs INTEGER NOT NULL,
     offense INTEGER NOT NULL,
     revoked_ms INTEGER,
     revoked_by TEXT
   ) STRICT`,
  'CREATE INDEX decisions_value ON decisions (type, value, created_ms)',
  'CREATE INDEX decisions_expiry ON decisions (expires_ms)',
];

interface Row {
  id: string;
  type: string;
  value: string;
  reason: string;
  origin: string;
  alert_id: string | null;
  created_ms: number;
  expires_ms: number;
  duration_secs: number;
  offense: number;
  revoked_ms: number | null;
  revoked_by: string | null;
}

const fromRow = (r: Row): Decision => ({
  id: r.id,
  type: r.type as DecisionType,
  value: r.value,
  reason: r.reason,
  origin: r.origin,
  alertId: r.alert_id,
  createdMs: r.created_ms,
  expiresMs: r.expires_ms,
  durationSecs: r.duration_secs,
  offense: r.offense,
  revokedMs: r.revoked_ms,
  revokedBy: r.revoked_by,
});

export function createDecisionStore(
  db: Database.Database,
  migrate: (namespace: string, steps: string[]) => unknown,
): DecisionStore {
  migrate('decisions', DECISION_MIGRATIONS);
  const earlier = db.prepare<[string, string, number], { n: number }>(
    'SELECT COUNT(*) AS n FROM decisions WHERE type = ? AND value = ? AND created_ms > ?',
  );
  const activeFor = db.prepare<[string, string, number], Row>(
    'SELECT * FROM decisions WHERE type = ? AND value = ? AND revoked_ms IS NULL AND expires_ms > ? ORDER BY expires_ms DESC LIMIT 1',
  );
  const insert = db.prepare(
    `INSERT INTO decisions (id, type, value, reason, origin, alert_id, created_ms, expires_ms, duration_secs, offense)
     VALUES (@id, @type, @value, @reason, @origin, @alert_id, @created_ms, @expires_ms, @duration_secs, @offense)`,
  );
  const one = db.prepare<[string], Row>('SELECT * FROM decisions WHERE id = ?');
  const revoke = db.prepare('UPDATE decisions SET revoked_ms = ?, revoked_by = ? WHERE id = ?');

  const create = db.transaction((d: NewDecision, now: number) => {
    const bad = checkDecisionValue(d.type, d.value);
    if (bad) throw new LogwardenError('LW_USAGE', `decision value: ${bad}`);
    if (!Number.isFinite(d.durationMs) || d.durationMs < 1000)
      throw new LogwardenError('LW_USAGE', 'decision duration: expected at least 1 second');
    const offense = earlier.get(d.type, d.value, now - (d.lookbackMs ?? 30 * 86_400_000))!.n;
    const ms = Math.min(d.maxMs ?? Infinity, d.durationMs * (d.factor ?? 1) ** offense);
    const active = activeFor.get(d.type, d.value, now);
    if (active && active.expires_ms >= now + ms)
      return { decision: fromRow(active), created: false };
    const row: Row = {
      id: randomUUID(),
      type: d.type,
      value: d.value,
      reason: d.reason.slice(0, 500),
      origin: d.origin,
      alert_id: d.alertId ?? null,
      created_ms: now,
      expires_ms: now + Math.round(ms),
      duration_secs: Math.round(ms / 1000),
      offense,
      revoked_ms: null,
      revoked_by: null,
    };
    insert.run(row);
    return { decision: fromRow(row), created: true };
  });

  return {
    create: (d, now) => create.immediate(d, now),
    get: (id) => {
      const r = one.get(id);
      return r ? fromRow(r) : undefined;
    },
    list({ nowMs, includeInactive, limit }) {
      const lim = Math.min(Math.max(limit ?? 1000, 1), 10_000);
      const rows = includeInactive
        ? db.prepare<[], Row>(`SELECT * FROM decisions ORDER BY created_ms DESC LIMIT ${lim}`).all()
        : db
            .prepare<[number], Row>(
              `SELECT * FROM decisions WHERE revoked_ms IS NULL AND expires_ms > ? ORDER BY created_ms DESC LIMIT ${lim}`,
            )
            .all(nowMs);
      return rows.map(fromRow);
    },
    revoke(id, actor, now) {
      const r = one.get(id);
      if (!r) throw new LogwardenError('LW_NOT_FOUND', `decision ${id} does not exist`);
      if (r.revoked_ms !== null)
        throw new LogwardenError('LW_CONFLICT', `decision ${id} was already revoked`);
      if (r.expires_ms <= now)
        throw new LogwardenError('LW_CONFLICT', `decision ${id} has already expired`);
      revoke.run(now, actor, id);
      return fromRow(one.get(id)!);
    },
  };
}
