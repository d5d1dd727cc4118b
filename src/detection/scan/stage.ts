/**
 * The stateless stage of `scan`, run in worker threads on byte ranges of a file: read the lines,
 * parse them, run the single-event Sigma rules and the request attack patterns, and report
 * compactly what the ordered (stateful) stage on the main thread needs — per line its time and
 * event name; for lines that matched something, the rules hit with the values their
 * correlations read, where the line is in the file (alerts read it again to rebuild their event
 * refs, on demand: line-ref.ts) and the few fields an alert's entity comes from. Nothing here depends on other lines, so ranges
 * can be done in any order and on any thread with identical results.
 */
import { createLineParser, type ParseContext, type ParserStats } from '../../parsers/index.js';
import type { Alert } from '../alerts/alert.js';
import { compileRuleSources, type RuleSources } from '../engine/load-rules.js';
import { isRequestLike, patternAlerts } from '../engine/pattern-alerts.js';
import { inspectEvent } from '../patterns/inspect.js';
import { createSigmaEngine } from '../sigma/engine.js';
import { fieldId, inputValue, type SigmaEventView } from '../sigma/event-view.js';
import { lineHash } from './line-ref.js';
import { readLines } from './lines.js';

/** What a worker needs to do a file's ranges exactly as the main thread would. */
export interface StageFile {
  readonly file: string;
  readonly logFormat: string;
  /** The first lines of the file, for format detection (the same detection everywhere). */
  readonly sample: readonly string[];
  readonly ctx: ParseContext;
}

export interface StageRules {
  /** The main thread's rules (ruleSources()): built again here, without parsing YAML. */
  readonly sources: RuleSources;
  readonly patterns: boolean;
}

/** Fields of an event that alerts are built from (entity, service, environment, host); run() reads them by name, in this order. */
export const CARRIED_FIELDS = [
  'client.address',
  'user.id',
  'user.name',
  'log.source_id',
  'log.source',
  'host.name',
  'service.name',
  'deployment.environment',
] as const;

/**
 * What a worker reports of a range, as it posts it: few objects for the structured clone to
 * copy, and read in place by the ordered stage (consumer.ts turns nothing into objects).
 */
export interface RangeWire {
  readonly id: number;
  /** The file, and the byte its range starts at: `recs` locates lines relative to it. */
  readonly file: string;
  readonly start: number;
  readonly lines: number;
  /** Per line: event time in ms, NaN when the event has none (it is then only counted). */
  readonly times: Float64Array;
  /** Per line: index into `names` of its `event.name` (as a string). */
  readonly nameIds: Uint32Array;
  readonly names: string[];
  /**
   * Per line with rule hits or pattern alerts, flat: line index, hit count, then per hit the
   * rule index, the number of values and the values (SigmaEngine.feedValues); then the line's
   * byte offset from `start`, its byte length and lineHash(); the values of CARRIED_FIELDS; and
   * the pattern alerts: an index into `extra`, or -1. Values are coded as ints (valueOf()):
   * `>= 0` an index into `strs` (each distinct string once per range), `>= SMALL_INT` the
   * string form of the whole number `code - SMALL_INT` (hit values only), -1 undefined,
   * `<= -2` `extra[-2 - code]` (values that are not strings).
   */
  readonly recs: Int32Array;
  readonly strs: string[];
  readonly extra: unknown[];
  /** Events the request detectors looked at. */
  readonly requests: number;
  /** Parser counters for this range. */
  readonly parsed: Record<string, number>;
  readonly unparsed: number;
}

/** Codes from here on are whole numbers (see RangeWire); string table indexes stay below. */
const SMALL_INT = 1 << 30;

/**
 * The string forms of whole numbers decoded lately, by the number's low bits: the same pid is
 * read by several rules of a line and by the next lines of its connection (an auth.log hit line
 * has ~1.4 of them), and the strings correlation windows keep are then one old copy rather than
 * a fresh one per hit.
 */
const smallIntNum = new Int32Array(4096).fill(-1);
const smallIntStr: string[] = new Array<string>(4096).fill('');

