/**
 * `logwarden scan FILE...`: parse and run detection on files offline, on event time — like
 * fail2ban-regex or CrowdSec's replay mode, with the same engine the server runs live, so a
 * file scanned here gives the alerts live ingestion would have given.
 */
import os from 'node:os';
import type { Command } from 'commander';
import { LogwardenError } from '../../core/errors.js';
import { createLineParser, readFormatSample, type ParseContext } from '../../parsers/index.js';
import {
  SEVERITY_RANK,
  isAlertSeverity,
  type Alert,
  type AlertSeverity,
} from '../../detection/alerts/alert.js';
import {
  createDetectionEngine,
  loadRules,
  ruleSources,
  type DetectionEngine,
} from '../../detection/engine/index.js';
import {
  MIN_PARALLEL_BYTES,
  scanFileInThread,
  startScanPool,
  type FileScan,
} from '../../detection/scan/index.js';
import type { CliIO } from '../io.js';
import { openLineInput, type LineInput } from '../line-input.js';
import { parseFormat, parsePositiveInt, writeRows } from '../output.js';
import { createProgress } from '../progress.js';

interface ScanOptions {
  format?: string;
  limit?: string;
  logFormat?: string;
  rules?: string[];
  builtin?: boolean;
  year?: string;
  timezone?: string;
  minSeverity?: string;
  failOn?: string;
  threads?: string;
}

export interface FileSummary {
  file: string;
  format: string;
  lines: number;
  parsed: Record<string, number>;
  unparsed: number;
  seconds: number;
}

/** Default worker threads: one per core (`--threads`). */
export function defaultThreads(): number {
  return os.availableParallelism();
}

/** Scan files; returns the final state of every alert and per-file summaries. */
export async function scanFiles(
  files: readonly string[],
  o: {
    logFormat: string;
    ruleDirs: readonly string[];
    builtin: boolean;
    year?: number;
    timezone?: string;
    progress: boolean;
    /** Worker threads for large regular files; 1 = everything on this thread. Default: cores. */
    threads?: number;
    /** Tests: byte range per worker job and the smallest file worth workers. */
    rangeBytes?: number;
    minParallelBytes?: number;
  },
): Promise<{ alerts: Alert[]; summaries: FileSummary[]; ruleErrors: string[] }> {
  const threads = o.threads ?? defaultThreads();
  const minParallel = o.minParallelBytes ?? MIN_PARALLEL_BYTES;
  /** The size of a file worth workers (regular, not gzip, large enough), else undefined. */
  const parallelSize = (input: LineInput): number | undefined =>
    input.size !== undefined && !input.gzip && threads > 1 && input.size >= minParallel
      ? input.size
      : undefined;
  // Workers start first: their start overlaps loading the rules here (a file that cannot be
  // opened is reported at its turn, as without workers).
  const pool = files.some((f) => {
    try {
      return parallelSize(openLineInput(f)) !== undefined;
    } catch {
      return false;
    }
  })
    ? startScanPool(threads, o.rangeBytes === undefined ? {} : { rangeBytes: o.rangeBytes })
    : undefined;
  const summaries: FileSummary[] = [];
  const now = Date.now();
  let ruleErrors: string[];
  let engine: DetectionEngine;
  try {
    const ruleSet = loadRules({ builtin: o.builtin, dirs: o.ruleDirs });
    ruleErrors = ruleSet.errors.map((e) => e.message);
    pool?.setRules({ sources: ruleSources(ruleSet.rules), patterns: true });
    // `collect`: matches fold into episodes and alert objects are built once, at the end.
    engine = createDetectionEngine({ rules: ruleSet.rules, collect: true });
    for (const file of files) {
      const input = openLineInput(file);
      const started = Date.now();
      const progress = o.progress
        ? createProgress(`scan ${input.name}`, input.size)
        : { update() {}, finish() {} };
      const ctx: ParseContext = {
        now,
        source: `file:${input.name}`,
        ...(o.year ? { year: o.year } : {}),
        ...(o.timezone ? { timezone: o.timezone } : {}),
      };
      const source = `file:${input.name}`;
      const fileOpts = {
        logFormat: o.logFormat,
        ctx,
        source,
        onProgress: (bytes: number, lines: number) => progress.update(bytes, lines),
      };
      let r: FileScan;
      const size = parallelSize(input);
      if (pool !== undefined && size !== undefined) {
        r = await pool.scanFile(engine, file, size, fileOpts);
      } else if (input.size !== undefined && !input.gzip) {
        r = scanFileInThread(engine, file, fileOpts);
      } else {
        r = await scanLineStream(engine, input, fileOpts);
      }
      progress.finish();
      summaries.push({
        file: input.name,
        format: r.format,
        lines: r.lines,
        parsed: r.parsed,
        unparsed: r.unparsed,
        seconds: (Date.now() - started) / 1000,
      });
    }
  } finally {
    await pool?.close();
  }
  engine.finish();
  return { alerts: engine.takeAlerts(), summaries, ruleErrors };
}

