/**
 * The ordered (stateful) stage of a parallel scan, on the main thread: the range results of the
 * workers' stage (stage.ts), in range order, into engine.processSummary().
 */
import { createLineParser } from '../../parsers/index.js';
import { alertEventRef, type AlertEventRef, type Alert } from '../alerts/alert.js';
import type { DetectionEngine, EventSummary } from '../engine/engine.js';
import { anonymousKey, type Carried } from '../engine/episodes.js';
import { createLineReader, type LineReader } from './line-ref.js';
import type { FileScan, FileScanOptions } from './scan-file.js';
import { CARRIED_FIELDS, valueOf, type RangeWire } from './stage.js';

/** What the carried lines of one file share. */
interface LineContext {
  readonly lines: LineReader;
  /** Parses a line again, exactly as the worker did. */
  readonly reparse: (line: string) => Readonly<Record<string, unknown>>;
}

/**
 * A line an alert may carry, as the main thread keeps it: where the line is in the file (see
 * line-ref.ts) and the values of CARRIED_FIELDS (an alert's entity, service, environment and
 * host come from them); its event ref is built by reading and parsing the line again, only when
 * an alert that carries it is built.
 *
 * Lean on purpose: correlation windows keep these for up to a day (a brute-forced auth.log has
 * ~0.7 per line), and what they hold is what the young-generation GC copies. The four values a
 * syslog line has are fields of the object; the four it has not (user.id, log.source_id,
 * service.name, deployment.environment) share one field, an array only when one is set.
 * Nothing is cached: fields() and ref() are asked for once or twice per kept event.
 */
class LineCarried implements Carried {
  readonly key: number = anonymousKey();
  /** client.address, user.name, log.source, host.name */
  readonly clientAddress: unknown;
  readonly user: unknown;
  readonly source: unknown;
  readonly host: unknown;
  /** user.id, log.source_id, service.name, deployment.environment, or undefined: none is set. */
  readonly rest: readonly unknown[] | undefined;
  /** `codes[at...]` are the codes of CARRIED_FIELDS' values, in that order (RangeWire.recs). */
  constructor(
    private readonly offset: number,
    private readonly length: number,
    private readonly hash: number,
    codes: Int32Array,
    at: number,
    strs: readonly string[],
    extra: readonly unknown[],
    private readonly ctx: LineContext,
  ) {
    this.clientAddress = valueOf(codes[at]!, strs, extra);
    this.user = valueOf(codes[at + 2]!, strs, extra);
    this.source = valueOf(codes[at + 4]!, strs, extra);
    this.host = valueOf(codes[at + 5]!, strs, extra);
    const a = codes[at + 1]!;
    const b = codes[at + 3]!;
    const c = codes[at + 6]!;
    const d = codes[at + 7]!;
    this.rest =
      a === -1 && b === -1 && c === -1 && d === -1
        ? undefined
        : [
            valueOf(a, strs, extra),
            valueOf(b, strs, extra),
            valueOf(c, strs, extra),
            valueOf(d, strs, extra),
          ];
  }
  fields(): Readonly<Record<string, unknown>> {
    const r = this.rest ?? NO_REST;
    // CARRIED_FIELDS' order
    const v = [this.clientAddress, r[0], this.user, r[1], this.source, this.host, r[2], r[3]];
    const f: Record<string, unknown> = {};
    for (let i = 0; i < CARRIED_FIELDS.length; i++)
      if (v[i] !== undefined) f[CARRIED_FIELDS[i]!] = v[i];
    return f;
  }
  address(): unknown {
    return this.clientAddress;
  }
  ref(): AlertEventRef {
    const { lines, reparse } = this.ctx;
    return alertEventRef(reparse(lines.read(this.offset, this.length, this.hash)));
  }
}
const NO_REST: readonly unknown[] = [];
// The codes of a record's carried values (see RangeWire.recs).
const CARRIED_COUNT: 8 = CARRIED_FIELDS.length;
/** Distinct strings kept by a consumer (see canonical()); the table starts over beyond this. */
const MAX_INTERNED = 100_000;

