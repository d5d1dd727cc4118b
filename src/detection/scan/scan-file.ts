/**
 * `scan` of one file through a detection engine (with `collect`), on one thread or with worker
 * threads:
 *
 * - one thread: lines read in large Buffers (lines.ts), parsed, engine.process() per event;
 * - N threads (pool.ts, consumer.ts): N workers take contiguous byte ranges of the file (cut anywhere: a line belongs
 *   to the range its first byte is in) and do the stateless part (stage.ts: parse, Sigma
 *   single-event rules, request patterns); the main thread consumes their results in range
 *   order and runs the ordered, stateful part (correlations, episodes, silence and rate
 *   baselines) with engine.processSummary(). Workers take ranges from a shared counter and stay
 *   within a window of ranges ahead of what the main thread consumed (protocol.ts), so memory
 *   stays bounded whatever the file size. The ordered stage sees exactly the events, in
 *   exactly the order, that one thread would: the alerts are the same (scan.test.ts).
 *
 * Gzip files and stdin cannot be cut into ranges; they are scanned on one thread.
 */
import { createLineParser, FORMAT_SAMPLE_LINES, type ParseContext } from '../../parsers/index.js';
import type { DetectionEngine } from '../engine/engine.js';
import { readLines } from './lines.js';

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
