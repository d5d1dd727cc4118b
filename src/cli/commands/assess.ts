/**
 * `logwarden assess`: one report from the audit, the interview and the probe — read from the
 * JSON reports they wrote (`--format json`), or run inline — in the same output formats.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  buildReport,
  parseReport,
  parseReportFormat,
  type AssessmentReport,
  type Finding,
} from '../../assess/report/index.js';
import { LogwardenError } from '../../core/errors.js';
import type { CliIO } from '../io.js';
import {
  auditToReport,
  withReportOptions,
  writeReport,
  type ReportOutputOptions,
} from './audit.js';
import { interviewToReport } from './interview.js';
import { probeToReport } from './probe.js';

interface AssessCliOptions extends ReportOutputOptions {
  log?: string[];
  answers?: string;
  probe?: string;
  logwarden?: string;
  token?: string;
  logFile?: string;
  authorize?: string[];
  loginPath?: string;
  userField?: string;
  title?: string;
}

type Part = 'audit' | 'interview' | 'probe';

/** Merge part reports (each part at most once) into one assessment. */
export function mergeReports(parts: readonly AssessmentReport[], title: string): AssessmentReport {
  const seen = new Map<Part, AssessmentReport>();
  const findings: Finding[] = [];
  for (const r of parts) {
    const kinds = (['audit', 'interview', 'probe'] as const).filter((k) => r[k] !== undefined);
    for (const k of kinds) {
      if (seen.has(k))
        throw new LogwardenError(
          'LW_USAGE',
          `two ${k} results given ("${seen.get(k)!.title}" and "${r.title}"); give each part once (audit several files in one run)`,
        );
      seen.set(k, r);
    }
    findings.push(...r.findings);
  }
  const audit = seen.get('audit')?.audit;
  const interview = seen.get('interview')?.interview;
  const probe = seen.get('probe')?.probe;
  return buildReport({
    kind: 'assessment',
    title,
    findings,
    ...(audit ? { audit } : {}),
    ...(interview ? { interview } : {}),
    ...(probe ? { probe } : {}),
  });
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

export function registerAssess(program: Command, io: CliIO): void {
  const cmd = program
    .command('assess')
    .description(
      'Combine audit, interview and probe results into one assessment report (from their JSON reports, or run inline).',
    )
    .argument(
      '[reports...]',
      'JSON reports written by audit, interview or probe with --format json',
    );
  withReportOptions(cmd)
    .option('--log <file>', 'audit this log file inline (repeatable)', collect)
    .option('--answers <file>', 'run the interview inline from this YAML answers file')
    .option('--probe <url>', 'run the probe inline against this URL')
    .option('--logwarden <url>', 'for --probe: logwarden server to look in')
    .option('--token <token>', 'for --probe: read token (or LOGWARDEN_TOKEN)')
    .option('--log-file <path>', 'for --probe: look in this log file instead')
    .option('--authorize <host>', 'for --probe: allow this exact non-loopback host', collect)
    .option('--login-path <path>', 'for --probe: the login route')
    .option('--user-field <name>', 'for --probe: user name field of the login body')
    .option('--title <text>', 'report title', 'Security logging assessment')
    .addHelpText(
      'after',
      `
Examples:
  $ logwarden audit system.log --format json -o audit.json
  $ logwarden interview --answers answers.yaml --format json -o interview.json
  $ logwarden probe http://127.0.0.1:8081 --logwarden http://127.0.0.1:8080 --token "$T" --format json -o probe.json
  $ logwarden assess audit.json interview.json probe.json -o assessment.html
  $ logwarden assess --log system.log --answers answers.yaml --format markdown   # inline`,
    )
    .action(async (files: string[], opts: AssessCliOptions) => {
      if (opts.format !== undefined) parseReportFormat(opts.format);
      const parts: AssessmentReport[] = [];
      for (const f of files) {
        let text: string;
        try {
          text = readFileSync(f, 'utf8');
        } catch (e) {
          throw new LogwardenError(
            'LW_INPUT_NOT_FOUND',
            `${f}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
            { cause: e },
          );
        }
        parts.push(parseReport(text, f));
      }
      if (opts.log?.length) parts.push(await auditToReport(opts.log, {}, true));
      if (opts.answers) parts.push(await interviewToReport({ answers: opts.answers }, io));
      if (opts.probe) {
        const p = await probeToReport(
          opts.probe,
          {
            ...(opts.logwarden ? { logwarden: opts.logwarden } : {}),
            ...(opts.token ? { token: opts.token } : {}),
            ...(opts.logFile ? { logFile: opts.logFile } : {}),
            ...(opts.authorize ? { authorize: opts.authorize } : {}),
            ...(opts.loginPath ? { loginPath: opts.loginPath } : {}),
            ...(opts.userField ? { userField: opts.userField } : {}),
          },
          io,
        );
        if (p) parts.push(p);
      }
      if (parts.length === 0)
        throw new LogwardenError(
          'LW_USAGE',
          'nothing to assess: give JSON reports, or --log FILE, --answers FILE or --probe URL',
        );
      writeReport(io, mergeReports(parts, opts.title ?? 'Security logging assessment'), opts);
    });
}
