/**
 * `logwarden ingest FILE...`: one-shot import of log files into the data directory (the same
 * parsers, validation, redaction and store as `serve`), with a progress bar and a summary:
 * lines, parsed by format, unparsed, rejected, stored, duplicates.
 *
 * Idempotent: every event's id is derived from the file's first bytes and the line number, so
 * importing the same file twice stores each line once (the second run reports duplicates).
 * Gzip-rotated files (`access.log.2.gz`) are recognized by their magic bytes.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Command } from 'commander';
import { ERROR_CATALOG } from '../../core/errors.js';
import { deterministicId } from '../../core/ids.js';
import { prepareEvent, type PreparedEventCore } from '../../core/prepare.js';
import { createRedactor } from '../../core/redact.js';
import {
  createLineParser,
  readFormatSample,
  validateParseContext,
  type ParseContext,
} from '../../parsers/index.js';
import { openDataDir } from '../../server/data-dir.js';
import { commandConfig, withCommonOptions, type CommonOptions } from '../context.js';
import type { CliIO } from '../io.js';
import { openLineInput } from '../line-input.js';
import { parseFormat, parsePositiveInt, writeRows } from '../output.js';
import { createProgress } from '../progress.js';

interface IngestOptions extends CommonOptions {
  logFormat?: string;
  year?: string;
  timezone?: string;
  batch?: string;
}

/** Rejected lines printed per file (the rest are counted). */
const MAX_REPORTED_REJECTIONS = 20;
/** Store appends pending at once while the next batch is prepared. */
const MAX_IN_FLIGHT = 2;

export interface IngestSummary {
  file: string;
  format: string;
  lines: number;
  parsed: Record<string, number>;
  unparsed: number;
  rejected: number;
  stored: number;
  duplicates: number;
  seconds: number;
}

