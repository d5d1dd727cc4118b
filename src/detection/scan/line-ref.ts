/**
 * A line of a scanned file kept as where it is (byte offset and length) and a hash of its bytes,
 * instead of as a string: a parallel scan's ordered stage keeps thousands of hit lines in
 * correlation windows and alert episodes, and the strings (decoded on the main thread, copied by
 * every young-generation GC while they lived) were a large part of its CPU (bench/scan.mjs
 * --parts). The few lines an alert ends up showing are read again from the file, and the hash
 * refuses a file whose bytes changed since.
 *
 * @example
 * const h = lineHash(buf, from, to); // in the worker that read the line
 * const reader = createLineReader('/var/log/auth.log');
 * reader.read(offset, to - from, h); // the line, later, on any thread
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { LogwardenError } from '../../core/errors.js';

/** FNV-1a (32 bits) of `bytes[from..to)`, as a signed int (fits an Int32Array). */
export function lineHash(bytes: Uint8Array, from: number, to: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h;
}

export interface LineReader {
  /** The line of `length` bytes at byte `offset`, if its bytes still hash to `hash`. */
  read(offset: number, length: number, hash: number): string;
}

/**
 * Reads lines back from `file`. The file is opened on the first read and closed once the
 * current synchronous job is over: an alert's lines are read in one burst (takeAlerts), and no
 * descriptor stays open between bursts however many files a scan had.
 */
export function createLineReader(file: string): LineReader {
  let fd: number | undefined;
  const close = (): void => {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
  };
  return {
    read(offset, length, hash) {
      if (fd === undefined) {
        try {
          fd = openSync(file, 'r');
        } catch (e) {
          throw new LogwardenError(
            'LW_INPUT_NOT_FOUND',
            `scan: ${file} cannot be read again for an alert's events: ${(e as Error).message}`,
            { cause: e },
          );
        }
        queueMicrotask(close);
      }
      const buf = Buffer.allocUnsafe(length);
      const n = length === 0 ? 0 : readSync(fd, buf, 0, length, offset);
      if (n !== length || lineHash(buf, 0, length) !== hash)
        throw new LogwardenError(
          'LW_INPUT_NOT_FOUND',
          `scan: ${file} changed while it was scanned (the ${length} bytes at byte ${offset} are not the line read there); scan it again`,
        );
      return buf.toString('utf8');
    },
  };
}
