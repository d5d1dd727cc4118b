/**
 * Did each probe leave a trace, with which fields, and did an alert fire? Polls the evidence
 * source until every canary is found or the wait runs out, then checks alerts: through the
 * server's alerts API when it has one, otherwise by running the same detection engine and rules
 * over the events read back (the result says which).
 */
import { createDetectionEngine, loadRules } from '../../detection/engine/index.js';
import type { EvidenceSource, FlatEvent } from './evidence.js';
import type { ProbePlan } from './plan.js';
import type { SentRequest } from './send.js';
import type { ProbeOutcome, ProbeResult } from './types.js';

/** Fields a defender needs on a probe's events; `a|b` means either. */
const EXPECTED = [
  'client.address',
  'http.request.method',
  'url.path|http.route',
  'http.response.status_code|event.outcome',
  'event.name',
  'user_agent.original',
] as const;
const EXPECTED_LOGIN = ['user.id|user.name'] as const;

const present = (e: FlatEvent, f: string): boolean =>
  f.split('|').some((k) => e[k] !== undefined && e[k] !== null && e[k] !== '');

export interface CheckOptions {
  readonly waitMs: number;
  readonly pollMs?: number;
  readonly onPoll?: (found: number, total: number) => void;
}

interface AlertLike {
  rule: string;
  eventIds: string[];
}

function fromApiAlert(a: FlatEvent): AlertLike {
  const rule = a.rule as { name?: string; title?: string } | undefined;
  const evs = Array.isArray(a.events) ? (a.events as Array<{ id?: unknown }>) : [];
  return {
    rule: rule?.name ?? rule?.title ?? String(a.rule ?? '?'),
    eventIds: evs.map((e) => String(e.id ?? '')).filter(Boolean),
  };
}

function engineAlerts(events: readonly FlatEvent[]): AlertLike[] {
  const engine = createDetectionEngine({ rules: loadRules({ builtin: true, dirs: [] }).rules });
  const sorted = [...events].sort((a, b) =>
    String(a.time ?? '').localeCompare(String(b.time ?? '')),
  );
  const all = new Map<string, { rule: string; eventIds: string[] }>();
  const keep = (as: ReturnType<typeof engine.process>): void => {
    for (const a of as) {
      if (a.kind === 'silence' || a.kind === 'anomaly') continue;
      all.set(a.id, {
        rule: a.rule.name ?? a.rule.title,
        eventIds: a.events.map((e) => e.id ?? ''),
      });
    }
  };
  for (const e of sorted) keep(engine.process(e, { source: String(e['log.source'] ?? 'probe') }));
  keep(engine.finish());
  return [...all.values()];
}

export async function checkProbe(
  plan: ProbePlan,
  sent: readonly SentRequest[],
  source: EvidenceSource,
  o: CheckOptions,
): Promise<ProbeResult> {
  const started = Math.min(...sent.map((s) => s.sentMs), Date.now());
  const firstSent = new Map<string, number>();
  for (const s of sent) if (!firstSent.has(s.probe)) firstSent.set(s.probe, s.sentMs);
  const firstSeen = new Map<string, number>();
  const deadline = Date.now() + o.waitMs;
  let events: FlatEvent[] = [];
  const matched = new Map<string, FlatEvent[]>();
  for (;;) {
    events = await source.read();
    const now = Date.now();
    const texts = events.map((e) => JSON.stringify(e));
    for (const p of plan.probes) {
      const m = events.filter((_, i) => texts[i]!.includes(p.canary));
      matched.set(p.shape.name, m);
      if (m.length > 0 && !firstSeen.has(p.shape.name)) firstSeen.set(p.shape.name, now);
    }
    o.onPoll?.(firstSeen.size, plan.probes.length);
    // Done when every probe was seen with as many events as requests, or time is up.
    const complete = plan.probes.every(
      (p) => (matched.get(p.shape.name)?.length ?? 0) >= p.requests.length,
    );
    if (complete || now >= deadline) break;
    await new Promise((r) => setTimeout(r, o.pollMs ?? 500));
  }

  // Live detection runs after the events are committed: poll the alerts API (until every
  // logged probe that should alert is covered, or the wait is over). Without an alerts API, run
  // the engine over the events read back.
  const covered = (as: readonly AlertLike[]): boolean =>
    plan.probes.every((p) => {
      const m = matched.get(p.shape.name) ?? [];
      if (!p.shape.expectAlert || m.length === 0) return true;
      const ids = new Set(m.map((e) => String(e.id ?? '')));
      return as.some((a) => a.eventIds.some((id) => ids.has(id)));
    });
  let alertsVia: ProbeResult['alertsVia'] = 'engine';
  let alerts: AlertLike[] = [];
  for (;;) {
    const api = await source.alerts();
    if (api === undefined) {
      alerts = events.length > 0 ? engineAlerts(events) : [];
      break;
    }
    alertsVia = 'api';
    alerts = api.map(fromApiAlert);
    if (covered(alerts) || Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, o.pollMs ?? 500));
  }

  const probes: ProbeOutcome[] = plan.probes.map((p) => {
    const name = p.shape.name;
    const m = matched.get(name) ?? [];
    const ids = new Set(m.map((e) => String(e.id ?? '')));
    const expected: readonly string[] =
      name === 'failed_logins' ? [...EXPECTED, ...EXPECTED_LOGIN] : EXPECTED;
    const fields = expected.filter((f) => m.some((e) => present(e, f)));
    const rules = [
      ...new Set(alerts.filter((a) => a.eventIds.some((id) => ids.has(id))).map((a) => a.rule)),
    ];
    const seen = firstSeen.get(name);
    const sentAt = firstSent.get(name);
    return {
      name,
      label: p.shape.label,
      canary: p.canary,
      requests: p.requests.length,
      statuses: [...new Set(sent.filter((s) => s.probe === name).map((s) => s.status))],
      loggedEvents: m.length,
      logged: m.length > 0,
      fields,
      missingFields: m.length > 0 ? expected.filter((f) => !fields.includes(f)) : [],
      alerted: m.length === 0 ? false : rules.length > 0,
      alertRules: rules,
      expectAlert: p.shape.expectAlert,
      ...(seen !== undefined && sentAt !== undefined
        ? { latencyMs: Math.max(0, seen - sentAt) }
        : {}),
    };
  });
  return {
    target: plan.target.origin,
    checkedVia: source.describe,
    alertsVia,
    startedAt: new Date(started).toISOString(),
    requestsSent: sent.length,
    probes,
  };
}
