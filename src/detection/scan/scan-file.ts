/**
 * `scan` of one file through a detection engine (with `collect`), on one thread or with worker
 * threads:
 *
 * - one thread: lines read in large Buffers (lines.ts), parsed, engine.process() per event;
 * - N threads: N workers take contiguous byte ranges of the file (cut anywhere: a line belongs
 *   to the range its first byte is in) and do the stateless part (stage.ts: parse, Sigma
 *   single-event rules, request patterns); the main thread consumes their results in range
 *   order and runs the ordered, stateful part (correlations, episodes, silence and rate
 *   baselines) with engine.processSummary(). At most two ranges per worker are in flight, so
 *   memory stays bounded whatever the file size. The ordered stage sees exactly the events, in
 *   exactly the order, that one thread would: the alerts are the same (scan.test.ts).
 *
 * Gzip files and stdin cannot be cut into ranges; they are scanned on one thread.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { LogwardenError } from '../../core/errors.js';
import { createLineParser, FORMAT_SAMPLE_LINES, type ParseContext } from '../../parsers/index.js';
import { alertEventRef, type AlertEventRef, type Alert } from '../alerts/alert.js';
import type { DetectionEngine, EventSummary } from '../engine/engine.js';
import { anonymousKey, type Carried } from '../engine/episodes.js';
import { readLines } from './lines.js';
import {
  CARRIED_FIELDS,
  decodeRange,
  ruleFingerprint,
  type RangeResult,
  type RangeWire,
  type StageFile,
  type StageRules,
} from './stage.js';
import type { ToWorker } from './worker.js';

/** Byte range a worker takes at a time. */
export const RANGE_BYTES = 1 << 20;
/** Files smaller than this are scanned on one thread (starting workers costs more). */
export const MIN_PARALLEL_BYTES = 16 << 20;

export interface FileScan {
  readonly lines: number;
  readonly format: string;
  readonly parsed: Record<string, number>;
  readonly unparsed: number;
}

export interface FileScanOptions {
  readonly logFormat: string;
  readonly ctx: ParseContext;
  /** Source name silence and rate baselines are kept per (`file:NAME`). */
  readonly source: string;
  readonly onProgress?: (bytes: number, lines: number) => void;
}

/** The first lines of a file, for format detection. */
export function sampleLines(path: string): string[] {
  const sample: string[] = [];
  readLines(path, 0, Number.MAX_SAFE_INTEGER, (line) => {
    if (sample.length < FORMAT_SAMPLE_LINES) sample.push(line);
    return sample.length < FORMAT_SAMPLE_LINES;
  });
  return sample;
}

/** One thread: read, parse and process every line of a regular file. */
export function scanFileInThread(
  engine: DetectionEngine,
  path: string,
  o: FileScanOptions,
): FileScan {
  const sample = sampleLines(path);
  const parser = createLineParser(o.logFormat, { sample });
  const ctx = { source: o.source };
  let lines = 0;
  let chars = 0; // progress: characters are close enough to bytes
  readLines(path, 0, Number.MAX_SAFE_INTEGER, (line) => {
    lines++;
    chars += line.length + 1;
    engine.process(parser.parse(line, o.ctx) as Record<string, unknown>, ctx);
    if ((lines & 0x3fff) === 0) o.onProgress?.(chars, lines);
  });
  const st = parser.stats();
  return { lines, format: parser.format, parsed: st.parsed, unparsed: st.unparsed };
}

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

interface PoolWorker {
  readonly worker: Worker;
  inflight: number;
}

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

/** Where the compiled worker is: beside this module in dist/, or dist/ when run from src/. */
function workerPath(): string {
  const here = fileURLToPath(import.meta.url);
  const js = here.endsWith('.ts')
    ? here.replace(/([\\/])src([\\/]detection[\\/]scan[\\/])[^\\/]*$/, '$1dist$2worker.js')
    : here.replace(/[^\\/]*$/, 'worker.js');
  if (!existsSync(js))
    throw new LogwardenError(
      'LW_INTERNAL',
      `scan worker ${js} is missing (run \`npm run build\`), or use --threads 1`,
    );
  return js;
}