/** The value of a RangeWire code (see RangeWire.recs), `strs` being the range's strings. */
export function valueOf(c: number, strs: readonly string[], extra: readonly unknown[]): unknown {
  if (c >= SMALL_INT) {
    const n = c - SMALL_INT;
    const slot = n & 4095;
    if (smallIntNum[slot] === n) return smallIntStr[slot];
    const s = String(n);
    smallIntNum[slot] = n;
    smallIntStr[slot] = s;
    return s;
  }
  return c >= 0 ? strs[c] : c === -1 ? undefined : extra[-2 - c];
}

/** The buffers a RangeWire can hand over to another thread instead of copying them. */
export function wireTransfers(w: RangeWire): ArrayBuffer[] {
  return [w.times, w.nameIds, w.recs].map((a) => a.buffer as ArrayBuffer);
}

export interface Stage {
  /** Detection rule identities, in index order: the main thread checks they are its own. */
  readonly fingerprint: string;
  setFile(f: StageFile): void;
  run(id: number, start: number, end: number): RangeWire;
}

export function ruleFingerprint(
  rules: ReadonlyArray<{ id?: string; name?: string; title: string }>,
): string {
  return rules.map((r) => `${r.id ?? ''}/${r.name ?? ''}/${r.title}`).join('\n');
}

