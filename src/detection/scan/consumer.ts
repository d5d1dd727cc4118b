/**
 * The ordered (stateful) stage of a parallel scan, on the main thread: the range results of the
 * workers' stage (stage.ts), in range order, into engine.processSummary().
 */
import { createLineParser } from '../../parsers/index.js';
import { alertEventRef, type AlertEventRef, type Alert } from '../alerts/alert.js';
import type { DetectionEngine, EventSummary } from '../engine/engine.js';
import { anonymousKey, type Carried } from '../engine/episodes.js';
import type { FileScan, FileScanOptions } from './scan-file.js';
import { CARRIED_FIELDS, type RangeResult } from './stage.js';

/** What the carried lines of one consumer share. */
interface LineContext {
  /** Parses a line again, exactly as the worker did. */
  readonly reparse: (line: string) => Readonly<Record<string, unknown>>;
}

/**
 * A line an alert may carry, as the main thread keeps it: the line itself and the values of
 * CARRIED_FIELDS (an alert's entity, service, environment and host come from them); its event
 * ref is built by parsing the line again, only when an alert that carries it is built.
 *
 * Lean on purpose: correlation windows keep these for up to a day, and what they hold is what
 * the young-generation GC copies (the values are fields of the object, not an array of their
 * own; nothing is cached: fields() and ref() are asked for once or twice per kept event).
 */
class LineCarried implements Carried {
  readonly key: number = anonymousKey();
  readonly v0: unknown;
  readonly v1: unknown;
  readonly v2: unknown;
  readonly v3: unknown;
  readonly v4: unknown;
  readonly v5: unknown;
  readonly v6: unknown;
  readonly v7: unknown;
  /** `values[at...]` are the values of CARRIED_FIELDS, in that order. */
  constructor(
    private readonly line: string,
    values: readonly unknown[],
    at: number,
    private readonly ctx: LineContext,
  ) {
    this.v0 = values[at];
    this.v1 = values[at + 1];
    this.v2 = values[at + 2];
    this.v3 = values[at + 3];
    this.v4 = values[at + 4];
    this.v5 = values[at + 5];
    this.v6 = values[at + 6];
    this.v7 = values[at + 7];
  }
  fields(): Readonly<Record<string, unknown>> {
    const v = [this.v0, this.v1, this.v2, this.v3, this.v4, this.v5, this.v6, this.v7];
    const f: Record<string, unknown> = {};
    for (let i = 0; i < CARRIED_FIELDS.length; i++)
      if (v[i] !== undefined) f[CARRIED_FIELDS[i]!] = v[i];
    return f;
  }
  ref(): AlertEventRef {
    return alertEventRef(this.ctx.reparse(this.line));
  }
}
// LineCarried has a field per carried field.
const CARRIED_COUNT: 8 = CARRIED_FIELDS.length;

/**
 * The ordered stage of a parallel scan on the main thread: feeds the engine every event of a
 * range result, in order (results must be consumed in range order).
 */
export function createRangeConsumer(
  engine: DetectionEngine,
  o: FileScanOptions,
  sample: readonly string[],
): { consume(r: RangeResult): void; result(): FileScan } {
  // Rebuilds event refs on the main thread, only for events an alert ends up carrying.
  const reparser = createLineParser(o.logFormat, { sample });
  const lineContext: LineContext = {
    reparse: (line) => reparser.parse(line, o.ctx) as Record<string, unknown>,
  };
  const format = reparser.format;
  let lines = 0;
  let unparsed = 0;
  const parsed: Record<string, number> = {};
  const summary = {
    timeMs: 0,
    source: o.source as string | undefined,
    name: '',
    hits: [] as readonly unknown[],
    hitsFrom: 0,
    hitCount: 0,
    carried: undefined as Carried | undefined,
    patterns: undefined as readonly Alert[] | undefined,
  } satisfies EventSummary;
  /** The lines of one range, in order (its own function: see consume). */
  const consumeLines = (r: RangeResult): void => {
    const { times, nameIds, names, recs } = r;
    let at = 0;
    let nextLine = recs.length > 0 ? (recs[0] as number) : -1;
    for (let i = 0; i < r.lines; i++) {
      const t = times[i]!;
      if (!Number.isFinite(t)) {
        engine.countEventWithoutTime();
        continue;
      }
      summary.timeMs = t;
      summary.name = names[nameIds[i]!]!;
      if (i === nextLine) {
        const hitCount = recs[at + 1] as number;
        let p = at + 2;
        for (let h = 0; h < hitCount; h++) p += 2 + (recs[p + 1] as number);
        const pats = recs[p + 1 + CARRIED_COUNT] as readonly Alert[] | 0;
        summary.hits = recs;
        summary.hitsFrom = at + 2;
        summary.hitCount = hitCount;
        summary.carried = new LineCarried(recs[p] as string, recs, p + 1, lineContext);
        summary.patterns = pats === 0 ? undefined : pats;
        at = p + 2 + CARRIED_COUNT;
        nextLine = at < recs.length ? (recs[at] as number) : -1;
      } else {
        summary.hitCount = 0;
        summary.carried = undefined;
        summary.patterns = undefined;
      }
      engine.processSummary(summary);
    }
  };
  return {
    consume(r) {
      // The per-line loop is optimized while it runs (on-stack replacement); code after such a
      // loop in the same function had no type feedback then, and the optimized code was thrown
      // away at the end of every range (node --trace-deopt).
      consumeLines(r);
      engine.countPatternRequests(r.requests);
      lines += r.lines;
      unparsed += r.unparsed;
      for (const [f, n] of Object.entries(r.parsed)) parsed[f] = (parsed[f] ?? 0) + n;
    },
    result: () => ({ lines, format, parsed, unparsed }),
  };
}