/** Worker threads for scan, rules loaded once, reused file after file. */
export interface ScanPool {
  readonly threads: number;
  scanFile(
    engine: DetectionEngine,
    path: string,
    size: number,
    o: FileScanOptions,
  ): Promise<FileScan>;
  close(): Promise<void>;
}

export async function createScanPool(
  threads: number,
  rules: StageRules,
  expectFingerprint: string,
  rangeBytes = RANGE_BYTES,
): Promise<ScanPool> {
  const file = workerPath();
  const pool: PoolWorker[] = [];
  const started = Array.from({ length: threads }, () => {
    const worker = new Worker(file, { workerData: rules });
    const w: PoolWorker = { worker, inflight: 0 };
    pool.push(w);
    return new Promise<void>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('message', (m: { type: string; fingerprint?: string; message?: string }) => {
        worker.off('error', reject);
        if (m.type === 'error') reject(new Error(`scan worker failed to start: ${m.message}`));
        else if (m.fingerprint !== expectFingerprint)
          reject(
            new LogwardenError(
              'LW_INTERNAL',
              'scan worker loaded other detection rules than the main thread (stale build?)',
            ),
          );
        else resolve();
      });
    });
  });
  const close = async (): Promise<void> => {
    await Promise.all(pool.map((w) => w.worker.terminate()));
  };
  try {
    await Promise.all(started);
  } catch (e) {
    await close();
    throw e;
  }

  return {
    threads,
    close,
    scanFile(engine, path, size, o) {
      const sample = sampleLines(path);
      const stageFile: StageFile = { file: path, logFormat: o.logFormat, sample, ctx: o.ctx };
      const consumer = createRangeConsumer(engine, o, sample);
      const ranges = Math.max(1, Math.ceil(size / rangeBytes));
      let next = 0;
      let consumed = 0;
      const waiting = new Map<number, RangeResult>();
      const consume = (r: RangeResult): void => {
        consumer.consume(r);
        o.onProgress?.(Math.min(size, (r.id + 1) * rangeBytes), consumer.result().lines);
      };

      return new Promise<FileScan>((resolve, reject) => {
        const listeners: Array<() => void> = [];
        const finish = (err?: unknown): void => {
          for (const off of listeners) off();
          if (err !== undefined) reject(err instanceof Error ? err : new Error(String(err)));
          else resolve(consumer.result());
        };
        const send = (w: PoolWorker, m: ToWorker): void => w.worker.postMessage(m);
        const dispatch = (w: PoolWorker): void => {
          while (w.inflight < 2 && next < ranges) {
            const start = next * rangeBytes;
            send(w, { type: 'range', id: next, start, end: Math.min(size, start + rangeBytes) });
            w.inflight++;
            next++;
          }
        };
        for (const w of pool) {
          const onMessage = (m: { type: string; result?: RangeWire; message?: string }): void => {
            if (m.type === 'error') {
              finish(new Error(`scan worker: ${m.message}`));
              return;
            }
            if (m.type !== 'result' || m.result === undefined) return;
            w.inflight--;
            waiting.set(m.result.id, decodeRange(m.result));
            try {
              for (let r = waiting.get(consumed); r !== undefined; r = waiting.get(consumed)) {
                waiting.delete(consumed);
                consume(r);
                consumed++;
              }
            } catch (e) {
              finish(e);
              return;
            }
            if (consumed === ranges) finish();
            else dispatch(w);
          };
          const onError = (e: Error): void => finish(e);
          w.worker.on('message', onMessage);
          w.worker.on('error', onError);
          listeners.push(() => {
            w.worker.off('message', onMessage);
            w.worker.off('error', onError);
          });
          send(w, { type: 'file', file: stageFile });
        }
        for (const w of pool) dispatch(w);
      });
    },
  };
}

export { ruleFingerprint };
