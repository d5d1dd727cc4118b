/**
 * Attack-pattern findings (src/detection/patterns) as alerts: one alert per attack class per
 * request, about the client address, carrying which rule fired, in which field, and an excerpt
 * of the decoded value — what a responder needs to judge it at a glance.
 */
import { PATTERN_RULES } from '../patterns/rules.js';
import type { AttackClass, Finding } from '../patterns/types.js';
import { alertEventRef, pickEntity, type Alert, type AlertSeverity } from '../alerts/alert.js';

export const ATTACK_CLASS_TITLES: Readonly<Record<AttackClass, string>> = {
  sqli: 'SQL injection attempt',
  xss: 'Cross-site scripting attempt',
  path_traversal: 'Path traversal / local file inclusion attempt',
  rfi: 'Remote file inclusion attempt',
  command_injection: 'OS command injection attempt',
  log4shell: 'Log4Shell / JNDI lookup injection attempt',
  ssrf: 'Server-side request forgery attempt',
  scanner: 'Vulnerability scanner',
  php_injection: 'PHP code injection attempt',
  code_injection: 'Code injection attempt',
};

/** Group one request's findings by class into alerts (not yet folded into episodes). */
export function patternAlerts(
  event: Readonly<Record<string, unknown>>,
  findings: readonly Finding[],
  timeMs: number,
  seq?: number,
): Alert[] {
  const byClass = new Map<AttackClass, Finding[]>();
  for (const f of findings) {
    const list = byClass.get(f.class);
    if (list) list.push(f);
    else byClass.set(f.class, [f]);
  }
  const out: Alert[] = [];
  for (const [cls, list] of byClass) {
    const rules = list.map((f) => PATTERN_RULES.get(f.rule));
    const critical = rules.some((r) => r?.severity === 'CRITICAL');
    const severity: AlertSeverity = cls === 'scanner' ? 'medium' : critical ? 'high' : 'medium';
    const techniques = [...new Set(rules.flatMap((r) => r?.attack ?? ['T1190']))];
    const ref = alertEventRef(event, seq);
    const best = list.reduce((a, b) => (b.score > a.score ? b : a));
    const entity = pickEntity({}, event);
    out.push({
      id: '',
      kind: 'pattern',
      rule: { name: `lw_attack_${cls}`, title: ATTACK_CLASS_TITLES[cls] },
      severity,
      entity,
      groupKey:
        entity.type === 'none'
          ? {}
          : { [entity.type === 'ip' ? 'client.address' : 'user.id']: entity.value },
      count: 1,
      firstSeenMs: timeMs,
      lastSeenMs: timeMs,
      tags: ['attack.initial_access', ...techniques.map((t) => `attack.${t.toLowerCase()}`)],
      attack: techniques,
      summary: `${ATTACK_CLASS_TITLES[cls]} from ${entity.value || 'an unknown client'}: ${best.rule} in ${best.field}`,
      events: [
        {
          ...ref,
          fields: {
            ...ref.fields,
            'attack.rules': [...new Set(list.map((f) => f.rule))],
            'attack.field': best.field,
            'attack.excerpt': best.excerpt,
          },
        },
      ],
      eventsOmitted: 0,
    });
  }
  return out;
}

/** Events worth running the request detectors on. */
export function isRequestLike(e: Readonly<Record<string, unknown>>): boolean {
  return (
    e['url.path'] !== undefined ||
    e['url.query'] !== undefined ||
    e['user_agent.original'] !== undefined ||
    (e['attributes'] !== undefined &&
      typeof (e['attributes'] as Record<string, unknown>)['http.request.headers'] === 'object')
  );
}
