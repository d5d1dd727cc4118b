/**
 * `logwarden probe URL`: a light, safe offensive test of an application's logging. A bounded set
 * of harmless requests that look like attacks, each with its own canary; then a look through
 * the logwarden API or a log file for each canary: logged? with which fields? alerted? how fast?
 */
import type { Command } from 'commander';
import {
  PROBE_LIMITS,
  PROBE_SHAPES,
  apiSource,
  checkProbe,
  fileSource,
  planProbe,
  probeFindings,
  sendPlan,
  type EvidenceSource,
  type ProbePlan,
} from '../../assess/probe/index.js';
import {
  buildReport,
  parseReportFormat,
  type AssessmentReport,
} from '../../assess/report/index.js';
import { LogwardenError } from '../../core/errors.js';
import type { CliIO } from '../io.js';
import { parsePositiveInt } from '../output.js';
import { withReportOptions, writeReport, type ReportOutputOptions } from './audit.js';

interface ProbeCliOptions extends ReportOutputOptions {
  authorize?: string[];
  logwarden?: string;
  token?: string;
  logFile?: string;
  loginPath?: string;
  userField?: string;
  passwordField?: string;
  burst?: string;
  rate?: string;
  maxRequests?: string;
  only?: string[];
  wait?: string;
  dryRun?: boolean;
  title?: string;
}

function describePlan(plan: ProbePlan): string {
  const lines = [
    `probe plan for ${plan.target.origin}: ${plan.total} requests at most ${plan.rate}/s (dry run: nothing sent)`,
    '',
  ];
  for (const p of plan.probes) {
    lines.push(
      `${p.shape.name}  (${p.shape.label}; canary ${p.canary}; ${p.requests.length} request${p.requests.length === 1 ? '' : 's'})`,
    );
    for (const r of p.requests.slice(0, 3)) {
      const hdrs = Object.entries(r.headers)
        .map(([k, v]) => `${k}: ${v.length > 80 ? `${v.slice(0, 20)}… (${v.length} bytes)` : v}`)
        .join('; ');
      lines.push(`  ${r.method} ${r.url}`);
      lines.push(`    headers: ${hdrs}`);
      if (r.body !== undefined) lines.push(`    body: ${r.body}`);
    }
    if (p.requests.length > 3) lines.push(`  … ${p.requests.length - 3} more like these`);
    lines.push(`  expect: ${p.shape.expect}`);
  }
  return lines.join('\n') + '\n';
}