/** stdin and gzip files: readline, one thread. */
async function scanLineStream(
  engine: DetectionEngine,
  input: LineInput,
  o: {
    logFormat: string;
    ctx: ParseContext;
    source: string;
    onProgress: (b: number, l: number) => void;
  },
): Promise<FileScan> {
  const it = input.lines()[Symbol.asyncIterator]();
  const sample = await readFormatSample(it);
  const parser = createLineParser(o.logFormat, { sample });
  let lines = 0;
  const handle = (line: string): void => {
    lines++;
    engine.process(parser.parse(line, o.ctx) as Record<string, unknown>, { source: o.source });
  };
  for (const line of sample) handle(line);
  for (;;) {
    const r = await it.next();
    if (r.done) break;
    handle(r.value);
    if ((lines & 0x3fff) === 0) o.onProgress(input.bytesRead(), lines);
  }
  const st = parser.stats();
  return { lines, format: parser.format, parsed: st.parsed, unparsed: st.unparsed };
}

export function sortAlerts(alerts: Alert[]): Alert[] {
  return alerts.sort(
    (a, b) =>
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      a.firstSeenMs - b.firstSeenMs ||
      a.id.localeCompare(b.id),
  );
}

function severityOption(v: string | undefined, name: string): AlertSeverity | undefined {
  if (v === undefined) return undefined;
  if (!isAlertSeverity(v))
    throw new LogwardenError(
      'LW_USAGE',
      `${name} ${JSON.stringify(v)}: expected one of ${Object.keys(SEVERITY_RANK).join(', ')}`,
    );
  return v;
}