export function registerIngest(program: Command, io: CliIO): void {
  const cmd = program
    .command('ingest')
    .description('Import log files into the data directory (one-shot), printing a summary.')
    .argument('<files...>', 'log files (gzip is recognised; - reads stdin)')
    .option(
      '--log-format <name>',
      'input format instead of detecting it: access, nginx_error, apache_error, url_line, syslog, json, logfmt, timestamped (or an alias: combined, nginx, auth, jsonl...)',
      'auto',
    )
    .option(
      '--year <yyyy>',
      'year for timestamps without one (classic syslog); default: inferred from today',
    )
    .option(
      '--timezone <tz>',
      'zone for timestamps without one: UTC (default), +02:00 or an IANA name',
    )
    .option('--batch <n>', 'events per store transaction', '5000');
  withCommonOptions(cmd, { format: ['table', 'json'] })
    .addHelpText(
      'after',
      `
Every line is kept: a line no parser understands is stored as a \`log\` event (counted as
unparsed); a line whose event fails validation is reported with the field that was wrong.

Examples:
  $ logwarden ingest /var/log/auth.log /var/log/auth.log.1 /var/log/auth.log.2.gz
  $ logwarden ingest --log-format combined --data /srv/logwarden access.log
  $ logwarden ingest --timezone Europe/Paris --year 2025 old-syslog.txt
  $ zcat archive.gz | logwarden ingest - --log-format jsonl`,
    )
    .action(async (files: string[], opts: IngestOptions) => {
      const format = parseFormat(opts.format);
      const batchSize = parsePositiveInt(opts.batch, '--batch', 5000, 100_000);
      const year =
        opts.year === undefined ? undefined : parsePositiveInt(opts.year, '--year', 0, 9999);
      const base = {
        ...(year ? { year } : {}),
        ...(opts.timezone ? { timezone: opts.timezone } : {}),
      };
      validateParseContext({ ...base, now: Date.now() });
      createLineParser(opts.logFormat ?? 'auto'); // unknown format: fail before opening anything
      // Every input must be readable before anything is stored (a typo in the third name should
      // not leave the first two imported).
      for (const f of files) openLineInput(f);
      const config = commandConfig(opts, io);
      const redactor = createRedactor({
        extraFields: config.redaction.fields,
        extraPatterns: config.redaction.patterns.map((p) => ({ name: p.name, pattern: p.regex })),
      });
      const { store } = openDataDir(config.storage.path);
      const summaries: IngestSummary[] = [];
      const t0 = Date.now();
      try {
        for (const file of files) {
          const input = openLineInput(file);
          const started = Date.now();
          // The absolute path names the source, whatever directory ingest was run from.
          const source = file === '-' ? 'file:<stdin>' : `file:${path.resolve(file)}`;
          const ctx: ParseContext = { ...base, now: Date.now(), source };
          const progress =
            format === 'table'
              ? createProgress(`ingest ${input.name}`, input.size)
              : { update() {}, finish() {} };
          const it = input.lines()[Symbol.asyncIterator]();
          const sample = await readFormatSample(it);
          const parser = createLineParser(opts.logFormat ?? 'auto', { sample });
          // Identity of the content, not of the name: a rotated file keeps its ids.
          const identity = createHash('sha256').update(sample.join('\n')).digest('hex');
          const s: IngestSummary = {
            file: input.name,
            format: parser.format,
            lines: 0,
            parsed: {},
            unparsed: 0,
            rejected: 0,
            stored: 0,
            duplicates: 0,
            seconds: 0,
          };
          let batch: PreparedEventCore[] = [];
          // The store commits in its own thread: keep up to MAX_IN_FLIGHT appends pending so that
          // parsing and validating the next batch overlaps the commit of this one
          // (bench/parse.mjs, import vs direct insert).
          const inFlight: Promise<void>[] = [];
          let failure: unknown;
          const flush = async (): Promise<void> => {
            if (batch.length > 0) {
              const b = batch;
              batch = [];
              inFlight.push(
                store.append(b).then(
                  (results) => {
                    for (const r of results) {
                      if (r.duplicate) s.duplicates++;
                      else s.stored++;
                    }
                  },
                  (e: unknown) => {
                    failure ??= e;
                  },
                ),
              );
            }
            while (inFlight.length >= MAX_IN_FLIGHT) await inFlight.shift();
            if (failure !== undefined) throw failure;
          };
          const drainAppends = async (): Promise<void> => {
            await flush();
            await Promise.all(inFlight.splice(0));
            if (failure !== undefined) throw failure;
          };
          const handle = async (line: string): Promise<void> => {
            s.lines++;
            const ev = parser.parse(line, ctx) as Record<string, unknown>;
            ev.id = deterministicId('ingest', identity, String(s.lines));
            const r = prepareEvent(ev, { source, logSource: source as `file:${string}`, redactor });
            if (r.ok) {
              batch.push(r.prepared);
              if (batch.length >= batchSize) await flush();
            } else {
              s.rejected++;
              if (s.rejected <= MAX_REPORTED_REJECTIONS)
                io.err(
                  `${input.name}:${s.lines}: rejected: ${r.errors.map((e) => `${e.field}: ${e.reason}`).join('; ')}\n`,
                );
            }
          };
          for (const line of sample) await handle(line);
          for (;;) {
            const r = await it.next();
            if (r.done) break;
            await handle(r.value);
            if ((s.lines & 0x3fff) === 0) progress.update(input.bytesRead(), s.lines);
          }
          await drainAppends();
          progress.finish();
          const st = parser.stats();
          s.parsed = st.parsed;
          s.unparsed = st.unparsed;
          s.seconds = (Date.now() - started) / 1000;
          if (s.rejected > MAX_REPORTED_REJECTIONS)
            io.err(
              `${input.name}: ${s.rejected - MAX_REPORTED_REJECTIONS} more rejected lines not shown\n`,
            );
          summaries.push(s);
        }
      } finally {
        await store.close();
      }
      writeRows(io, summaries, {
        format,
        empty: 'no files',
        json: (s) => s,
        columns: [
          { header: 'FILE', get: (s) => s.file, maxWidth: 48 },
          { header: 'FORMAT', get: (s) => s.format },
          { header: 'LINES', get: (s) => s.lines, align: 'right' },
          {
            header: 'PARSED',
            get: (s) =>
              Object.entries(s.parsed)
                .map(([f, n]) => `${f} ${n}`)
                .join(', ') || '-',
            maxWidth: 40,
          },
          { header: 'UNPARSED', get: (s) => s.unparsed, align: 'right' },
          { header: 'REJECTED', get: (s) => s.rejected, align: 'right' },
          { header: 'STORED', get: (s) => s.stored, align: 'right' },
          { header: 'DUPLICATES', get: (s) => s.duplicates, align: 'right' },
        ],
      });
      const lines = summaries.reduce((n, s) => n + s.lines, 0);
      const secs = (Date.now() - t0) / 1000;
      io.err(
        `ingested ${lines} lines from ${summaries.length} file(s) in ${secs.toFixed(1)}s (${Math.round(lines / Math.max(secs, 0.001))} lines/s)\n`,
      );
      // Some lines were not stored: the exit status says so (as LW_EVENT_INVALID would).
      if (summaries.some((s) => s.rejected > 0))
        process.exitCode = ERROR_CATALOG.LW_EVENT_INVALID.exit;
    });
}
