/**
 * A self-contained HTML report: one file, no script, no external asset or CDN, charts as inline
 * SVG. The page carries its own CSP (`default-src 'none'`, the stylesheet allowed by its SHA-256
 * hash), so it can be served or attached as it is.
 */
import { createHash } from 'node:crypto';
import { neutralize } from '../../core/neutralize.js';
import { COVERAGE_FIELDS, HIGH_VALUE_KINDS, type CoverageField } from '../audit/line-facts.js';
import type { Finding } from './finding.js';
import type { AssessmentReport } from './model.js';
import {
  auditTables,
  pct,
  probeTable,
  refLabels,
  requirementsTable,
  severityCounts,
  type Table,
} from './rows.js';
import {
  SEVERITY_COLORS,
  barChart,
  columnChart,
  coverageColor,
  escapeXml,
  scoreGauge,
} from './svg-charts.js';

const CSS = `
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#212121;margin:0;background:#fafafa}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:26px;margin:0 0 4px}h2{margin-top:36px;border-bottom:2px solid #e0e0e0;padding-bottom:4px}
.head{display:flex;gap:24px;align-items:center;background:#fff;border:1px solid #e0e0e0;border-radius:8px;padding:16px}
.charts{display:flex;flex-wrap:wrap;gap:0 20px;align-items:flex-start}.card{background:#fff;border:1px solid #e0e0e0;border-radius:8px;padding:12px 16px;margin:12px 0}
.finding{border-left:6px solid #90a4ae}.sev-critical{border-left-color:#8e0000}.sev-high{border-left-color:#c62828}
.sev-medium{border-left-color:#ef6c00}.sev-low{border-left-color:#f9a825}
.badge{display:inline-block;border-radius:4px;padding:0 6px;color:#fff;font-size:12px;font-weight:bold;margin-right:6px}
.b-critical{background:#8e0000}.b-high{background:#c62828}.b-medium{background:#ef6c00}.b-low{background:#f9a825;color:#212121}.b-info{background:#78909c}
code{background:#f1f3f4;padding:1px 4px;border-radius:3px;font-size:13px;word-break:break-all}
ul.evidence{margin:4px 0 8px;padding-left:20px}.refs{color:#455a64;font-size:13px}
table{border-collapse:collapse;width:100%;background:#fff;font-size:14px}th,td{border:1px solid #e0e0e0;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eceff1}.muted{color:#616161;font-size:13px}.chart{max-width:100%;height:auto}
`;

const t = (s: string): string => escapeXml(neutralize(s).value);
// Markdown-style `code` in fixed texts (finding definitions) as <code>.
const prose = (s: string): string => t(s).replace(/`([^`]+)`/g, '<code>$1</code>');

function htmlTable(tb: Table): string {
  return `<h3>${t(tb.title)}</h3><table><thead><tr>${tb.headers.map((h) => `<th>${t(h)}</th>`).join('')}</tr></thead><tbody>
${tb.rows.map((r) => `<tr>${r.map((c) => `<td>${t(c)}</td>`).join('')}</tr>`).join('\n')}
</tbody></table>${tb.note ? `<p class="muted">${t(tb.note)}</p>` : ''}`;
}

function htmlFinding(f: Finding, i: number): string {
  const ev = f.evidence.length
    ? `<ul class="evidence">${f.evidence
        .map(
          (e) =>
            `<li>${e.file !== undefined ? `<code>${t(`${e.file}${e.line !== undefined ? `:${e.line}` : ''}`)}</code> ` : ''}<code>${t(e.text)}</code></li>`,
        )
        .join('')}</ul>`
    : '';
  return `<section class="card finding sev-${f.severity}" id="f-${i + 1}">
