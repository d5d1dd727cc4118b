/**
 * The worker pool of a parallel scan: workers do the stateless stage (stage.ts, worker.ts) on
 * byte ranges of a file; their results are consumed in range order by the ordered stage
 * (consumer.ts) on the main thread.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { LogwardenError } from '../../core/errors.js';
import type { DetectionEngine } from '../engine/engine.js';
import { createRangeConsumer } from './consumer.js';
import { RANGE_BYTES, sampleLines, type FileScan, type FileScanOptions } from './scan-file.js';
import {
  decodeRange,
  type RangeResult,
  type RangeWire,
  type StageFile,
  type StageRules,
} from './stage.js';
import type { ToWorker } from './worker.js';

interface PoolWorker {
  readonly worker: Worker;
  inflight: number;
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
