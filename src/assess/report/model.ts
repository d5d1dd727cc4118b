/**
 * The report every assessment command writes (`--format json` is this object): findings ranked
 * by risk, a score and grade, and the section of each part that ran. `logwarden assess` reads
 * these files back and merges them, so the shape is versioned and checked on read.
 */
import { LogwardenError } from '../../core/errors.js';
import type { AuditMeasurements } from '../audit/types.js';
import type { InterviewResult } from '../interview/types.js';
import type { ProbeResult } from '../probe/types.js';
import { rankFindings, scoreFindings, type Finding, type Grade } from './finding.js';

export const REPORT_SCHEMA = 'logwarden.assessment/v1';

export type ReportKind = 'audit' | 'interview' | 'probe' | 'assessment';

export interface AssessmentReport {
  readonly schema: typeof REPORT_SCHEMA;
  readonly kind: ReportKind;
  readonly title: string;
  readonly generatedAt: string;
  readonly score: number;
  readonly grade: Grade;
  readonly findings: readonly Finding[];
  readonly audit?: AuditMeasurements;
  readonly interview?: InterviewResult;
  readonly probe?: ProbeResult;
}

/**
 * Assemble a report: rank the findings and score them.
 *
 * @example
 * buildReport({ kind: 'audit', title: 'Audit of access.log', findings, audit });
 */
export function buildReport(o: {
  kind: ReportKind;
  title: string;
  findings: readonly Finding[];
  audit?: AuditMeasurements;
  interview?: InterviewResult;
  probe?: ProbeResult;
  now?: Date;
}): AssessmentReport {
  const findings = rankFindings(o.findings);
  const { score, grade } = scoreFindings(findings);
  return {
    schema: REPORT_SCHEMA,
    kind: o.kind,
    title: o.title,
    generatedAt: (o.now ?? new Date()).toISOString(),
    score,
    grade,
    findings,
    ...(o.audit ? { audit: o.audit } : {}),
    ...(o.interview ? { interview: o.interview } : {}),
    ...(o.probe ? { probe: o.probe } : {}),
  };
}

/** Read a report written with `--format json`; names the file and what is wrong. */
export function parseReport(text: string, file: string): AssessmentReport {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new LogwardenError('LW_USAGE', `${file}: not JSON (${(e as Error).message})`, {
      cause: e,
    });
  }
  const r = v as Partial<AssessmentReport> | null;
  if (r === null || typeof r !== 'object' || r.schema !== REPORT_SCHEMA)
    throw new LogwardenError(
      'LW_USAGE',
      `${file}: not a logwarden report (expected "schema": "${REPORT_SCHEMA}"; write it with --format json)`,
    );
  if (!Array.isArray(r.findings))
    throw new LogwardenError('LW_USAGE', `${file}: "findings" is missing or not a list`);
  return r as AssessmentReport;
}