<h3><span class="badge b-${f.severity}">${f.severity.toUpperCase()}</span>${i + 1}. ${t(f.title)} <span class="muted">${f.id}</span></h3>
<p>${t(f.summary)}</p>${ev}
<p><strong>Fix:</strong> ${prose(f.fix)}</p>
<p class="refs">${refLabels(f).map(t).join(' · ')}</p>
</section>`;
}

function charts(r: AssessmentReport): string {
  const out: string[] = [];
  const sev = severityCounts(r.findings);
  out.push(
    `<div class="card"><h3>Findings by severity</h3>${barChart(
      'chart-severity',
      'Findings by severity',
      sev.map(([s, n]) => ({ label: s, value: n, text: String(n), color: SEVERITY_COLORS[s] })),
      Math.max(1, ...sev.map(([, n]) => n)),
    )}</div>`,
  );
  const a = r.audit;
  if (a && a.lines > 0) {
    out.push(
      `<div class="card"><h3>What the lines carry</h3>${barChart(
        'chart-coverage',
        'Share of lines carrying each field',
        (Object.keys(COVERAGE_FIELDS) as CoverageField[]).map((f) => ({
          label: `${COVERAGE_FIELDS[f]}: ${f.replace('_', ' ')}`,
          value: a.coverage[f],
          text: pct(a.coverage[f], a.lines),
          color: coverageColor(a.coverage[f] / a.lines),
        })),
        a.lines,
      )}</div>`,
    );
    const kinds = Object.keys(HIGH_VALUE_KINDS) as Array<keyof typeof HIGH_VALUE_KINDS>;
    out.push(
      `<div class="card"><h3>High-value events</h3>${barChart(
        'chart-kinds',
        'Lines of each high-value event kind',
        kinds.map((k) => ({
          label: HIGH_VALUE_KINDS[k],
          value: a.kinds[k],
          text: a.kinds[k] > 0 ? String(a.kinds[k]) : 'missing',
          color: a.kinds[k] > 0 ? '#2e7d32' : '#c62828',
        })),
        Math.max(1, ...kinds.map((k) => a.kinds[k])),
      )}</div>`,
    );
    out.push(
      `<div class="card"><h3>Volume per day</h3>${columnChart(
        'chart-volume',
        'Lines per day: security events (dark) and everything else (grey)',
        a.volume.days.map((d) => ({
          label: d.day,
          parts: [
            { name: 'security events', value: d.securityLines, color: '#1565c0' },
            { name: 'other lines', value: d.lines - d.securityLines, color: '#b0bec5' },
          ],
        })),
      )}<p class="muted">Blue: security events; grey: everything else.</p></div>`,
    );
  }
  const p = r.probe;
  if (p) {
    out.push(
      `<div class="card"><h3>Probe: logged and alerted</h3>${barChart(
        'chart-probe',
        'Probes logged and alerted',
        [
          {
            label: 'probes sent',
            value: p.probes.length,
            text: String(p.probes.length),
            color: '#1565c0',
          },
          {
            label: 'logged',
            value: p.probes.filter((x) => x.logged).length,
            text: String(p.probes.filter((x) => x.logged).length),
            color: '#2e7d32',
          },
          {
            label: 'alerted',
            value: p.probes.filter((x) => x.alerted).length,
            text: String(p.probes.filter((x) => x.alerted).length),
            color: '#ef6c00',
          },
        ],
        Math.max(1, p.probes.length),
      )}</div>`,
    );
  }
  return `<div class="charts">${out.join('\n')}</div>`;
}

/** The report as one self-contained HTML page. */
export function renderHtml(r: AssessmentReport): string {
  const hash = createHash('sha256').update(CSS).digest('base64');
  const csp = `default-src 'none'; style-src 'sha256-${hash}'; img-src data:; base-uri 'none'; form-action 'none'`;
  const sections: string[] = [];
  sections.push(
    `<h2>Findings, highest risk first</h2>${r.findings.map(htmlFinding).join('\n') || '<p>No findings.</p>'}`,
  );
  if (r.audit)
    sections.push(`<h2>Log sample</h2>${auditTables(r.audit).map(htmlTable).join('\n')}`);
  if (r.interview)
    sections.push(
      `<h2>Interview</h2>${htmlTable({
        title: 'Answers',
        headers: ['question', 'answer', 'read as'],
        rows: r.interview.answers.map((x) => [
          x.question,
          x.answer,
          x.followUp ? `unclear — ask: ${x.followUp}` : x.reading,
        ]),
      })}`,
    );
  if (r.probe) sections.push(`<h2>Probe</h2>${htmlTable(probeTable(r.probe))}`);
  if (r.findings.length)
    sections.push(`<h2>Requirements</h2>${htmlTable(requirementsTable(r.findings))}`);
  const counts = severityCounts(r.findings)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t(r.title)}</title>
<style>${CSS}</style></head>
<body><main>
<div class="head">${scoreGauge(r.score, r.grade)}<div><h1>${t(r.title)}</h1>
<p>Score <strong>${r.score}/100</strong>, grade <strong>${r.grade}</strong>. ${r.findings.length} finding${r.findings.length === 1 ? '' : 's'}${counts ? ` (${counts})` : ''}.</p>
<p class="muted">Generated ${t(r.generatedAt)} by logwarden. Mapped to OWASP Top 10 A09:2021, ASVS 4.0.3 V7, ASVS 5.0 V16 and PCI DSS v4.0 requirement 10. Score: 100 minus 30 per critical, 15 per high, 8 per medium, 3 per low finding.</p></div></div>
${charts(r)}
${sections.join('\n')}
</main></body></html>
`;
}
