/**
 * What the main thread and scan's worker threads (pool.ts, worker.ts) say to each other.
 *
 * Workers take the ranges of a file themselves, from a counter shared by the pool (`control`, a
 * SharedArrayBuffer per file): none waits for the main thread to hand it work. They post each
 * result to the main thread, which consumes results in range order and publishes how many it
 * has consumed; a worker takes a range only when it lies within `window` ranges of that count,
 * so results waiting on the main thread stay bounded whatever the file size.
 */
import type { RangeWire, StageFile, StageRules } from './stage.js';

/** Int32 slots of a file's control buffer. */
export const NEXT_RANGE = 0;
/** Ranges the main thread has consumed (workers wait on this slot). */
export const CONSUMED = 1;
/** Non-zero: stop taking ranges (an error, or the pool closing). */
export const STOP = 2;
export const CONTROL_SLOTS = 3;

export type ToWorker =
  /** Build the rules the main thread loaded (sent once, right after the workers start). */
  | { readonly type: 'rules'; readonly rules: StageRules }
  /** Do ranges of this file until none is left (range i is [starts[i], starts[i+1] or size)). */
  | {
      readonly type: 'file';
      readonly file: StageFile;
      readonly size: number;
      readonly starts: readonly number[];
      readonly window: number;
      readonly control: SharedArrayBuffer;
    };

export type FromWorker =
  | { readonly type: 'ready'; readonly fingerprint: string }
  | { readonly type: 'result'; readonly result: RangeWire }
  /** `stack`: the worker's, printed by the CLI under the error (LW_INTERNAL). */
  | { readonly type: 'error'; readonly message: string; readonly stack?: string };

/**
 * Where the ranges of a file start: ranges of `rangeBytes`, the first ones smaller. A worker's
 * first range runs on cold code (interpreted, not yet optimized: ~5x slower than later ones,
 * bench/scan.mjs), and the main thread can only start consuming once range 0 is back: small
 * first ranges get every thread going sooner.
 */
export function rangeStarts(size: number, rangeBytes: number, warmup: readonly number[]): number[] {
  const starts: number[] = [];
  let at = 0;
  for (const part of warmup) {
    if (at >= size) break;
    starts.push(at);
    at += Math.max(1, Math.floor(rangeBytes * part));
  }
  for (; at < size; at += rangeBytes) starts.push(at);
  if (starts.length === 0) starts.push(0);
  return starts;
}
