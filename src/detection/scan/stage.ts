/**
 * The stateless stage of `scan`, run in worker threads on byte ranges of a file: read the lines,
 * parse them, run the single-event Sigma rules and the request attack patterns, and report
 * compactly what the ordered (stateful) stage on the main thread needs — per line its time and
 * event name; for lines that matched something, the rules hit with the values their
 * correlations read, the line itself (alerts rebuild their event refs from it, on demand) and
 * the few fields an alert's entity comes from. Nothing here depends on other lines, so ranges
 * can be done in any order and on any thread with identical results.
 */
import { createLineParser, type ParseContext, type ParserStats } from '../../parsers/index.js';
import type { Alert } from '../alerts/alert.js';
import { isRequestLike } from '../engine/engine.js';
import { loadRules } from '../engine/load-rules.js';
import { patternAlerts } from '../engine/pattern-alerts.js';
import { inspectEvent } from '../patterns/inspect.js';
import { createSigmaEngine } from '../sigma/engine.js';
import type { SigmaEventView } from '../sigma/event-view.js';
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
  readonly builtin: boolean;
  readonly ruleDirs: readonly string[];
  readonly patterns: boolean;
}

/** Fields of an event that alerts are built from (entity, service, environment, host). */
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

export interface RangeResult {
  readonly id: number;
  readonly lines: number;
  /** Per line: event time in ms, NaN when the event has none (it is then only counted). */
  readonly times: Float64Array;
  /** Per line: index into `names` of its `event.name` (as a string). */
  readonly nameIds: Uint32Array;
  readonly names: string[];
  /**
   * Per line with rule hits or pattern alerts, flat: line index, hit count, then per hit the
   * rule index, the number of values and the values (SigmaEngine.feedValues); then the line,
   * the values of CARRIED_FIELDS, and the pattern alerts (or 0).
   */
  readonly recs: unknown[];
  /** Events the request detectors looked at. */
  readonly requests: number;
  /** Parser counters for this range. */
  readonly parsed: Record<string, number>;
  readonly unparsed: number;
}

export interface Stage {
  /** Detection rule identities, in index order: the main thread checks they are its own. */
  readonly fingerprint: string;
  setFile(f: StageFile): void;
  run(id: number, start: number, end: number): RangeResult;
}

export function ruleFingerprint(
  rules: ReadonlyArray<{ id?: string; name?: string; title: string }>,
): string {
  return rules.map((r) => `${r.id ?? ''}/${r.name ?? ''}/${r.title}`).join('\n');
}

export function createStage(r: StageRules): Stage {
  const { rules } = loadRules({ builtin: r.builtin, dirs: r.ruleDirs });
  const sigma = createSigmaEngine({ rules });
  let file: StageFile | undefined;
  let parser: ReturnType<typeof createLineParser> | undefined;
  let before: ParserStats | undefined;

  // Per line state shared with the hit callback (no closure per line).
  let recs: unknown[] = [];
  let lineIndex = 0;
  let recStart = -1;
  let hits = 0;
  const onHit = (rule: number, view: SigmaEventView): void => {
    if (recStart < 0) {
      recStart = recs.length;
      recs.push(lineIndex, 0);
    }
    const values = sigma.feedValues(rule, view);
    recs.push(rule, values.length);
    for (let i = 0; i < values.length; i++) recs.push(values[i]);
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
      recs = [];
      lineIndex = 0;
      let requests = 0;
      readLines(file.file, start, end, (line) => {
        if (lineIndex === times.length) {
          const t2 = new Float64Array(times.length * 2);
          t2.set(times);
          times = t2;
          const n2 = new Uint32Array(nameIds.length * 2);
          n2.set(nameIds);
          nameIds = n2;
        }
        const ev = p.parse(line, ctx) as Record<string, unknown>;
        const t = typeof ev.time === 'string' ? Date.parse(ev.time) : NaN;
        times[lineIndex] = t;
        if (Number.isFinite(t)) {
          const name = String(ev['event.name']);
          let ni = nameIndex.get(name);
          if (ni === undefined) {
            ni = names.length;
            names.push(name);
            nameIndex.set(name, ni);
          }
          nameIds[lineIndex] = ni;
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
              recStart = recs.length;
              recs.push(lineIndex, 0);
            }
            recs[recStart + 1] = hits;
            recs.push(line);
            for (const f of CARRIED_FIELDS) recs.push(ev[f]);
            recs.push(patterns ?? 0);
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
      const out: RangeResult = {
        id,
        lines: lineIndex,
        times: times.slice(0, lineIndex),
        nameIds: nameIds.slice(0, lineIndex),
        names,
        recs,
        requests,
        parsed,
        unparsed,
      };
      recs = [];
      return out;
    },
  };
}
