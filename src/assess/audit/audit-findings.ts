/**
 * Turn audit measurements into findings. Thresholds: a question answered by under half the lines
 * is a finding at the definition's severity; by under 90% it is one level lower (partial
 * coverage still leaves gaps an investigator falls into).
 */
import {
  makeFinding,
  type Evidence,
  type Finding,
  type FindingSeverity,
} from '../report/finding.js';
import type { FindingId } from '../report/finding-defs.js';
import { CONTROL_LABELS } from './control-chars.js';
import { HIGH_VALUE_KINDS, type HighValueKind } from './line-facts.js';
import { SENSITIVE_LABELS } from './sensitive.js';
import type { AuditMeasurements } from './types.js';

const LOWER: Readonly<Record<FindingSeverity, FindingSeverity>> = {
  critical: 'high',
  high: 'medium',
  medium: 'low',
  low: 'low',
  info: 'info',
};

const pct = (n: number, total: number): string =>
  total === 0 ? '0%' : `${((100 * n) / total).toFixed(n === total || n === 0 ? 0 : 1)}%`;

function coverageFinding(
  id: FindingId,
  share: number,
  summary: string,
  severity: FindingSeverity,
): Finding | undefined {
  if (share >= 0.9) return undefined;
  return makeFinding(id, 'audit', {
    summary,
    severity: share < 0.5 ? severity : LOWER[severity],
  });
}

const BRUTE = /brute|spray|sweep|invalid_user|t1110/i;

