/**
 * The finding every assessment produces (audit, interview, probe): what is wrong, how bad, the
 * evidence, the fix, and the requirements it fails. Definitions live in finding-defs.ts (data);
 * producers only add the specific summary and evidence, so wording and mappings stay in one
 * place and are checked against the requirement catalogue.
 */
import { LogwardenError } from '../../core/errors.js';
import { FINDING_DEFS, type FindingId } from './finding-defs.js';
import { requirement } from './requirements.js';

export type FindingSeverity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export type FindingSource = 'audit' | 'interview' | 'probe';

export const FINDING_SEVERITY_RANK: Readonly<Record<FindingSeverity, number>> = {
  info: 0,
  low: 1,
  medium: 2,
  high: 3,
  critical: 4,
};

/** Points a finding takes off the 100 a perfect result starts with (see docs in report/score). */
export const SEVERITY_PENALTY: Readonly<Record<FindingSeverity, number>> = {
  info: 0,
  low: 3,
  medium: 8,
  high: 15,
  critical: 30,
};

export interface Evidence {
  readonly text: string;
  /** File and 1-based line, when the evidence is a log line. */
  readonly file?: string;
  readonly line?: number;
}

export interface Finding {
  readonly id: FindingId;
  readonly source: FindingSource;
  readonly title: string;
  readonly severity: FindingSeverity;
  /** What was found, specifically (numbers, names). */
  readonly summary: string;
  readonly evidence: readonly Evidence[];
  readonly fix: string;
  /** Requirement catalogue ids (requirements.ts). */
  readonly refs: readonly string[];
}

/** At most this many evidence items are kept per finding (reports stay readable). */
export const MAX_EVIDENCE = 12;

/**
 * Build a finding from its definition.
 *
 * @example
 * makeFinding('AUD-NO-WHO', 'audit', { summary: 'No line names a user', evidence: [] });
 */
export function makeFinding(
  id: FindingId,
  source: FindingSource,
  o: { summary: string; evidence?: readonly Evidence[]; severity?: FindingSeverity; fix?: string },
): Finding {
  const def = FINDING_DEFS[id];
  if (def === undefined) throw new LogwardenError('LW_INTERNAL', `unknown finding id ${id}`);
  for (const r of def.refs) requirement(r); // throws on an unknown id
  return {
    id,
    source,
    title: def.title,
    severity: o.severity ?? def.severity,
    summary: o.summary,
    evidence: (o.evidence ?? []).slice(0, MAX_EVIDENCE),
    fix: o.fix ?? def.fix,
    refs: def.refs,
  };
}

/** Highest risk first, then by id (stable output). */
export function rankFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      FINDING_SEVERITY_RANK[b.severity] - FINDING_SEVERITY_RANK[a.severity] ||
      a.id.localeCompare(b.id),
  );
}

export type Grade = 'A' | 'B' | 'C' | 'D' | 'F';

/**
 * Score 0..100: 100 minus each finding's penalty (SEVERITY_PENALTY), floored at 0. Grade bands
 * are the usual school bands: A >= 90, B >= 80, C >= 70, D >= 60, else F.
 */
export function scoreFindings(findings: readonly Finding[]): { score: number; grade: Grade } {
  const penalty = findings.reduce((n, f) => n + SEVERITY_PENALTY[f.severity], 0);
  const score = Math.max(0, 100 - penalty);
  const grade: Grade =
    score >= 90 ? 'A' : score >= 80 ? 'B' : score >= 70 ? 'C' : score >= 60 ? 'D' : 'F';
  return { score, grade };
}
