/**
 * PagerDuty Events API v2 (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/):
 * one event per alert, `dedup_key` = alert id so PagerDuty folds repeats into one incident;
 * `acknowledge`/`resolve` follow the alert's workflow. Severity maps to critical|error|warning|info.
 */
import type { PagerDutyReceiverConfig } from '../types.js';
import { ruleText, type MessageAlert, type NotificationMessage } from '../message.js';
import type { Receiver } from './receiver.js';
import { postJson } from './receiver.js';

const PD_SEVERITY: Record<string, string> = {
  critical: 'critical',
  high: 'error',
  medium: 'warning',
  low: 'info',
  informational: 'info',
};

export function pagerDutyEvents(
  routingKey: string,
  m: NotificationMessage,
): Record<string, unknown>[] {
  const action = m.kind === 'resolved' ? 'resolve' : 'trigger';
  const one = (a: MessageAlert) => ({
    routing_key: routingKey,
    event_action: a.status === 'acknowledged' ? 'acknowledge' : action,
    dedup_key: a.id,
    ...(action === 'trigger' && a.status !== 'acknowledged'
      ? {
          payload: {
            summary: `${a.rule.title}: ${a.entity.type} ${a.entity.value} (${a.count}×)`.slice(
              0,
              1024,
            ),
            source: a.service ?? 'logwarden',
            severity: PD_SEVERITY[a.severity] ?? 'warning',
            timestamp: new Date(a.lastSeenMs).toISOString(),
            component: a.entity.value || undefined,
            class: ruleText(a),
            custom_details: {
              rule: ruleText(a),
              entity: a.entity,
              count: a.count,
              first_seen: new Date(a.firstSeenMs).toISOString(),
              last_seen: new Date(a.lastSeenMs).toISOString(),
              events: a.events,
              suppressed: m.suppressed,
              attack: a.attack,
            },
          },
          links: [{ href: a.link, text: 'Alert in logwarden' }],
        }
      : {}),
  });
  return m.alerts.map(one);
}

export function createPagerDutyReceiver(c: PagerDutyReceiverConfig): Receiver {
  return {
    name: c.name,
    type: 'pagerduty',
    async send(m, ctx) {
      for (const ev of pagerDutyEvents(c.routing_key, m))
        await postJson(c.name, c.url, JSON.stringify(ev), {}, c.timeout_secs, ctx.nowMs);
    },
    close: async () => {},
  };
}
