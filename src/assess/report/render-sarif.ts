/**
 * SARIF 2.1.0 (OASIS, https://docs.oasis-open.org/sarif/sarif/v2.1.0/) for code-scanning UIs:
 * one rule per finding definition, one result per finding, each log line of evidence as a
 * location (file, startLine). Requirement ids ride in the rule's `properties.tags`.
 */
import { FINDING_DEFS } from './finding-defs.js';
import type { FindingSeverity } from './finding.js';
import type { AssessmentReport } from './model.js';
import { REQUIREMENTS } from './requirements.js';

const LEVEL: Readonly<Record<FindingSeverity, 'error' | 'warning' | 'note'>> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

// GitHub code scanning reads `security-severity` (0-10) to rank security results.
const SECURITY_SEVERITY: Readonly<Record<FindingSeverity, string>> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '0.0',
};

/** The report as a SARIF 2.1.0 log (JSON text). */
export function renderSarif(r: AssessmentReport, version = '0.0.0'): string {
  const ruleIds = [...new Set(r.findings.map((f) => f.id))];
  const rules = ruleIds.map((id) => {
    const d = FINDING_DEFS[id];
    return {
      id,
      name: id.replace(/[^A-Za-z0-9]/g, ''),
      shortDescription: { text: d.title },
      fullDescription: {
        text: `${d.title}. Requirements: ${d.refs.map((x) => REQUIREMENTS.get(x)?.label ?? x).join(', ')}.`,
      },
      help: { text: d.fix },
      defaultConfiguration: { level: LEVEL[d.severity] },
      properties: {
        tags: ['security', ...d.refs],
        'security-severity': SECURITY_SEVERITY[d.severity],
      },
    };
  });
  const results = r.findings.map((f) => {
    const locations = f.evidence
      .filter((e) => e.file !== undefined)
      .map((e) => ({
        physicalLocation: {
          artifactLocation: { uri: encodeURI(e.file!.replace(/\\/g, '/')) },
          ...(e.line !== undefined ? { region: { startLine: e.line } } : {}),
        },
        message: { text: e.text },
      }));
    return {
      ruleId: f.id,
      ruleIndex: ruleIds.indexOf(f.id),
      level: LEVEL[f.severity],
      message: { text: `${f.title}: ${f.summary}` },
      ...(locations.length ? { locations } : {}),
      properties: {
        severity: f.severity,
        source: f.source,
        evidence: f.evidence.filter((e) => e.file === undefined).map((e) => e.text),
      },
    };
  });
  return (
    JSON.stringify(
      {
        $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
        version: '2.1.0',
        runs: [
          {
            tool: {
              driver: {
                name: 'logwarden',
                version,
                rules,
              },
            },
            results,
            properties: { score: r.score, grade: r.grade, kind: r.kind },
          },
        ],
      },
      null,
      2,
    ) + '\n'
  );
}
