/**
 * The log-line part of the detection report (issue 5): the corpus labels single sshd/syslog
 * lines, but brute force is a property of a source over time, so lines are put back into their
 * files (in line order), each file is run through parsing and detection like `logwarden scan`,
 * and the unit that is scored is the source (address or rhost host name, as the corpus's
 * labelling rule counts them) within a file: an attack source is one with at least one
 * attack-labelled line, of the classes of those lines; a benign source has only benign lines.
 * A source is flagged when an alert's entity is that address.
 */
import { runLines, type RunOptions } from './run-lines.js';

/** One line of `log_lines.jsonl` (the fields the report reads). */
export interface LogLineCase {
  readonly id: string;
  readonly source: string;
  readonly format?: string;
  readonly data: string;
  readonly label: 'attack' | 'benign';
  readonly class: string | null;
  readonly meta?: { readonly line_no?: number };
}

export interface SourceOutcome {
  readonly file: string;
  readonly source: string;
  /** Other names the same client was logged under (e.g. pam_unix's rhost host name). */
  readonly aliases: readonly string[];
  readonly label: 'attack' | 'benign';
  /** Attack classes of the source's lines (empty for benign sources). */
  readonly classes: readonly string[];
  readonly lines: number;
  /** Rules whose alerts name this source; empty when not flagged. */
  readonly flaggedBy: readonly string[];
}

export interface LogLinesResult {
  readonly files: readonly {
    file: string;
    format: string;
    lines: number;
    parsedLines: number;
    unattributed: number;
  }[];
  readonly sources: readonly SourceOutcome[];
  /** Flagged addresses that no corpus line belongs to (should stay empty). */
  readonly flaggedElsewhere: readonly { file: string; source: string; rules: readonly string[] }[];
}

/** Score every file of `log_lines.jsonl` per source. */
export function evaluateLogLines(cases: readonly LogLineCase[], opts: RunOptions): LogLinesResult {
  const byFile = new Map<string, LogLineCase[]>();
  for (const c of cases) {
    const list = byFile.get(c.source) ?? [];
    list.push(c);
    byFile.set(c.source, list);
  }
  const files: LogLinesResult['files'][number][] = [];
  const sources: SourceOutcome[] = [];
  const flaggedElsewhere: LogLinesResult['flaggedElsewhere'][number][] = [];
  for (const [file, list] of [...byFile].sort(([a], [b]) => a.localeCompare(b))) {
    const ordered = [...list].sort((a, b) => (a.meta?.line_no ?? 0) - (b.meta?.line_no ?? 0));
    const run = runLines(
      ordered.map((c) => c.data),
      file,
      opts,
    );
    const perSource = new Map<string, { attack: Set<string>; lines: number; benign: number }>();
    let unattributed = 0;
    ordered.forEach((c, i) => {
      const src = run.lineSources[i];
      if (src === undefined) {
        unattributed++;
        return;
      }
      const s = perSource.get(src) ?? { attack: new Set<string>(), lines: 0, benign: 0 };
      s.lines++;
      if (c.label === 'attack') s.attack.add(c.class ?? 'unknown');
      else s.benign++;
      perSource.set(src, s);
    });
    files.push({
      file,
      format: run.format,
      lines: run.lines,
      parsedLines: run.parsedLines,
      unattributed,
    });
    for (const [source, s] of perSource)
      sources.push({
        file,
        source,
        aliases: [...run.aliases].filter(([, to]) => to === source).map(([from]) => from),
        label: s.attack.size > 0 ? 'attack' : 'benign',
        classes: [...s.attack].sort(),
        lines: s.lines,
        flaggedBy: run.flagged.get(source) ?? [],
      });
    for (const [source, rules] of run.flagged)
      if (!perSource.has(source)) flaggedElsewhere.push({ file, source, rules });
  }
  return { files, sources, flaggedElsewhere };
}

export interface Rate {
  readonly flagged: number;
  readonly total: number;
}

/** Per attack class: sources with that class flagged / all sources with that class. */
export function classRates(r: LogLinesResult): Map<string, Rate> {
  const out = new Map<string, { flagged: number; total: number }>();
  for (const s of r.sources) {
    for (const cls of s.label === 'attack' ? s.classes : ['benign']) {
      const e = out.get(cls) ?? { flagged: 0, total: 0 };
      e.total++;
      if (s.flaggedBy.length > 0) e.flagged++;
      out.set(cls, e);
    }
  }
  return new Map([...out].sort(([a], [b]) => a.localeCompare(b)));
}
