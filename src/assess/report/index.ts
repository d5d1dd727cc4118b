/**
 * Rendering an assessment report in every output format.
 *
 * @example
 * const text = renderReport(report, 'markdown');
 */
import { LogwardenError } from '../../core/errors.js';
import type { AssessmentReport } from './model.js';
import { renderHtml } from './render-html.js';
import { renderSarif } from './render-sarif.js';
import { renderMarkdown, renderTerminal } from './render-text.js';

export { buildReport, parseReport, REPORT_SCHEMA } from './model.js';
export type { AssessmentReport, ReportKind } from './model.js';
export { makeFinding, rankFindings, scoreFindings } from './finding.js';
export type { Evidence, Finding, FindingSeverity, FindingSource, Grade } from './finding.js';
export { FINDING_DEFS } from './finding-defs.js';
export type { FindingId } from './finding-defs.js';
export { REQUIREMENTS, requirement, isRequirementId } from './requirements.js';

export const REPORT_FORMATS = ['terminal', 'markdown', 'html', 'json', 'sarif'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const ALIASES: Readonly<Record<string, ReportFormat>> = {
  text: 'terminal',
  table: 'terminal',
  md: 'markdown',
};

/** Parse `--format`; throws LW_USAGE naming the value and the choices. */
export function parseReportFormat(v: string | undefined): ReportFormat {
  const f = v ?? 'terminal';
  if ((REPORT_FORMATS as readonly string[]).includes(f)) return f as ReportFormat;
  const a = ALIASES[f];
  if (a) return a;
  throw new LogwardenError(
    'LW_USAGE',
    `--format ${JSON.stringify(v)}: expected one of ${REPORT_FORMATS.join(', ')}`,
  );
}

/** Render a report; `width` is the terminal width for `terminal`. */
export function renderReport(
  r: AssessmentReport,
  format: ReportFormat,
  o: { width?: number; version?: string } = {},
): string {
  switch (format) {
    case 'terminal':
      return renderTerminal(r, o.width);
    case 'markdown':
      return renderMarkdown(r);
    case 'html':
      return renderHtml(r);
    case 'sarif':
      return renderSarif(r, o.version);
    case 'json':
      return JSON.stringify(r, null, 2) + '\n';
  }
}

/** The format implied by an output file's extension, if any. */
export function formatForFile(file: string): ReportFormat | undefined {
  const ext = /\.([a-z]+)$/i.exec(file)?.[1]?.toLowerCase();
  return ext === 'md'
    ? 'markdown'
    : ext === 'html' || ext === 'htm'
      ? 'html'
      : ext === 'json'
        ? 'json'
        : ext === 'sarif'
          ? 'sarif'
          : ext === 'txt'
            ? 'terminal'
            : undefined;
}
