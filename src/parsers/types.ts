/**
 * The parser interface (ARCHITECTURE §2 "parse + normalize"). Parsers are pure and synchronous:
 * `scan` and `ingest` call them on millions of lines, so every parser is a hand-written scanner
 * or an anchored regex measured in bench/parse.mjs.
 *
 * @example
 * const p: LineParser = createLineParser('access');
 * p.parse('203.0.113.9 - - [27/Nov/2026:09:00:00 +0000] "GET / HTTP/1.1" 200 5', { now: Date.now() });
 */
import type { SecurityEvent } from '../core/event.js';

/** What the caller knows about where the lines come from. */
export interface ParseContext {
  /** Year for timestamps that carry none (classic syslog). Default: the year of `now`, see time.ts. */
  readonly year?: number;
  /** Zone for timestamps that carry none: `UTC` (default), `+02:00`, or an IANA name (`Europe/Paris`). */
  readonly timezone?: string;
  /** Host name used when the line names none (access logs). */
  readonly hostname?: string;
  /** Provenance written to `log.source`, e.g. `file:/var/log/auth.log`. */
  readonly source?: string;
  /** The current time, ms since the epoch (replay passes the event-time clock). */
  readonly now: number;
}

/**
 * A raw partial event: prepareEvent (src/core) validates it, adds the id and normalizes.
 * Always present: `event.name`, `log.format`, `log.original`; `time` whenever the line has one.
 */
export type ParsedEvent = Partial<SecurityEvent> & {
  'event.name': string;
  'log.format': string;
  'log.original': string;
};

export interface LineParser {
  /** Registry name of the format (see src/parsers/index.ts). */
  readonly name: string;
  /** The event for one line (without its line terminator), or null when the line is not this format. */
  parse(line: string, ctx: ParseContext): ParsedEvent | null;
}

/**
 * Limits (documented in docs/parsers.md). A line longer than {@link MAX_LINE_CHARS} is cut
 * before parsing; `log.original` is kept up to {@link MAX_ORIGINAL_CHARS}, every extracted string
 * field up to {@link MAX_FIELD_CHARS}. Whatever was cut is recorded in
 * `attributes['log.truncated'] = true` and `attributes['log.original_chars']` (the full length):
 * the event is kept, never dropped.
 */
export const MAX_LINE_CHARS = 1024 * 1024;
export const MAX_ORIGINAL_CHARS = 64 * 1024;
export const MAX_FIELD_CHARS = 8 * 1024;
