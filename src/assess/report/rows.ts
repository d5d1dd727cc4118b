/**
 * The tables every output format shows, computed once from a report (terminal, Markdown and
 * HTML differ only in how they draw them).
 */
import { COVERAGE_FIELDS, HIGH_VALUE_KINDS, type CoverageField } from '../audit/line-facts.js';
import type { AuditMeasurements } from '../audit/types.js';
import type { ProbeResult } from '../probe/types.js';
import { FINDING_SEVERITY_RANK, type Finding, type FindingSeverity } from './finding.js';
import { REQUIREMENTS } from './requirements.js';

export interface Table {
  readonly title: string;
  readonly headers: readonly string[];
  readonly rows: ReadonlyArray<ReadonlyArray<string>>;
  /** A sentence under the table (assumptions, units). */
  readonly note?: string;
}

export const pct = (n: number, total: number): string =>
  total === 0 ? '–' : `${((100 * n) / total).toFixed(n === total || n === 0 ? 0 : 1)}%`;

export function bytesText(b: number): string {
  if (b < 1024) return `${Math.round(b)} B`;
  if (b < 1024 ** 2) return `${(b / 1024).toFixed(1)} KiB`;
  if (b < 1024 ** 3) return `${(b / 1024 ** 2).toFixed(1)} MiB`;
  return `${(b / 1024 ** 3).toFixed(2)} GiB`;
}

const FIELD_LABELS: Readonly<Record<CoverageField, string>> = {
  time: 'timestamp',
  time_zone: 'timestamp with zone',
  host: 'host',
  service: 'service',
  method: 'method',
  route: 'route / URL / operation',
  client: 'source address',
  user: 'user',
  session: 'session',
  event_kind: 'event kind',
  outcome: 'outcome (success/failure)',
  status: 'status code',
};

export function severityCounts(findings: readonly Finding[]): Array<[FindingSeverity, number]> {
  return (Object.keys(FINDING_SEVERITY_RANK) as FindingSeverity[])
    .reverse()
    .map((s) => [s, findings.filter((f) => f.severity === s).length]);
}

export function auditTables(a: AuditMeasurements): Table[] {
  const n = a.lines;
  const c = a.volume.cost;
  const money = (x: number): string => (x < 0.01 && x > 0 ? x.toFixed(4) : x.toFixed(2));
  return [
    {
      title: 'Files',
      headers: ['file', 'format', 'confidence', 'lines', 'size', 'unparsed'],
      rows: a.files.map((f) => [
        f.name,
        f.format,
        pct(f.confidence, 1),
        String(f.lines),
        bytesText(f.bytes),
        String(f.unparsed),
      ]),
    },
    {
      title: 'What each line tells an investigator',
      headers: ['question', 'field', 'lines', 'share'],
      rows: (Object.keys(COVERAGE_FIELDS) as CoverageField[]).map((f) => [
        COVERAGE_FIELDS[f],
        FIELD_LABELS[f],
        String(a.coverage[f]),
        pct(a.coverage[f], n),
      ]),
    },
    {
      title: 'High-value events',
      headers: ['event kind', 'lines', 'present'],
      rows: (Object.keys(HIGH_VALUE_KINDS) as Array<keyof typeof HIGH_VALUE_KINDS>).map((k) => [
        HIGH_VALUE_KINDS[k],
        String(a.kinds[k]),
        a.kinds[k] > 0 ? 'yes' : 'MISSING',
      ]),
    },
    {
      title: 'Volume and cost',
      headers: ['measure', 'value'],
      rows: [
        ['lines / size', `${n} / ${bytesText(a.bytes)}`],
        ['days in sample', String(a.volume.days.filter((d) => d.day !== 'unknown').length)],
        [
          'bytes per day (all / security only)',
          `${bytesText(a.volume.bytesPerDay)} / ${bytesText(a.volume.securityBytesPerDay)}`,
        ],
        ['security events', `${a.volume.securityLines} (${pct(a.volume.securityLines, n)})`],
        ['noise ratio', pct(a.volume.noiseRatio, 1)],
        [
          'duplicate lines (ignoring time)',
          `${a.volume.duplicates} (${pct(a.volume.duplicateRatio, 1)})`,
        ],
        [
          'GB per month (all / security only)',
          `${c.allGbPerMonth.toPrecision(3)} / ${c.securityGbPerMonth.toPrecision(3)}`,
        ],
        [
          'cost per month (all / security only)',
          `${money(c.allPerMonth)} / ${money(c.securityPerMonth)}`,
        ],
        [
          `stored for ${c.retentionDays} days (all / security only)`,
          `${c.allStoredGb.toPrecision(3)} GB / ${c.securityStoredGb.toPrecision(3)} GB`,
        ],
      ],
      note: `Assumptions: the sample's bytes per calendar day it covers, 30 days a month, ${c.pricePerGb} (currency of your choice) per GB ingested (--price-per-gb), ${c.retentionDays} days retention (--retention-days; PCI DSS 10.5.1 asks for 12 months). Security events: named security events, 4xx/5xx on auth, validation and errors, warnings.`,
    },
    {
      title: 'Attacks found by the detection engine',
      headers: ['severity', 'rule', 'entity', 'events', 'first seen', 'first line'],
      rows: a.alerts
        .slice()
        .sort((x, y) => y.count - x.count)
        .slice(0, 40)
        .map((x) => [
          x.severity,
          x.title,
          x.entity,
          String(x.count),
          x.firstSeen.replace('.000Z', 'Z'),
          x.evidence[0] ? `${x.evidence[0].file}:${x.evidence[0].line}` : '',
        ]),
      note:
        a.alerts.length > 40
          ? `${a.alerts.length - 40} more alerts not shown (see --format json).`
          : undefined,
    },
  ].filter((t) => t.rows.length > 0) as Table[];
}

export function probeTable(p: ProbeResult): Table {
  return {
    title: `Probe of ${p.target} (checked via ${p.checkedVia}; alerts via ${p.alertsVia})`,
    headers: [
      'probe',
      'requests',
      'answered',
      'logged',
      'fields missing',
      'alerted',
      'time to log',
    ],
    rows: p.probes.map((x) => [
      x.label,
      String(x.requests),
      x.statuses.join(' '),
      x.logged ? `yes (${x.loggedEvents})` : 'NO',
      x.logged ? x.missingFields.join(', ') || 'none' : '–',
      x.alerted === null
        ? 'unknown'
        : x.alerted
          ? `yes (${x.alertRules.join(', ')})`
          : x.expectAlert
            ? 'NO'
            : 'no (not expected)',
      x.latencyMs === undefined ? '–' : `${(x.latencyMs / 1000).toFixed(1)}s`,
    ]),
  };
}

export function requirementsTable(findings: readonly Finding[]): Table {
  const ids = [...new Set(findings.flatMap((f) => f.refs))].sort();
  return {
    title: 'Requirements referenced',
    headers: ['requirement', 'summary', 'findings'],
    rows: ids.map((id) => {
      const r = REQUIREMENTS.get(id);
      return [
        r?.label ?? id,
        r?.text ?? '',
        findings
          .filter((f) => f.refs.includes(id))
          .map((f) => f.id)
          .join(', '),
      ];
    }),
  };
}

export function refLabels(f: Finding): string[] {
  return f.refs.map((id) => REQUIREMENTS.get(id)?.label ?? id);
}
