/**
 * A notification: what a receiver sends. It carries what a responder needs without opening the
 * dashboard (issue 6): rule, severity, entity, count, time range, the triggering events' key
 * fields, how many alerts were suppressed (so suppression is never silent) and a link.
 * Formatters escape per medium; this model holds raw values.
 */
import type { Alert, AlertSeverity } from '../detection/alerts/alert.js';
import { SEVERITY_RANK } from '../detection/alerts/alert.js';

export type MessageKind =
  'alert' | 'repeat' | 'update' | 'digest' | 'escalation' | 'decision' | 'system' | 'resolved';

export interface MessageAlert {
  readonly id: string;
  readonly rule: {
    readonly id?: string | undefined;
    readonly name?: string | undefined;
    readonly title: string;
  };
  readonly severity: AlertSeverity;
  readonly entity: { readonly type: string; readonly value: string };
  readonly count: number;
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
  readonly summary: string;
  readonly attack: readonly string[];
  readonly service?: string | undefined;
  readonly environment?: string | undefined;
  readonly status?: string | undefined;
  /** Key fields of up to MESSAGE_EVENTS triggering events. */
  readonly events: readonly Readonly<Record<string, unknown>>[];
  readonly eventsOmitted: number;
  readonly link: string;
}

export interface DecisionInfo {
  readonly id: string;
  readonly action: 'add' | 'delete';
  readonly type: 'ban_ip' | 'lock_user';
  readonly value: string;
  readonly durationSecs: number;
  readonly expiresMs: number;
  readonly reason: string;
}

export interface NotificationMessage {
  readonly kind: MessageKind;
  readonly title: string;
  /** The highest severity of the alerts carried. */
  readonly severity: AlertSeverity;
  readonly route?: string | undefined;
  readonly alerts: readonly MessageAlert[];
  /** Alerts of this group not listed (beyond MESSAGE_ALERTS). */
  readonly alertsOmitted: number;
  /** Matches folded since the previous message of this group: dedup, throttle, mute, flap. */
  readonly suppressed: number;
  readonly suppressedReasons?: Readonly<Record<string, number>> | undefined;
  readonly escalationTier?: number | undefined;
  readonly decision?: DecisionInfo | undefined;
  readonly createdMs: number;
  readonly text?: string | undefined;
}

export const MESSAGE_ALERTS = 10;
export const MESSAGE_EVENTS = 5;

export function alertLink(dashboardUrl: string, id: string): string {
  return `${dashboardUrl.replace(/\/+$/, '')}/alerts/${encodeURIComponent(id)}`;
}

export function toMessageAlert(a: Alert & { status?: string }, dashboardUrl: string): MessageAlert {
  return {
    id: a.id,
    rule: { id: a.rule.id, name: a.rule.name, title: a.rule.title },
    severity: a.severity,
    entity: { type: a.entity.type, value: a.entity.value },
    count: a.count,
    firstSeenMs: a.firstSeenMs,
    lastSeenMs: a.lastSeenMs,
    summary: a.summary,
    attack: a.attack,
    service: a.service,
    environment: a.environment,
    status: a.status,
    events: a.events
      .slice(0, MESSAGE_EVENTS)
      .map((e) => ({ ...(e.time ? { time: e.time } : {}), ...e.fields })),
    eventsOmitted: a.eventsOmitted + Math.max(0, a.events.length - MESSAGE_EVENTS),
    link: alertLink(dashboardUrl, a.id),
  };
}

export function maxSeverity(alerts: readonly { severity: AlertSeverity }[]): AlertSeverity {
  let best: AlertSeverity = 'informational';
  for (const a of alerts) if (SEVERITY_RANK[a.severity] > SEVERITY_RANK[best]) best = a.severity;
  return best;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function timeRange(a: MessageAlert): string {
  return a.firstSeenMs === a.lastSeenMs
    ? iso(a.firstSeenMs)
    : `${iso(a.firstSeenMs)} – ${iso(a.lastSeenMs)}`;
}

export function entityText(a: MessageAlert): string {
  return a.entity.type === 'none' ? '(none)' : `${a.entity.type} ${a.entity.value}`;
}

export function ruleText(a: MessageAlert): string {
  return a.rule.name ?? a.rule.id ?? a.rule.title;
}

export function suppressedText(m: NotificationMessage): string {
  const reasons = Object.entries(m.suppressedReasons ?? {})
    .filter(([, n]) => n > 0)
    .map(([r, n]) => `${n} ${r}`)
    .join(', ');
  return `${m.suppressed} suppressed since the last message${reasons ? ` (${reasons})` : ''}`;
}

/** One line per event: `k=v k=v`, values cut at 200 characters (formatters escape after). */
export function eventLine(e: Readonly<Record<string, unknown>>): string {
  return Object.entries(e)
    .map(([k, v]) => {
      const s = typeof v === 'string' ? v : JSON.stringify(v);
      return `${k}=${s.length > 200 ? s.slice(0, 199) + '…' : s}`;
    })
    .join(' ');
}

/** Plain text, used by email, the log receiver and as a fallback. No escaping: text media. */
export function plainText(m: NotificationMessage): string {
  const lines: string[] = [m.title, ''];
  if (m.decision)
    lines.push(
      `Decision: ${m.decision.action} ${m.decision.type} ${m.decision.value} for ${m.decision.durationSecs}s (${m.decision.reason})`,
      '',
    );
  if (m.text) lines.push(m.text, '');
  for (const a of m.alerts) {
    lines.push(
      `[${a.severity.toUpperCase()}] ${a.rule.title} (${ruleText(a)})`,
      `  entity: ${entityText(a)}`,
      `  count: ${a.count}   time: ${timeRange(a)}`,
      `  ${a.summary}`,
    );
    if (a.attack.length) lines.push(`  ATT&CK: ${a.attack.join(', ')}`);
    for (const e of a.events) lines.push(`  - ${eventLine(e)}`);
    if (a.eventsOmitted > 0) lines.push(`  (${a.eventsOmitted} more events)`);
    lines.push(`  ${a.link}`, '');
  }
  if (m.alertsOmitted > 0) lines.push(`${m.alertsOmitted} more alerts in this group`);
  lines.push(suppressedText(m));
  // Control characters (other than newline) could forge lines in terminals and logs (CWE-117).
  return lines.join('\n').replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, '?');
}