export function buildAuditFindings(m: AuditMeasurements): Finding[] {
  const out: Finding[] = [];
  const n = m.lines;
  const push = (f: Finding | undefined): void => void (f && out.push(f));
  if (n === 0) return out;
  const share = (k: keyof AuditMeasurements['dimensions']): number => m.dimensions[k] / n;
  const c = m.coverage;

  for (const s of m.sensitive) {
    const id: FindingId =
      s.kind === 'card'
        ? 'AUD-CARD'
        : s.kind === 'secret'
          ? 'AUD-SECRET'
          : s.kind === 'session'
            ? 'AUD-SESSION'
            : 'AUD-PII';
    push(
      makeFinding(id, 'audit', {
        summary: `${s.count} line${s.count === 1 ? ' contains' : 's contain'} a ${SENSITIVE_LABELS[s.kind]} (excerpts below are masked)`,
        evidence: s.samples,
      }),
    );
  }
  if (m.control.length > 0) {
    const total = m.control.reduce((a, b) => a + b.count, 0);
    push(
      makeFinding('AUD-INJECTION', 'audit', {
        summary: `${total} occurrence${total === 1 ? '' : 's'}: ${m.control.map((x) => `${CONTROL_LABELS[x.kind]} ×${x.count}`).join(', ')}`,
        evidence: m.control.flatMap((x) => x.samples).slice(0, 12),
      }),
    );
  }

  push(
    coverageFinding(
      'AUD-NO-TIME',
      c.time / n,
      `${pct(n - c.time, n)} of lines have no timestamp`,
      'high',
    ),
  );
  if (c.time > 0 && c.time_zone / c.time < 0.9)
    push(
      makeFinding('AUD-TIME-ZONE', 'audit', {
        summary: `${pct(c.time - c.time_zone, c.time)} of timestamps carry no zone or offset (read as UTC)`,
      }),
    );
  push(
    coverageFinding(
      'AUD-NO-WHO',
      share('who'),
      `${pct(n - m.dimensions.who, n)} of lines name no actor: client address on ${pct(c.client, n)}, user on ${pct(c.user, n)}, session on ${pct(c.session, n)}`,
      'high',
    ),
  );
  // An access log's URL hints at the operation; a line without even a route says nothing.
  const whatSeverity: FindingSeverity = c.route / n >= 0.5 ? 'medium' : 'high';
  push(
    coverageFinding(
      'AUD-NO-WHAT',
      share('what'),
      `${pct(n - m.dimensions.what, n)} of lines name no event kind${c.route / n >= 0.5 ? ' (only the URL hints at what was done)' : ''}`,
      whatSeverity,
    ),
  );
  push(
    coverageFinding(
      'AUD-NO-OUTCOME',
      share('outcome'),
      `${pct(n - m.dimensions.outcome, n)} of lines record no outcome or status`,
      'high',
    ),
  );
  const whereMissing = (['host', 'service', 'method', 'route'] as const).filter(
    (f) => c[f] / n < 0.5,
  );
  if (share('where') < 0.9 || whereMissing.length >= 3)
    push(
      makeFinding('AUD-NO-WHERE', 'audit', {
        summary: `missing on most lines: ${whereMissing.join(', ') || 'location fields'} (where present: ${pct(m.dimensions.where, n)})`,
        severity: share('where') < 0.5 ? 'medium' : 'low',
      }),
    );

  const absent = (k: HighValueKind): boolean => m.kinds[k] === 0;
  if (absent('login_success') || absent('login_failure')) {
    const which = (['login_success', 'login_failure'] as const).filter(absent);
    push(
      makeFinding('AUD-NO-LOGIN', 'audit', {
        summary: `no ${which.map((k) => HIGH_VALUE_KINDS[k].toLowerCase()).join(' and no ')} events in ${n} lines`,
        severity: which.length === 2 ? 'high' : 'medium',
      }),
    );
  }
  const kindFinding: Array<[HighValueKind, FindingId]> = [
    ['authz_failure', 'AUD-NO-AUTHZ'],
    ['input_validation', 'AUD-NO-INPUT'],
    ['error', 'AUD-NO-ERRORS'],
    ['admin', 'AUD-NO-ADMIN'],
  ];
  for (const [k, id] of kindFinding)
    if (absent(k))
      push(
        makeFinding(id, 'audit', {
          summary: `no ${HIGH_VALUE_KINDS[k].toLowerCase()} events in ${n} lines`,
        }),
      );

  const unparsed = m.files.reduce((s, f) => s + f.unparsed, 0);
  if (unparsed / n > 0.1)
    push(
      makeFinding('AUD-UNPARSED', 'audit', {
        summary: `${pct(unparsed, n)} of lines match no known format (${m.files.map((f) => `${f.name}: ${f.format}`).join(', ')})`,
      }),
    );

  const v = m.volume;
  if (v.noiseRatio > 0.8 || v.duplicateRatio > 0.3) {
    const money = (x: number): string => x.toFixed(x < 1 ? 4 : 2);
    push(
      makeFinding('AUD-NOISE', 'audit', {
        summary: `${pct(v.securityLines, n)} of lines are security events, ${pct(v.duplicates, n)} repeat an earlier line; logging everything: ${v.cost.allGbPerMonth.toPrecision(3)} GB/month (${money(v.cost.allPerMonth)} at ${v.cost.pricePerGb}/GB) versus ${v.cost.securityGbPerMonth.toPrecision(3)} GB/month (${money(v.cost.securityPerMonth)}) for security events only`,
      }),
    );
  }

  const brute = m.alerts.filter((a) => BRUTE.test(a.rule) || a.tags.some((t) => BRUTE.test(t)));
  const bruteSet = new Set(brute);
  const attacks = m.alerts.filter(
    (a) => !bruteSet.has(a) && a.severity !== 'informational' && a.severity !== 'low',
  );
  const alertEvidence = (as: typeof m.alerts): Evidence[] =>
    as.slice(0, 12).map((a) => ({
      text: `${a.title} (${a.severity}, ${a.count} event${a.count === 1 ? '' : 's'}${a.entity.startsWith('ip:') || a.entity.startsWith('user:') ? `, ${a.entity}` : ', no source address in the log'}): ${a.evidence[0]?.text ?? ''}`,
      ...(a.evidence[0]?.file !== undefined ? { file: a.evidence[0].file } : {}),
      ...(a.evidence[0]?.line !== undefined ? { line: a.evidence[0].line } : {}),
    }));
  if (brute.length > 0) {
    const sources = [...new Set(brute.map((a) => a.entity).filter(Boolean))];
    push(
      makeFinding('AUD-BRUTEFORCE', 'audit', {
        summary: `${brute.length} brute-force alert${brute.length === 1 ? '' : 's'} from ${sources.length} entit${sources.length === 1 ? 'y' : 'ies'}: ${sources.slice(0, 10).join(', ')}${sources.length > 10 ? ', …' : ''}`,
        evidence: alertEvidence(brute),
      }),
    );
  }
  if (attacks.length > 0) {
    const rules = [...new Set(attacks.map((a) => a.title))];
    push(
      makeFinding('AUD-ATTACKS', 'audit', {
        summary: `${attacks.length} alert${attacks.length === 1 ? '' : 's'} (${rules.slice(0, 6).join('; ')}${rules.length > 6 ? '; …' : ''})`,
        evidence: alertEvidence(attacks),
      }),
    );
  }
  return out;
}
