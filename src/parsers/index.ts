/**
 * The parser registry (STYLE habit 3: a literal map, and the format union derives from it),
 * format detection and the line parser a source uses.
 *
 * @example
 * const sample = firstLines; // e.g. the first 200 lines of the file
 * const { format } = detectFormat(sample); // 'access'
 * const parser = createLineParser('auto', { sample });
 * const ev = parser.parse(line, { now: Date.now(), source: 'file:/var/log/nginx/access.log' });
 * // never null: a line no parser understands is a `log` event with `log.format: 'unparsed'`
 */
import { LogwardenError } from '../core/errors.js';
import { accessLogParser } from './access-log.js';
import { applyLimits } from './fields.js';
import { jsonParser } from './json-lines.js';
import { logfmtParser } from './logfmt.js';
import { apacheErrorParser, nginxErrorParser } from './server-errors.js';
import { syslogParser } from './syslog.js';
import { isValidTimezone } from './time.js';
import type { LineParser, ParseContext, ParsedEvent } from './types.js';
import { MAX_LINE_CHARS } from './types.js';
import { timestampedParser } from './timestamped.js';
import { urlLineParser } from './url-line.js';

export type { LineParser, ParseContext, ParsedEvent } from './types.js';
export { MAX_FIELD_CHARS, MAX_LINE_CHARS, MAX_ORIGINAL_CHARS } from './types.js';
export { parseRfc3164, parseRfc5424, parseSyslogLine } from './syslog.js';
export { SSHD_CUSTOM_EVENTS } from './sshd.js';

/**
 * Every format, most specific first: detection breaks ties and per-line fallback tries them in
 * this order (url_line before syslog: `2026-11-27 09:00:01 GET /x` is not a syslog line).
 */
export const PARSERS = {
  access: accessLogParser,
  nginx_error: nginxErrorParser,
  apache_error: apacheErrorParser,
  url_line: urlLineParser,
  syslog: syslogParser,
  json: jsonParser,
  logfmt: logfmtParser,
  timestamped: timestampedParser,
} as const satisfies Record<string, LineParser>;

export type LogFormat = keyof typeof PARSERS;

/** Other names users type for the same formats. */
export const FORMAT_ALIASES: Readonly<Record<string, LogFormat>> = {
  combined: 'access',
  common: 'access',
  clf: 'access',
  nginx: 'access',
  apache: 'access',
  apache2: 'access',
  vhost_combined: 'access',
  auth: 'syslog',
  sshd: 'syslog',
  rfc3164: 'syslog',
  rfc5424: 'syslog',
  ndjson: 'json',
  jsonl: 'json',
};

export const LOG_FORMATS = Object.keys(PARSERS) as readonly LogFormat[];

/** Resolve a format name or alias; throws LW_USAGE naming the unknown format. */
export function resolveFormat(name: string): LogFormat {
  if (name in PARSERS) return name as LogFormat;
  const alias = FORMAT_ALIASES[name];
  if (alias !== undefined) return alias;
  throw new LogwardenError(
    'LW_USAGE',
    `unknown log format "${name}"; known: auto, ${[...LOG_FORMATS, ...Object.keys(FORMAT_ALIASES)].join(', ')}`,
  );
}

/** Check a context once, at source start (fail at init, never per line). */
export function validateParseContext(ctx: ParseContext): void {
  if (ctx.timezone !== undefined && !isValidTimezone(ctx.timezone))
    throw new LogwardenError(
      'LW_USAGE',
      `timezone "${ctx.timezone}" is not UTC, an offset like +02:00, or an IANA zone name`,
    );
  if (
    ctx.year !== undefined &&
    !(Number.isInteger(ctx.year) && ctx.year >= 1970 && ctx.year <= 9999)
  )
    throw new LogwardenError('LW_USAGE', `year ${String(ctx.year)} is not a four-digit year`);
  if (!Number.isFinite(ctx.now))
    throw new LogwardenError('LW_USAGE', 'now must be a number of milliseconds');
}

export interface Detection {
  /** The best format, or `unparsed` when no parser understood any sample line. */
  format: LogFormat | 'unparsed';
  /** Share of non-blank sample lines the chosen format parsed, 0..1. */
  confidence: number;
  /** Every format that matched at least one line, best first. */
  candidates: { format: LogFormat; matched: number }[];
}

const DETECT_CTX: ParseContext = { now: 0, timezone: 'UTC', year: 2000 };

/**
 * Detect the format of a file from its first lines (200 are plenty). Each parser is tried on
 * each line; the most matches wins, ties go to the more specific format (registry order).
 */
