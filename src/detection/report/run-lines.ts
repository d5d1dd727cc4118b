/**
 * Runs log lines through parsing and the detection engine exactly as `logwarden scan` does (one
 * engine per file, lines in file order, event time), and tells for each line which source
 * (address) it belongs to. Shared by the log-line and log-sequence reports.
 */
import { createLineParser, FORMAT_SAMPLE_LINES, type ParseContext } from '../../parsers/index.js';
import type { Alert } from '../alerts/alert.js';
import { createDetectionEngine } from '../engine/engine.js';
import type { LoadedSigma } from '../sigma/types.js';

export interface RunOptions {
  readonly rules: readonly LoadedSigma[];
  /**
   * Clock for year inference of classic syslog lines. Fixed so the report does not change
   * with the date it is generated on.
   */
  readonly now?: number;
}

export interface FileRun {
  /** The format the parser detected for the file (`unparsed` when none fits). */
  readonly format: string;
  readonly lines: number;
  /** Lines a parser understood (not `log.format: unparsed`). */
  readonly parsedLines: number;
  /** The source each line belongs to (`undefined`: none could be told). */
  readonly lineSources: readonly (string | undefined)[];
  /** Final state of every alert. */
  readonly alerts: readonly Alert[];
  /** Rules (name or title) of the alerts whose entity is this source (or one of its aliases). */
  readonly flagged: ReadonlyMap<string, readonly string[]>;
  /** Other names of a source (alias → the source's name in `lineSources`). */
  readonly aliases: ReadonlyMap<string, string>;
}

export const REPORT_NOW = Date.parse('2026-01-01T00:00:00Z');

const IPV4 = /\b(\d{1,3}(?:\.\d{1,3}){3})\b/g;

/** Last IPv4 address written in a line (for lines our parsers keep as plain `log` events). */
function lastIpv4(line: string): string | undefined {
  let last: string | undefined;
  for (const m of line.matchAll(IPV4)) last = m[1];
  return last;
}

/**
 * Which source a parsed line is about: the client address the parser found; else the address
 * seen earlier on the same host and process id (sshd writes `check pass; user unknown` without
 * the address, in the child process that logged it a line before); else an IPv4 address
 * written in the line. One sshd process serves one connection, so the names it logs for its
 * client (pam_unix's `rhost=` host name, sshd's `from ADDR`) are aliases of one source, named
 * by the first one seen.
 */
function createSourceTracker(): {
  sourceOf(ev: Readonly<Record<string, unknown>>, line: string): string | undefined;
  aliases: Map<string, string>;
} {
  const byProcess = new Map<string, string>();
  const aliases = new Map<string, string>();
  const seen = new Set<string>();
  const canonical = (a: string): string => aliases.get(a) ?? a;
  return {
    aliases,
    sourceOf(ev, line) {
      const attrs = ev['attributes'] as Record<string, unknown> | undefined;
      const pid = attrs?.['process.pid'];
      const procKey =
        pid === undefined ? undefined : `${String(ev['host.name'] ?? '')}|${String(pid)}`;
      const known = procKey === undefined ? undefined : byProcess.get(procKey);
      const addr = ev['client.address'];
      if (typeof addr === 'string' && addr !== '') {
        // Only a name not yet used for lines of its own becomes an alias (counts never split).
        if (known !== undefined && !seen.has(addr) && !aliases.has(addr) && addr !== known)
          aliases.set(addr, known);
        const src = canonical(addr);
        seen.add(src);
        if (procKey !== undefined && known === undefined) byProcess.set(procKey, src);
        return src;
      }
      if (known !== undefined) return known;
      const ip = lastIpv4(line);
      if (ip === undefined) return undefined;
      seen.add(canonical(ip));
      return canonical(ip);
    },
  };
}

/** Parse and detect over one file's lines, in order. */
export function runLines(lines: readonly string[], name: string, opts: RunOptions): FileRun {
  const parser = createLineParser('auto', { sample: lines.slice(0, FORMAT_SAMPLE_LINES) });
  const engine = createDetectionEngine({ rules: opts.rules });
  const ctx: ParseContext = { now: opts.now ?? REPORT_NOW, source: `file:${name}` };
  const latest = new Map<string, Alert>();
  const keep = (as: readonly Alert[]): void => {
    for (const a of as) latest.set(a.id, a);
  };
  const tracker = createSourceTracker();
  const lineSources: (string | undefined)[] = [];
  let parsedLines = 0;
  for (const line of lines) {
    const ev = parser.parse(line, ctx) as Record<string, unknown>;
    if (ev['log.format'] !== 'unparsed') parsedLines++;
    lineSources.push(tracker.sourceOf(ev, line));
    keep(engine.process(ev, { source: `file:${name}` }));
  }
  keep(engine.finish());
  const alerts = [...latest.values()];
  const flagged = new Map<string, string[]>();
  for (const a of alerts) {
    // an address, or the host name PAM's rhost= gave instead (entity type host)
    if (a.entity.type !== 'ip' && a.entity.type !== 'host') continue;
    const src = tracker.aliases.get(a.entity.value) ?? a.entity.value;
    const rules = flagged.get(src) ?? [];
    const rule = a.rule.name ?? a.rule.title;
    if (!rules.includes(rule)) rules.push(rule);
    flagged.set(src, rules);
  }
  return {
    format: parser.format,
    lines: lines.length,
    parsedLines,
    lineSources,
    alerts,
    flagged,
    aliases: tracker.aliases,
  };
}
