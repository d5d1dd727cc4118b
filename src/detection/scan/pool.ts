/**
 * The worker pool of a parallel scan: workers do the stateless stage (stage.ts, worker.ts) on
 * byte ranges of a file, taking the ranges themselves (protocol.ts); their results are consumed
 * in range order by the ordered stage (consumer.ts) on the main thread.
 *
 * The workers start before the main thread loads the rules (startScanPool, then setRules): a
 * worker's start (thread, imports) overlaps the main thread's rule loading, and the workers
 * build the rules from the maps the main thread parsed, without parsing YAML again.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { LogwardenError } from '../../core/errors.js';
import type { DetectionEngine } from '../engine/engine.js';
import { createRangeConsumer } from './consumer.js';
import {
  CONSUMED,
  CONTROL_SLOTS,
  STOP,
  rangeStarts,
  type FromWorker,
  type ToWorker,
} from './protocol.js';
import { RANGE_BYTES, sampleLines, type FileScan, type FileScanOptions } from './scan-file.js';
import { ruleFingerprint, type RangeWire, type StageFile, type StageRules } from './stage.js';

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

/** A worker's failure, with its stack as the cause (the CLI prints it under LW_INTERNAL). */
const workerFailed = (message: string, stack?: string): LogwardenError =>
  new LogwardenError('LW_INTERNAL', `scan worker failed: ${message}`, {
    cause: Object.assign(new Error(message), stack === undefined ? {} : { stack }),
  });

/** Worker threads for scan, rules loaded once, reused file after file. */
export interface ScanPool {
  readonly threads: number;
  /**
   * Hand the workers the main thread's rules (once, before the first scanFile, whose engine
   * must have been built from the same rules: the workers' rules are checked against it).
   */
  setRules(rules: StageRules): void;
  scanFile(
    engine: DetectionEngine,
    path: string,
    size: number,
    o: FileScanOptions,
  ): Promise<FileScan>;
  close(): Promise<void>;
}

export interface ScanPoolOptions {
  /** Byte range a worker takes at a time (RANGE_BYTES). */
  readonly rangeBytes?: number;
  /** Sizes of the first ranges, as fractions of rangeBytes (see rangeStarts). */
  readonly warmup?: readonly number[];
  /** Ranges a worker may be ahead of the main thread's consumption, per worker. */
  readonly windowPerThread?: number;
}

/** First ranges: an eighth, a quarter, a half of a range for each worker, then whole ones. */
const WARMUP_STEPS = [1 / 8, 1 / 4, 1 / 2];

/** The file being scanned, as the workers' results and failures reach it. */
interface CurrentScan {
  onResult(w: RangeWire): void;
  fail(e: Error): void;
}

/**
 * Start `threads` workers now; they load their code while the caller loads the rules, then
 * wait for setRules().
 */
export function startScanPool(threads: number, opts: ScanPoolOptions = {}): ScanPool {
  const rangeBytes = opts.rangeBytes ?? RANGE_BYTES;
  const warmup =
    opts.warmup ?? WARMUP_STEPS.flatMap((part) => Array.from({ length: threads }, () => part));
  const window = threads * (opts.windowPerThread ?? 4);
  const file = workerPath();
  let rulesSent = false;
  let closing = false;
  // The first failure of any worker (start, rules, a crash): reported by the scan running, or
  // by the next scanFile.
  let failure: Error | undefined;
  const fail = (e: Error): void => {
    if (closing) return;
    failure ??= e;
    current?.fail(e);
  };
  // Each worker's rules are checked against the engine's as soon as both are known (a worker
  // answers `ready` before any result, and may start a file before the others are ready).
  const fingerprints: string[] = [];
  let expected: string | undefined;
  const checkRules = (): void => {
    if (expected !== undefined && fingerprints.some((f) => f !== expected))
      fail(
        new LogwardenError(
          'LW_INTERNAL',
          'scan worker built other detection rules than the main thread (stale build?)',
        ),
      );
  };
  let current: CurrentScan | undefined;
  const workers = Array.from({ length: threads }, () => {
    const w = new Worker(file);
    w.on('message', (m: FromWorker) => {
      if (m.type === 'ready') {
        fingerprints.push(m.fingerprint);
        checkRules();
      } else if (m.type === 'error') fail(workerFailed(m.message, m.stack));
      else current?.onResult(m.result);
    });
    w.on('error', (e) => fail(workerFailed(e.message, e.stack)));
    w.on('exit', (code) => fail(workerFailed(`exited with code ${code}`)));
    return w;
  });

  return {
    threads,
    setRules(rules) {
      rulesSent = true;
      const m: ToWorker = { type: 'rules', rules };
      for (const w of workers) w.postMessage(m);
    },
    async close() {
      closing = true;
      current?.fail(new Error('scan pool closed'));
      await Promise.all(workers.map((w) => w.terminate()));
    },
    async scanFile(engine, path, size, o) {
      if (!rulesSent) throw new Error('scan pool: setRules() before scanFile()');
      expected ??= ruleFingerprint(engine.sigma.detectionRules);
      checkRules();
      if (failure !== undefined) throw failure;
      const sample = sampleLines(path);
      const stageFile: StageFile = { file: path, logFormat: o.logFormat, sample, ctx: o.ctx };
      const consumer = createRangeConsumer(engine, o, sample);
      const starts = rangeStarts(size, rangeBytes, warmup);
      const ranges = starts.length;
      const control = new SharedArrayBuffer(CONTROL_SLOTS * 4);
      const ctl = new Int32Array(control);
      let consumed = 0;
      // Results that arrived before the one to consume next: fewer than `window`.
      const waiting = new Map<number, RangeWire>();
      const consume = (w: RangeWire): void => {
        waiting.set(w.id, w);
        for (let r = waiting.get(consumed); r !== undefined; r = waiting.get(consumed)) {
          waiting.delete(consumed);
          consumer.consume(r);
          consumed++;
          Atomics.store(ctl, CONSUMED, consumed);
          Atomics.notify(ctl, CONSUMED);
          o.onProgress?.(starts[consumed] ?? size, consumer.result().lines);
        }
      };

      return new Promise<FileScan>((resolve, reject) => {
        const end = (err?: Error): void => {
          current = undefined;
          if (err === undefined) resolve(consumer.result());
          else {
            // Wake and release every worker waiting for the main thread.
            Atomics.store(ctl, STOP, 1);
            Atomics.store(ctl, CONSUMED, ranges);
            Atomics.notify(ctl, CONSUMED);
            reject(err);
          }
        };
        current = {
          fail: end,
          onResult(w) {
            try {
              consume(w);
              if (consumed === ranges) end();
            } catch (e) {
              end(e instanceof Error ? e : new Error(String(e)));
            }
          },
        };
        const m: ToWorker = { type: 'file', file: stageFile, size, starts, window, control };
        for (const w of workers) w.postMessage(m);
      });
    },
  };
}