export function registerScan(program: Command, io: CliIO): void {
  program
    .command('scan')
    .description(
      'Parse log files and run detection on them offline (event time), printing the alerts.',
    )
    .argument('<files...>', 'log files (gzip is recognised; - reads stdin)')
    .option('--format <format>', 'output: table|json|ndjson', 'table')
    .option('--limit <n>', 'most alerts to print', '1000')
    .option(
      '--log-format <name>',
      'input format instead of detecting it (see `logwarden ingest --help`)',
      'auto',
    )
    .option('--rules <dir...>', 'extra Sigma rule directories to load (e.g. a SigmaHQ checkout)')
    .option('--no-builtin', 'do not load the shipped OWASP rule pack')
    .option('--year <yyyy>', 'year for timestamps without one (classic syslog)')
    .option('--timezone <tz>', 'zone for timestamps without one (IANA name, default UTC)')
    .option('--min-severity <level>', 'print only alerts at or above this severity', 'low')
    .option(
      '--fail-on <level>',
      'exit with status 2 when an alert at or above this severity is found',
    )
    .option(
      '--threads <n>',
      'worker threads for large files (default: one per core); 1 keeps everything on one thread',
    )
    .addHelpText(
      'after',
      `
The same parsers and detection engine as \`logwarden serve\`, on the files' own timestamps:
brute force in an auth.log from last year is found as it would have been live.

Examples:
  $ logwarden scan /var/log/auth.log
  $ logwarden scan access.log access.log.1 access.log.2.gz --min-severity high
  $ logwarden scan --rules ~/sigma/rules/web access.log --format json > alerts.json
  $ zcat old.log.gz | logwarden scan - --log-format combined
  $ logwarden scan --fail-on high nightly-sample.log   # for CI: exit 2 on findings`,
    )
    .action(async (files: string[], opts: ScanOptions) => {
      const format = parseFormat(opts.format);
      const limit = parsePositiveInt(opts.limit, '--limit', 1000);
      const min = severityOption(opts.minSeverity, '--min-severity') ?? 'low';
      const failOn = severityOption(opts.failOn, '--fail-on');
      const year =
        opts.year === undefined ? undefined : parsePositiveInt(opts.year, '--year', 0, 9999);
      const threads =
        opts.threads === undefined
          ? undefined
          : parsePositiveInt(opts.threads, '--threads', 1, 256);
      const t0 = Date.now();
      const { alerts, summaries, ruleErrors } = await scanFiles(files, {
        ...(threads ? { threads } : {}),
        logFormat: opts.logFormat ?? 'auto',
        ruleDirs: opts.rules ?? [],
        builtin: opts.builtin !== false,
        ...(year ? { year } : {}),
        ...(opts.timezone ? { timezone: opts.timezone } : {}),
        progress: format === 'table',
      });
      for (const e of ruleErrors) io.err(`warning: rule not loaded: ${e}\n`);
      const shown = sortAlerts(
        alerts.filter((a) => SEVERITY_RANK[a.severity] >= SEVERITY_RANK[min]),
      );
      writeRows(io, shown.slice(0, limit), {
        format,
        empty: 'no alerts',
        json: (a) => a,
        columns: [
          { header: 'SEVERITY', get: (a) => a.severity },
          { header: 'RULE', get: (a) => a.rule.name ?? a.rule.title, maxWidth: 34 },
          {
            header: 'ENTITY',
            get: (a) => (a.entity.type === 'none' ? '' : `${a.entity.type}:${a.entity.value}`),
            maxWidth: 40,
          },
          { header: 'COUNT', get: (a) => a.count, align: 'right' },
          {
            header: 'FIRST SEEN',
            get: (a) => new Date(a.firstSeenMs).toISOString().replace('.000Z', 'Z'),
          },
          { header: 'SUMMARY', get: (a) => a.summary, maxWidth: 80 },
        ],
      });
      const lines = summaries.reduce((n, s) => n + s.lines, 0);
      const secs = (Date.now() - t0) / 1000;
      for (const s of summaries) {
        const parsed =
          Object.entries(s.parsed)
            .map(([f, n]) => `${f} ${n}`)
            .join(', ') || 'none';
        io.err(
          `${s.file}: ${s.lines} lines, format ${s.format}, parsed: ${parsed}; unparsed ${s.unparsed}\n`,
        );
      }
      const bySev = Object.keys(SEVERITY_RANK)
        .reverse()
        .map((k) => [k, alerts.filter((a) => a.severity === k).length] as const)
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${n} ${k}`)
        .join(', ');
      io.err(
        `scanned ${lines} lines in ${secs.toFixed(1)}s (${Math.round(lines / Math.max(secs, 0.001))} lines/s): ${alerts.length} alerts${bySev ? ` (${bySev})` : ''}${shown.length > limit ? `, ${shown.length - limit} not printed (--limit)` : ''}\n`,
      );
      if (failOn && alerts.some((a) => SEVERITY_RANK[a.severity] >= SEVERITY_RANK[failOn]))
        process.exitCode = 2;
    });
}