/**
 * The ordered stage of a parallel scan on the main thread: feeds the engine every event of a
 * range result, in order (results must be consumed in range order).
 */
export function createRangeConsumer(
  engine: DetectionEngine,
  o: FileScanOptions,
  sample: readonly string[],
): { consume(r: RangeWire): void; result(): FileScan } {
  // Rebuilds event refs on the main thread, only for events an alert ends up carrying.
  const reparser = createLineParser(o.logFormat, { sample });
  const reparse = (line: string): Record<string, unknown> =>
    reparser.parse(line, o.ctx) as Record<string, unknown>;
  let lineContext: LineContext | undefined;
  const format = reparser.format;
  let lines = 0;
  let unparsed = 0;
  const parsed: Record<string, number> = {};
  // One string per distinct value across ranges: a range's strings are fresh copies, and the
  // ones correlation windows, group keys and carried lines keep would each be copied by the
  // young-generation GC (and hashed again by every Map lookup) where the first copy is old.
  const interned = new Map<string, string>();
  const canonical = (strs: string[]): void => {
    if (interned.size > MAX_INTERNED) interned.clear();
    for (let i = 0; i < strs.length; i++) {
      const s = strs[i]!;
      const c = interned.get(s);
      if (c === undefined) interned.set(s, s);
      else strs[i] = c;
    }
  };
  // A line's hits, decoded: what EventSummary.hits points at (reused line after line).
  const hitValues: unknown[] = [];
  const summary = {
    timeMs: 0,
    source: o.source as string | undefined,
    name: '',
    hits: hitValues as readonly unknown[],
    hitsFrom: 0,
    hitCount: 0,
    carried: undefined as Carried | undefined,
    patterns: undefined as readonly Alert[] | undefined,
  } satisfies EventSummary;
  /** The lines of one range, in order (its own function: see consume). */
  const consumeLines = (r: RangeWire, ctx: LineContext): void => {
    const { times, nameIds, names, recs, strs, extra, start } = r;
    let at = 0;
    let nextLine = recs.length > 0 ? recs[0]! : -1;
    for (let i = 0; i < r.lines; i++) {
      const t = times[i]!;
      if (!Number.isFinite(t)) {
        engine.countEventWithoutTime();
        continue;
      }
      summary.timeMs = t;
      summary.name = names[nameIds[i]!]!;
      if (i === nextLine) {
        const hitCount = recs[at + 1]!;
        let p = at + 2;
        let q = 0;
        for (let h = 0; h < hitCount; h++) {
          const n = recs[p + 1]!;
          hitValues[q] = recs[p];
          hitValues[q + 1] = n;
          for (let k = 0; k < n; k++) hitValues[q + 2 + k] = valueOf(recs[p + 2 + k]!, strs, extra);
          p += 2 + n;
          q += 2 + n;
        }
        summary.hitCount = hitCount;
        summary.carried = new LineCarried(
          start + recs[p]!,
          recs[p + 1]!,
          recs[p + 2]!,
          recs,
          p + 3,
          strs,
          extra,
          ctx,
        );
        const pc = recs[p + 3 + CARRIED_COUNT]!;
        summary.patterns = pc < 0 ? undefined : (extra[pc] as readonly Alert[]);
        at = p + 4 + CARRIED_COUNT;
        nextLine = at < recs.length ? recs[at]! : -1;
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
      // The file's lines are read again from where the workers read them.
      lineContext ??= { lines: createLineReader(r.file), reparse };
      canonical(r.strs);
      // The per-line loop is optimized while it runs (on-stack replacement); code after such a
      // loop in the same function had no type feedback then, and the optimized code was thrown
      // away at the end of every range (node --trace-deopt).
      consumeLines(r, lineContext);
      engine.countPatternRequests(r.requests);
      lines += r.lines;
      unparsed += r.unparsed;
      for (const [f, n] of Object.entries(r.parsed)) parsed[f] = (parsed[f] ?? 0) + n;
    },
    result: () => ({ lines, format, parsed, unparsed }),
  };
}