export function createStage(r: StageRules): Stage {
  const sigma = createSigmaEngine({ rules: compileRuleSources(r.sources) });
  let file: StageFile | undefined;
  let parser: ReturnType<typeof createLineParser> | undefined;
  let before: ParserStats | undefined;

  // The range being done (see RangeWire); the hit callback writes to it (no closure per line).
  let codes = new Int32Array(1 << 16);
  let nc = 0;
  let strs: string[] = [];
  let strIds = new Map<string, number>();
  let extra: unknown[] = [];
  const code = (c: number): void => {
    if (nc === codes.length) {
      const bigger = new Int32Array(codes.length * 2);
      bigger.set(codes);
      codes = bigger;
    }
    codes[nc++] = c;
  };
  // Strings coded lately, in 1024 slots chosen by length and three characters: a line's
  // values are the same few strings (its address, its user, the host) read again for each rule
  // and carried field, and a range holds a few hundred distinct ones (auth.log). A hit costs a
  // string comparison instead of hashing the (fresh) string for the table.
  const recentStr: Array<string | undefined> = new Array<string | undefined>(1024).fill(undefined);
  const recentId = new Int32Array(1024);
  const valueCode = (v: unknown): number => {
    if (v === undefined) return -1;
    if (typeof v !== 'string') {
      extra.push(v);
      return -1 - extra.length;
    }
    const n = v.length;
    const slot =
      (n * 31 + v.charCodeAt(n - 1) * 7 + v.charCodeAt(n - 2) * 131 + v.charCodeAt(n >> 1)) & 1023;
    if (v === recentStr[slot]) return recentId[slot]!;
    let id = strIds.get(v);
    if (id === undefined) {
      id = strs.length;
      strs.push(v);
      strIds.set(v, id);
    }
    recentStr[slot] = v;
    recentId[slot] = id;
    return id;
  };
  // Per rule, fieldId() of its feedFields.
  const feedIds: Array<readonly number[] | undefined> = [];
  let lineIndex = 0;
  let recStart = -1;
  let hits = 0;
  const onHit = (rule: number, view: SigmaEventView): void => {
    if (recStart < 0) {
      recStart = nc;
      code(lineIndex);
      code(0);
    }
    // sigma.feedValues(rule, view), read without building the array
    const ids = (feedIds[rule] ??= sigma.feedFields(rule).map(fieldId));
    code(rule);
    code(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const v = view.getId(ids[i]!);
      // A small whole number (a pid) is sent as itself: no string made, none in the table.
      if (typeof v === 'number' && v >= 0 && v < SMALL_INT && Number.isInteger(v))
        code(SMALL_INT + v);
      else code(valueCode(inputValue(v)));
    }
    hits++;
  };

  return {
    fingerprint: ruleFingerprint(sigma.detectionRules),
    setFile(f) {
      file = f;
      parser = createLineParser(f.logFormat, { sample: f.sample });
      before = parser.stats();
    },
    run(id, start, end) {
      if (file === undefined || parser === undefined || before === undefined)
        throw new Error('scan stage: no file set');
      const p = parser;
      const ctx = file.ctx;
      let times = new Float64Array(1 << 14);
      let nameIds = new Uint32Array(1 << 14);
      const names: string[] = [];
      const nameIndex = new Map<string, number>();
      nc = 0;
      strs = [];
      strIds = new Map();
      extra = [];
      recentStr.fill(undefined);
      lineIndex = 0;
      let requests = 0;
      // Consecutive lines mostly share their time string and event name.
      let lastIso: string | undefined;
      let lastMs = NaN;
      let lastName: unknown = nameIndex; // no event's name
      let lastNameId = 0;
      readLines(file.file, start, end, (line, bytes, from, to, pos) => {
        if (lineIndex === times.length) {
          const t2 = new Float64Array(times.length * 2);
          t2.set(times);
          times = t2;
          const n2 = new Uint32Array(nameIds.length * 2);
          n2.set(nameIds);
          nameIds = n2;
        }
        const ev = p.parse(line, ctx) as Record<string, unknown>;
        const time = ev.time;
        let t = NaN;
        if (typeof time === 'string') {
          if (time !== lastIso) {
            lastIso = time;
            lastMs = Date.parse(time);
          }
          t = lastMs;
        }
        times[lineIndex] = t;
        if (Number.isFinite(t)) {
          const nameValue = ev['event.name'];
          if (nameValue !== lastName) {
            const name = String(nameValue);
            let ni = nameIndex.get(name);
            if (ni === undefined) {
              ni = names.length;
              names.push(name);
              nameIndex.set(name, ni);
            }
            lastName = nameValue;
            lastNameId = ni;
          }
          nameIds[lineIndex] = lastNameId;
          recStart = -1;
          hits = 0;
          sigma.matchRules(ev, onHit);
          let patterns: Alert[] | undefined;
          if (r.patterns && isRequestLike(ev)) {
            requests++;
            const findings = inspectEvent(ev);
            if (findings.length > 0) patterns = patternAlerts(ev, findings, t, undefined);
          }
          if (recStart >= 0 || patterns !== undefined) {
            if (recStart < 0) {
              recStart = nc;
              code(lineIndex);
              code(0);
            }
            codes[recStart + 1] = hits;
            code(pos + from - start);
            code(to - from);
            code(lineHash(bytes, from, to));
            // CARRIED_FIELDS, as named reads
            code(valueCode(ev['client.address']));
            code(valueCode(ev['user.id']));
            code(valueCode(ev['user.name']));
            code(valueCode(ev['log.source_id']));
            code(valueCode(ev['log.source']));
            code(valueCode(ev['host.name']));
            code(valueCode(ev['service.name']));
            code(valueCode(ev['deployment.environment']));
            if (patterns === undefined) code(-1);
            else {
              code(extra.length);
              extra.push(patterns);
            }
          }
        }
        lineIndex++;
      });
      const after = p.stats();
      const parsed: Record<string, number> = {};
      for (const [f, n] of Object.entries(after.parsed)) {
        const d = n - (before!.parsed[f] ?? 0);
        if (d > 0) parsed[f] = d;
      }
      const unparsed = after.unparsed - before!.unparsed;
      before = after;
      const out: RangeWire = {
        id,
        file: file.file,
        start,
        lines: lineIndex,
        times: times.slice(0, lineIndex),
        nameIds: nameIds.slice(0, lineIndex),
        names,
        recs: codes.slice(0, nc),
        strs,
        extra,
        requests,
        parsed,
        unparsed,
      };
      strs = [];
      strIds = new Map();
      extra = [];
      return out;
    },
  };
}