export function detectFormat(sampleLines: readonly string[]): Detection {
  const counts = new Map<LogFormat, number>();
  let total = 0;
  for (const raw of sampleLines) {
    const crlf = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
    const line = crlf.length > MAX_LINE_CHARS ? crlf.slice(0, MAX_LINE_CHARS) : crlf;
    if (line.trim() === '') continue;
    total++;
    for (const f of LOG_FORMATS)
      if (PARSERS[f].parse(line, DETECT_CTX) !== null) counts.set(f, (counts.get(f) ?? 0) + 1);
  }
  const candidates = LOG_FORMATS.filter((f) => counts.has(f))
    .map((format) => ({ format, matched: counts.get(format)! }))
    .sort((a, b) => b.matched - a.matched); // stable: ties keep registry order
  const best = candidates[0];
  if (best === undefined || total === 0) return { format: 'unparsed', confidence: 0, candidates };
  return { format: best.format, confidence: best.matched / total, candidates };
}

/** Counters of one line parser (fixed vocabulary: received, parsed per format, unparsed). */
export interface ParserStats {
  received: number;
  parsed: Record<string, number>;
  unparsed: number;
  truncated: number;
}

/** A parser that never returns null: the source's view. */
export interface FileLineParser extends LineParser {
  /** The detected or requested format (`unparsed` when detection found none). */
  readonly format: LogFormat | 'unparsed';
  readonly detection: Detection | undefined;
  parse(line: string, ctx: ParseContext): ParsedEvent;
  stats(): ParserStats;
}

export interface CreateLineParserOptions {
  /** First lines of the input, for `auto` detection. Without it, the first format that fits is kept. */
  sample?: readonly string[];
}

/** The event for a line no parser understood: kept, never dropped. */
export function unparsedEvent(line: string): ParsedEvent {
  return { 'event.name': 'log', message: line, 'log.format': 'unparsed', 'log.original': line };
}

/**
 * How many first lines of an input decide its format with `auto`. One number for every command
 * and source, so `scan`, `ingest`, `audit` and a tailed file read the same file the same way.
 */
export const FORMAT_SAMPLE_LINES = 200;

/** The first `n` lines of `it` (fewer when it ends first), for `createLineParser`'s sample. */
export async function readFormatSample(
  it: AsyncIterator<string>,
  n: number = FORMAT_SAMPLE_LINES,
): Promise<string[]> {
  const sample: string[] = [];
  while (sample.length < n) {
    const r = await it.next();
    if (r.done) break;
    sample.push(r.value);
  }
  return sample;
}

/**
 * A line parser for one input. `format` is a registry name, an alias, or `auto`: detect from
 * `options.sample`, then, per line, fall back to the other parsers before `unparsed`. An
 * explicit format does not fall back (the caller said what the file is).
 */
export function createLineParser(
  format: string,
  options: CreateLineParserOptions = {},
): FileLineParser {
  const auto = format === 'auto';
  const detection = auto && options.sample !== undefined ? detectFormat(options.sample) : undefined;
  const chosen: LogFormat | 'unparsed' = auto
    ? (detection?.format ?? 'unparsed')
    : resolveFormat(format);
  let primary: LineParser | undefined = chosen === 'unparsed' ? undefined : PARSERS[chosen];
  const others = auto ? LOG_FORMATS.map((f) => PARSERS[f]) : [];
  const stats: ParserStats = { received: 0, parsed: {}, unparsed: 0, truncated: 0 };
  const name = auto ? 'auto' : chosen;

  function finish(ev: ParsedEvent, full: number, ctx: ParseContext): ParsedEvent {
    if (ctx.source !== undefined) ev['log.source'] = ctx.source;
    if (ctx.hostname !== undefined && ev['host.name'] === undefined) ev['host.name'] = ctx.hostname;
    applyLimits(ev, full);
    if (ev.attributes?.['log.truncated'] === true) stats.truncated++;
    return ev;
  }

  return {
    name,
    format: chosen,
    detection,
    stats: () => ({ ...stats, parsed: { ...stats.parsed } }),
    parse(raw: string, ctx: ParseContext): ParsedEvent {
      stats.received++;
      // A CR left by a CRLF terminator is part of the terminator, not of the line.
      const crlf = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
      const line = crlf.length > MAX_LINE_CHARS ? crlf.slice(0, MAX_LINE_CHARS) : crlf;
      // The generic `timestamped` format is only ever a last resort, even when detected:
      // a specific parser understands more of a line it also accepts.
      let ev =
        primary === undefined || (auto && primary === PARSERS.timestamped)
          ? null
          : primary.parse(line, ctx);
      if (ev === null && auto) {
        for (const p of others) {
          if (p === primary && p !== PARSERS.timestamped) continue;
          ev = p.parse(line, ctx);
          if (ev !== null) {
            // Without a detection sample, keep the first format that fits as the primary.
            if (primary === undefined && detection === undefined) primary = p;
            break;
          }
        }
      }
      if (ev === null) {
        stats.unparsed++;
        return finish(unparsedEvent(line), raw.length, ctx);
      }
      const f = ev['log.format'];
      stats.parsed[f] = (stats.parsed[f] ?? 0) + 1;
      return finish(ev, raw.length, ctx);
    },
  };
}
