/**
 * Markdown and terminal renderings of a report. Both print only neutralized text: a log excerpt
 * can never move the cursor or forge a line (CWE-117, CWE-150), and sensitive values reach this
 * point already masked.
 */
import { neutralize } from '../../core/neutralize.js';
import type { Finding } from './finding.js';
import type { AssessmentReport } from './model.js';
import {
  auditTables,
  probeTable,
  refLabels,
  requirementsTable,
  severityCounts,
  type Table,
} from './rows.js';

const safe = (s: string): string => neutralize(s).value;
const mdCell = (s: string): string => safe(s).replace(/\|/g, '\\|');
const mdCode = (s: string): string => '`' + mdCell(s).replace(/`/g, "'") + '`';
const where = (e: { file?: string; line?: number }): string =>
  e.file !== undefined ? `${e.file}${e.line !== undefined ? `:${e.line}` : ''}` : '';

function mdTable(t: Table): string {
  const head = `| ${t.headers.map(mdCell).join(' | ')} |\n|${t.headers.map(() => '---').join('|')}|\n`;
  const body = t.rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`).join('\n');
  return `### ${t.title}\n\n${head}${body}\n${t.note ? `\n${t.note}\n` : ''}`;
}

function mdFinding(f: Finding, i: number): string {
  const ev = f.evidence.length
    ? `\n**Evidence**\n\n${f.evidence.map((e) => `- ${where(e) ? `${mdCode(where(e))} ` : ''}${mdCode(e.text)}`).join('\n')}\n`
    : '';
  return `### ${i + 1}. ${f.severity.toUpperCase()}: ${f.title} (${f.id})

${safe(f.summary)}
${ev}
**Fix:** ${safe(f.fix)}

**Requirements:** ${refLabels(f).join(' · ')}
`;
}

/** The report as Markdown (GitHub flavoured). */
export function renderMarkdown(r: AssessmentReport): string {
  const parts: string[] = [];
  parts.push(`# ${safe(r.title)}\n`);
  parts.push(
    `Generated ${r.generatedAt} by logwarden. **Score ${r.score}/100, grade ${r.grade}** — ${r.findings.length} finding${r.findings.length === 1 ? '' : 's'}: ${
      severityCounts(r.findings)
        .filter(([, n]) => n > 0)
        .map(([s, n]) => `${n} ${s}`)
        .join(', ') || 'none'
    }.\n`,
  );
  parts.push(
    'The score starts at 100 and each finding takes off points by severity (critical 30, high 15, medium 8, low 3); grades A ≥ 90, B ≥ 80, C ≥ 70, D ≥ 60, else F. Findings are mapped to OWASP Top 10 A09:2021, ASVS 4.0.3 V7, ASVS 5.0 V16 and PCI DSS v4.0 requirement 10.\n',
  );
  parts.push(`## Findings, highest risk first\n`);
  parts.push(r.findings.length ? r.findings.map(mdFinding).join('\n') : 'No findings.\n');
  if (r.audit) parts.push(`## Log sample\n\n${auditTables(r.audit).map(mdTable).join('\n')}`);
  if (r.interview) {
    parts.push(
      `## Interview\n\n${mdTable({
        title: 'Answers',
        headers: ['question', 'answer', 'read as'],
        rows: r.interview.answers.map((a) => [
          a.question,
          a.answer,
          a.followUp ? `unclear — ask: ${a.followUp}` : a.reading,
        ]),
      })}`,
    );
  }
  if (r.probe) parts.push(`## Probe\n\n${mdTable(probeTable(r.probe))}`);
  if (r.findings.length) parts.push(`## Requirements\n\n${mdTable(requirementsTable(r.findings))}`);
  return parts.join('\n');
}

// ---- terminal ----

function wrap(text: string, width: number, indent: string): string {
  const out: string[] = [];
  let line = '';
  for (const w of safe(text).split(/\s+/)) {
    if (line && line.length + 1 + w.length > width - indent.length) {
      out.push(indent + line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) out.push(indent + line);
  return out.join('\n');
}

function textTable(t: Table, width: number): string {
  const cells = t.rows.map((r) => r.map((c) => safe(c)));
  const widths = t.headers.map((h, i) =>
    Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)),
  );
  const total = () => widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  while (total() > width) {
    const i = widths.indexOf(Math.max(...widths));
    if ((widths[i] as number) <= 10) break;
    widths[i] = (widths[i] as number) - 1;
  }
  const cut = (s: string, w: number): string =>
    s.length > w ? s.slice(0, w - 1) + '…' : s.padEnd(w);
  const line = (r: readonly string[]): string =>
    r
      .map((c, i) => cut(c, widths[i] as number))
      .join('  ')
      .trimEnd();
  const body = [line(t.headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)];
  return `${t.title}\n${body.map((l) => '  ' + l).join('\n')}\n${t.note ? wrap(t.note, width, '  ') + '\n' : ''}`;
}

/** The report for a terminal: plain text, wrapped to `width`. */
export function renderTerminal(r: AssessmentReport, width = 100): string {
  const w = Math.max(60, Math.min(width, 140));
  const parts: string[] = [];
  const bar = '='.repeat(Math.min(w, 80));
  parts.push(`${bar}\n${safe(r.title)}\n${bar}`);
  parts.push(
    `Score ${r.score}/100  grade ${r.grade}   findings: ${
      severityCounts(r.findings)
        .filter(([, n]) => n > 0)
        .map(([s, n]) => `${n} ${s}`)
        .join(', ') || 'none'
    }\n`,
  );
  r.findings.forEach((f, i) => {
    parts.push(`${i + 1}. [${f.severity.toUpperCase()}] ${f.title} (${f.id})`);
    parts.push(wrap(f.summary, w, '   '));
    for (const e of f.evidence.slice(0, 5))
      parts.push(wrap(`${where(e) ? where(e) + '  ' : ''}${e.text}`, w, '     > '));
    if (f.evidence.length > 5)
      parts.push(`     > … ${f.evidence.length - 5} more (see --format json)`);
    parts.push(wrap(`Fix: ${f.fix}`, w, '   '));
    parts.push(wrap(`Maps to: ${refLabels(f).join(', ')}`, w, '   ') + '\n');
  });
  if (r.audit) for (const t of auditTables(r.audit)) parts.push(textTable(t, w));
  if (r.interview)
    parts.push(
      textTable(
        {
          title: 'Interview',
          headers: ['question', 'answer', 'read as'],
          rows: r.interview.answers.map((a) => [
            a.id,
            a.answer,
            a.followUp ? `unclear: ${a.followUp}` : a.intent,
          ]),
        },
        w,
      ),
    );
  if (r.probe) parts.push(textTable(probeTable(r.probe), w));
  return parts.join('\n') + '\n';
}
