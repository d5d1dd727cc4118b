/**
 * The log-sequence part of the detection report (issue 5): each case of `log_sequences.jsonl`
 * is a whole log file from a CrowdSec hub test with the sources its reference scenario flags.
 * Files whose format we parse are run through parsing and detection like `logwarden scan`; the
 * report says which expected sources we flag and which other addresses we flag.
 */
import { isIP } from 'node:net';
import { runLines, type RunOptions } from './run-lines.js';

export interface LogSequenceCase {
  readonly id: string;
  readonly class: string | null;
  readonly data: { readonly lines: readonly string[]; readonly log_type: string };
  readonly meta: {
    readonly flagged_sources?: readonly string[];
    readonly scenarios?: readonly string[];
  };
}

/** Share of a file's lines a parser must understand for the case to count as "we parse it". */
export const PARSED_SHARE = 0.5;

/**
 * Formats that read any line but know nothing of the program that wrote it (no client address,
 * no event kind): a case in one of these is not claimed as parsed.
 */
export const GENERIC_FORMATS: ReadonlySet<string> = new Set(['json', 'logfmt', 'timestamped']);

export interface SequenceOutcome {
  readonly id: string;
  readonly class: string;
  readonly logType: string;
  readonly scenarios: readonly string[];
  readonly format: string;
  readonly lines: number;
  readonly parsedLines: number;
  /** A format-specific parser (not GENERIC_FORMATS) understood at least PARSED_SHARE of the lines. */
  readonly parsed: boolean;
  /** Expected sources that are addresses (others, e.g. user names or pids, are not scored). */
  readonly expected: readonly string[];
  readonly hit: readonly string[];
  readonly missed: readonly string[];
  /** Addresses we flag that the reference does not list (not asserted either way by the test). */
  readonly others: readonly string[];
  /** Rules that flagged any expected source. */
  readonly rules: readonly string[];
}

/** `::ffff:1.2.3.4` and `1.2.3.4` are the same client. */
function norm(a: string): string {
  return a.toLowerCase().replace(/^::ffff:/, '');
}

export function evaluateLogSequences(
  cases: readonly LogSequenceCase[],
  opts: RunOptions,
): SequenceOutcome[] {
  return cases.map((c) => {
    const run = runLines(c.data.lines, c.id, opts);
    const expected = (c.meta.flagged_sources ?? []).filter((s) => isIP(norm(s)) !== 0);
    const flagged = new Map<string, readonly string[]>();
    for (const [a, rules] of run.flagged) flagged.set(norm(a), rules);
    const hit = expected.filter((s) => flagged.has(norm(s)));
    const rules = new Set<string>();
    for (const s of hit) for (const r of flagged.get(norm(s)) ?? []) rules.add(r);
    const exp = new Set(expected.map(norm));
    return {
      id: c.id,
      class: c.class ?? 'unknown',
      logType: c.data.log_type,
      scenarios: c.meta.scenarios ?? [],
      format: run.format,
      lines: run.lines,
      parsedLines: run.parsedLines,
      parsed:
        run.format !== 'unparsed' &&
        !GENERIC_FORMATS.has(run.format) &&
        run.parsedLines >= PARSED_SHARE * run.lines,
      expected,
      hit,
      missed: expected.filter((s) => !flagged.has(norm(s))),
      others: [...flagged.keys()].filter((a) => !exp.has(a)).sort(),
      rules: [...rules].sort(),
    };
  });
}