/** Plan, send, check: the probe as a report. */
export async function probeToReport(
  url: string,
  o: ProbeCliOptions,
  io: CliIO,
): Promise<AssessmentReport | undefined> {
  const plan = planProbe({
    target: url,
    authorize: o.authorize ?? [],
    ...(o.loginPath ? { loginPath: o.loginPath } : {}),
    ...(o.userField ? { userField: o.userField } : {}),
    ...(o.passwordField ? { passwordField: o.passwordField } : {}),
    burst: parsePositiveInt(o.burst, '--burst', PROBE_LIMITS.burst.default, PROBE_LIMITS.burst.cap),
    rate: parsePositiveInt(o.rate, '--rate', PROBE_LIMITS.rate.default, PROBE_LIMITS.rate.cap),
    maxRequests: parsePositiveInt(
      o.maxRequests,
      '--max-requests',
      PROBE_LIMITS.maxRequests.default,
      PROBE_LIMITS.maxRequests.cap,
    ),
    ...(o.only ? { only: o.only } : {}),
  });
  if (o.dryRun) {
    io.out(describePlan(plan));
    return undefined;
  }
  const waitMs = parsePositiveInt(o.wait, '--wait', 15, 600) * 1000;
  let source: EvidenceSource;
  let startMs = Date.now();
  if (o.logwarden !== undefined) {
    const token = o.token ?? io.env.LOGWARDEN_TOKEN;
    if (!token)
      throw new LogwardenError(
        'LW_USAGE',
        '--logwarden needs --token (or LOGWARDEN_TOKEN) with the read scope',
      );
    source = apiSource(o.logwarden, token, () => startMs);
  } else if (o.logFile !== undefined) {
    source = fileSource(o.logFile);
  } else
    throw new LogwardenError(
      'LW_USAGE',
      'say where to look for the probes: --logwarden URL --token T, or --log-file PATH (or use --dry-run)',
    );
  io.err(`probe: sending ${plan.total} requests to ${plan.target.origin} at ${plan.rate}/s\n`);
  startMs = Date.now();
  const tty = process.stderr.isTTY === true;
  const sent = await sendPlan(plan, (done, total) => {
    if (tty) io.err(`\rprobe: sent ${done}/${total}\u001b[K`);
  });
  if (tty) io.err('\r\u001b[K');
  const failed = sent.filter((s) => s.status === 0);
  if (failed.length === sent.length)
    throw new LogwardenError(
      'LW_UNAVAILABLE',
      `${plan.target.origin}: no request got an answer (${failed[0]?.error ?? 'error'}); is the target running?`,
    );
  io.err(
    `probe: sent ${sent.length}; looking for the canaries in ${source.describe} for up to ${waitMs / 1000}s\n`,
  );
  const result = await checkProbe(plan, sent, source, {
    waitMs,
    onPoll: (found, total) => {
      if (tty) io.err(`\rprobe: ${found}/${total} probes found in the logs\u001b[K`);
    },
  });
  if (tty) io.err('\r\u001b[K');
  return buildReport({
    kind: 'probe',
    title: o.title ?? `Logging probe: ${plan.target.origin}`,
    findings: probeFindings(result),
    probe: result,
  });
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

export function registerProbe(program: Command, io: CliIO): void {
  const cmd = program
    .command('probe')
    .description(
      'Send a few harmless attack-like requests (each with a canary) and check they were logged, with which fields, and alerted.',
    )
    .argument('<url>', 'the application to probe, e.g. http://127.0.0.1:8081');
  withReportOptions(cmd)
    .option('--logwarden <url>', 'logwarden server to look in (GET /v1/events; needs a read token)')
    .option('--token <token>', 'read token for --logwarden (or LOGWARDEN_TOKEN)')
    .option('--log-file <path>', 'look in this log file instead of a logwarden server')
    .option('--authorize <host>', 'allow this exact non-loopback host (repeatable)', collect)
    .option('--login-path <path>', 'the login route', '/login')
    .option('--user-field <name>', 'user name field of the login JSON body', 'email')
    .option('--password-field <name>', 'password field of the login JSON body', 'password')
    .option(
      '--burst <n>',
      `404 burst size (max ${PROBE_LIMITS.burst.cap})`,
      String(PROBE_LIMITS.burst.default),
    )
    .option(
      '--rate <n>',
      `requests per second (max ${PROBE_LIMITS.rate.cap})`,
      String(PROBE_LIMITS.rate.default),
    )
    .option(
      '--max-requests <n>',
      `refuse a plan larger than this (max ${PROBE_LIMITS.maxRequests.cap})`,
      String(PROBE_LIMITS.maxRequests.default),
    )
    .option(
      '--only <probe>',
      `run only this probe (repeatable): ${PROBE_SHAPES.map((s) => s.name).join(', ')}`,
      collect,
    )
    .option('--wait <secs>', 'how long to wait for the probes to show up', '15')
    .option('--dry-run', 'print the requests that would be sent, send nothing')
    .option('--title <text>', 'report title')
    .addHelpText(
      'after',
      `
Probes (harmless: made-up users, paths that do not exist, payloads that only look like attacks):
${PROBE_SHAPES.map((s) => `  ${s.name.padEnd(20)} ${s.label}`).join('\n')}

Each probe carries a unique canary (in the path, user name or User-Agent, and an
X-Logwarden-Probe header) so its log lines can be found. Scope: loopback targets only, unless
--authorize names the target's host exactly; requests are sent one at a time, at most --rate per
second and --max-requests in all (hard caps ${PROBE_LIMITS.rate.cap}/s and ${PROBE_LIMITS.maxRequests.cap}). Only probe systems you are allowed to test.

Alerts are checked through the server's alerts API when it has one, otherwise by running the
same detection engine and rules over the events read back (the report says which).

Examples:
  $ logwarden probe http://127.0.0.1:8081 --dry-run
  $ logwarden probe http://127.0.0.1:8081 --logwarden http://127.0.0.1:8080 --token "$READ_TOKEN"
  $ logwarden probe http://127.0.0.1:3000 --log-file /var/log/nginx/access.log --format markdown
  $ logwarden probe https://staging.example.com --authorize staging.example.com \\
      --login-path /api/session --user-field username --logwarden https://logs.example.com --token "$T"`,
    )
    .action(async (url: string, opts: ProbeCliOptions) => {
      if (opts.format !== undefined) parseReportFormat(opts.format);
      const report = await probeToReport(url, opts, io);
      if (report) writeReport(io, report, opts);
    });
}
