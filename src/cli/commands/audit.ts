/**
 * `logwarden audit FILE...`: score a sample of an organization's logs the way an assessor would
 * (ARCHITECTURE §7): what each line tells an investigator, which high-value events are present,
 * sensitive data and injected characters, volume and cost, attacks the detection engine finds.
 * Also home of `writeReport`, shared by interview, probe and assess.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { createAuditor } from '../../assess/audit/index.js';
import {
  buildReport,
  formatForFile,
  parseReportFormat,
  renderReport,
  type AssessmentReport,
  type ReportFormat,
} from '../../assess/report/index.js';
import { LogwardenError } from '../../core/errors.js';
import type { CliIO } from '../io.js';
import { openLineInput } from '../line-input.js';
import { parsePositiveInt } from '../output.js';
import { createProgress } from '../progress.js';
import { VERSION } from '../program.js';

export interface ReportOutputOptions {
  format?: string;
  output?: string;
  failUnder?: string;
}

/** Add `--format`, `--output` and `--fail-under` to a command that writes a report. */
export function withReportOptions(cmd: Command): Command {
  return cmd
    .option(
      '--format <format>',
      'terminal|markdown|html|json|sarif (default: terminal, or from the --output extension)',
    )
    .option('-o, --output <file>', 'write the report to FILE instead of stdout')
    .option('--fail-under <score>', 'exit with status 2 when the score is below this (for CI)');
}

/** Write a report to stdout or `--output`, with a one-line summary on stderr. */
export function writeReport(io: CliIO, report: AssessmentReport, o: ReportOutputOptions): void {
  const format: ReportFormat =
    o.format !== undefined
      ? parseReportFormat(o.format)
      : ((o.output ? formatForFile(o.output) : undefined) ?? 'terminal');
  const failUnder =
    o.failUnder === undefined ? undefined : parsePositiveInt(o.failUnder, '--fail-under', 0, 100);
  const text = renderReport(report, format, {
    ...(io.columns !== undefined ? { width: io.columns } : {}),
    version: VERSION,
  });
  if (o.output) {
    try {
      writeFileSync(o.output, text, { mode: 0o640 });
    } catch (e) {
      throw new LogwardenError(
        'LW_USAGE',
        `--output ${o.output}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
        { cause: e },
      );
    }
    io.err(
      `${report.kind}: score ${report.score}/100, grade ${report.grade}, ${report.findings.length} findings; ${format} report written to ${o.output}\n`,
    );
  } else {
    io.out(text);
    if (format !== 'terminal')
      io.err(
        `${report.kind}: score ${report.score}/100, grade ${report.grade}, ${report.findings.length} findings\n`,
      );
  }
  if (failUnder !== undefined && report.score < failUnder) {
    io.err(`score ${report.score} is below --fail-under ${failUnder}\n`);
    // runCli (program.ts) returns 0 after a successful action and main.ts assigns it to
    // process.exitCode, so set the status once everything else has run.
    process.once('exit', () => {
      process.exitCode = 2;
    });
  }
}

interface AuditCliOptions extends ReportOutputOptions {
  logFormat?: string;
  pricePerGb?: string;
  retentionDays?: string;
  detection?: boolean;
  year?: string;
  timezone?: string;
  title?: string;
}

function positiveNumber(v: string | undefined, name: string, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0)
    throw new LogwardenError('LW_USAGE', `${name} ${JSON.stringify(v)}: expected a number >= 0`);
  return n;
}

/** Audit files (or `-`) into a report. */
export async function auditToReport(
  files: readonly string[],
  o: AuditCliOptions,
  progress: boolean,
): Promise<AssessmentReport> {
  const year = o.year === undefined ? undefined : parsePositiveInt(o.year, '--year', 0, 9999);
  const auditor = createAuditor({
    pricePerGb: positiveNumber(o.pricePerGb, '--price-per-gb', 0.5),
    retentionDays: parsePositiveInt(o.retentionDays, '--retention-days', 365, 36500),
    logFormat: o.logFormat ?? 'auto',
    detection: o.detection !== false,
    ...(year ? { year } : {}),
    ...(o.timezone ? { timezone: o.timezone } : {}),
  });
  const inputs = files.map((f) => openLineInput(f)); // fail on a missing file before reading any
  for (const input of inputs) {
    const bar = progress ? createProgress(`audit ${input.name}`, input.size) : undefined;
    await auditor.addFile(input.name, input.lines(), (n) => bar?.update(input.bytesRead(), n));
    bar?.finish();
  }
  const result = auditor.finish();
  const { findings, ...audit } = result;
  return buildReport({
    kind: 'audit',
    title: o.title ?? `Log audit: ${inputs.map((i) => i.name).join(', ')}`,
    findings,
    audit,
  });
}

export function registerAudit(program: Command, io: CliIO): void {
  const cmd = program
    .command('audit')
    .description(
      'Score a sample of logs: when/where/who/what coverage, missing high-value events, secrets, injection, volume and cost, attacks — mapped to OWASP A09, ASVS and PCI DSS 10.',
    )
    .argument('<files...>', 'log files (gzip is recognised; - reads stdin)');
  withReportOptions(cmd)
    .option(
      '--log-format <name>',
      'input format instead of detecting it (e.g. combined, sshd, json)',
      'auto',
    )
    .option('--price-per-gb <amount>', 'price per GB ingested, for the cost estimate', '0.5')
    .option('--retention-days <n>', 'retention for the stored-volume estimate', '365')
    .option('--no-detection', 'skip the detection engine (faster on very large samples)')
    .option('--year <yyyy>', 'year for timestamps without one (classic syslog)')
    .option('--timezone <tz>', 'zone for timestamps without one (IANA name, default UTC)')
    .option('--title <text>', 'report title')
    .addHelpText(
      'after',
      `
What it measures, per line and overall:
  when     timestamp, and whether it carries a zone
  where    host, service, HTTP method, route or operation
  who      source address, user, session
  what     a named event kind, the outcome (success/failure) and status
plus which high-value events appear (login success/failure, authorization and validation
failures, errors, admin actions), passwords/tokens/session ids/card numbers/e-mail addresses in
the lines (shown MASKED with their line numbers, never in clear), control characters and
injection (CWE-117), volume per day with a cost estimate, and attacks or brute force found by
the same detection engine as \`logwarden serve\`.

The score starts at 100; each finding takes off points by severity (critical 30, high 15,
medium 8, low 3). Grades: A >= 90, B >= 80, C >= 70, D >= 60, else F.

Examples:
  $ logwarden audit /var/log/nginx/access.log
  $ logwarden audit examples/system.log --output report.html     # format from the extension
  $ logwarden audit auth.log access.log.gz --format markdown > audit.md
  $ logwarden audit app.log --format sarif -o audit.sarif          # for code-scanning UIs
  $ logwarden audit app.log --format json -o audit.json            # input for \`logwarden assess\`
  $ zcat old.log.gz | logwarden audit - --price-per-gb 0.10 --fail-under 70`,
    )
    .action(async (files: string[], opts: AuditCliOptions) => {
      // Validate the output options before reading possibly large inputs.
      if (opts.format !== undefined) parseReportFormat(opts.format);
      const report = await auditToReport(files, opts, true);
      writeReport(io, report, opts);
    });
}
