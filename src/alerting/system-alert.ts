/** Alerts logwarden raises about itself (receiver failing, health): same model, same routes. */
import { alertId, type Alert, type AlertSeverity } from '../detection/alerts/alert.js';

export function systemAlert(o: {
  name: string;
  title: string;
  severity: AlertSeverity;
  entity: { type: 'service' | 'host' | 'source' | 'none'; value: string };
  /** Same episode key, same alert id: a condition that persists is one alert, updated. */
  episode: string | number;
  summary: string;
  nowMs: number;
  fields?: Record<string, unknown>;
}): Alert {
  return {
    id: alertId(o.name, o.entity.type, o.entity.value, o.episode),
    kind: 'system',
    rule: { name: o.name, title: o.title },
    severity: o.severity,
    entity: o.entity,
    groupKey: {},
    count: 1,
    firstSeenMs: o.nowMs,
    lastSeenMs: o.nowMs,
    tags: ['logwarden.health'],
    attack: [],
    summary: o.summary,
    events: o.fields ? [{ time: new Date(o.nowMs).toISOString(), fields: o.fields }] : [],
    eventsOmitted: 0,
  };
}
