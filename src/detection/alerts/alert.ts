/**
 * An alert: what detection found, with everything a responder needs to act without digging
 * (ARCHITECTURE §6): the rule, a severity, the entity (address, user, source), how many events
 * and over what time, the ATT&CK techniques, and the triggering events' key fields — not just
 * their ids.
 */
import { canonicalIp } from '../../core/ip.js';
import { createHash } from 'node:crypto';

export type AlertSeverity = 'informational' | 'low' | 'medium' | 'high' | 'critical';

/** Severity order for routing (`severity >= high`) and sorting. */
export const SEVERITY_RANK: Readonly<Record<AlertSeverity, number>> = {
  informational: 0,
  low: 1,
  medium: 2,
  high: 3,
  critical: 4,
};

export function isAlertSeverity(s: unknown): s is AlertSeverity {
  return typeof s === 'string' && s in SEVERITY_RANK;
}

/** Where an alert came from. */
export type AlertKind = 'rule' | 'correlation' | 'pattern' | 'silence' | 'anomaly' | 'system';

export type EntityType = 'ip' | 'user' | 'source' | 'host' | 'service' | 'none';

export interface AlertEntity {
  readonly type: EntityType;
  readonly value: string;
}

/** One triggering event as carried by an alert: its position and the fields that matter. */
export interface AlertEventRef {
  readonly id?: string;
  readonly seq?: number;
  readonly time?: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

export interface Alert {
  /** Deterministic (rule, entity, window start): replaying the same events yields the same id. */
  readonly id: string;
  readonly kind: AlertKind;
  readonly rule: { readonly id?: string; readonly name?: string; readonly title: string };
  readonly severity: AlertSeverity;
  readonly entity: AlertEntity;
  /** Correlation group-by values or the fields that identify the entity. */
  readonly groupKey: Readonly<Record<string, unknown>>;
  readonly count: number;
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
  /** Rule tags as written (`attack.t1110.001`, `attack.credential_access`). */
  readonly tags: readonly string[];
  /** ATT&CK technique ids taken from the tags (`T1110.001`). */
  readonly attack: readonly string[];
  /** One line a person reads first. */
  readonly summary: string;
  readonly events: readonly AlertEventRef[];
  /** Triggering events not carried (beyond the bound). */
  readonly eventsOmitted: number;
  readonly service?: string;
  readonly environment?: string;
  readonly host?: string;
}

/** Fields copied from a triggering event into an alert (the key fields of ARCHITECTURE §3). */
export const ALERT_EVENT_FIELDS = [
  'event.name',
  'event.action',
  'event.outcome',
  'event.reason',
  'message',
  'service.name',
  'deployment.environment',
  'host.name',
  'http.request.method',
  'url.path',
  'url.query',
  'http.route',
  'http.response.status_code',
  'client.address',
  'user.id',
  'user.name',
  'user_agent.original',
  'request.id',
  'log.source',
  'log.original',
] as const;

/** At most this many triggering events are carried by one alert. */
export const MAX_ALERT_EVENTS = 20;

/** Reduce an event to the fields an alert carries. */
export function alertEventRef(e: Readonly<Record<string, unknown>>, seq?: number): AlertEventRef {
  const fields: Record<string, unknown> = {};
  for (const f of ALERT_EVENT_FIELDS) {
    const v = e[f];
    if (v !== undefined && v !== null && v !== '') fields[f] = v;
  }
  return {
    ...(typeof e.id === 'string' ? { id: e.id } : {}),
    ...(seq !== undefined ? { seq } : {}),
    ...(typeof e.time === 'string' ? { time: e.time } : {}),
    fields,
  };
}

/** `attack.t1110.001` -> `T1110.001`; other tags are not techniques. */
export function attackTechniques(tags: readonly string[]): string[] {
  const out: string[] = [];
  for (const t of tags) {
    const m = /^attack\.(t\d{4}(?:\.\d{3})?)$/i.exec(t);
    if (m) out.push(m[1]!.toUpperCase());
  }
  return out;
}

/** Sigma `level` to an alert severity (unknown levels are medium: never silently low). */
export function severityFromLevel(level: string | undefined): AlertSeverity {
  const l = (level ?? '').toLowerCase();
  return isAlertSeverity(l) ? l : 'medium';
}

/** A UUID-shaped id from SHA-256 of the parts (version 8), so alert ids are reproducible. */
export function alertId(...parts: readonly (string | number)[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest();
  h[6] = (h[6]! & 0x0f) | 0x80;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/**
 * Whether pickEntity(key, event) gives the same entity whatever the event: a group-by on
 * user.id, or on client.address without user fields (kept beside pickEntity: the
 * two must change together; the engine folds matches by it without calling pickEntity).
 */
export function keyDecidesEntity(key: Readonly<Record<string, unknown>>): boolean {
  const set = (v: unknown): boolean => v !== undefined && v !== null && v !== '';
  if (key['user.id'] !== undefined || key['user.name'] !== undefined) return set(key['user.id']);
  return set(key['client.address']);
}

/** The entity an alert is about, from group-by values or the triggering event. */
export function pickEntity(
  key: Readonly<Record<string, unknown>>,
  event?: Readonly<Record<string, unknown>>,
): AlertEntity {
  const read = (f: string): string | undefined => {
    const v = key[f] ?? event?.[f];
    return v === undefined || v === null || v === '' ? undefined : String(v);
  };
  const ip = read('client.address');
  const user = read('user.id') ?? read('user.name');
  // Group-by decides first: a per-user correlation is about the user even if an IP is known.
  if (key['user.id'] !== undefined || key['user.name'] !== undefined)
    return { type: 'user', value: user! };
  // client.address holds what the log said (ECS: an IP, or a name): `rhost=` of old PAM lines
  // names hosts; such an entity is a host, so nothing treats the name as an address (ban_ip)
  if (ip !== undefined) return { type: canonicalIp(ip) === null ? 'host' : 'ip', value: ip };
  if (user !== undefined) return { type: 'user', value: user };
  const source = read('log.source_id') ?? read('log.source');
  if (source !== undefined) return { type: 'source', value: source };
  const host = read('host.name');
  if (host !== undefined) return { type: 'host', value: host };
  return { type: 'none', value: '' };
}
