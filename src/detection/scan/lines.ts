/**
 * Lines of a byte range of a file, read in large Buffers and split with Buffer.indexOf — the
 * fast path of `scan` (readline costs more than some parsers). Each line is decoded on its own
 * (`buf.toString`), so it is a fresh string: what alerts keep of it never pins a read buffer
 * (see the memory notes of docs/benchmarks.md). Line breaks are readline's: `\n`, `\r\n` and a
 * lone `\r`; invalid UTF-8 becomes U+FFFD.
 *
 * A range [start, end) holds the lines whose first byte lies in it (`\n`-separated segments), so
 * ranges cut anywhere cover every line exactly once; a worker can take any range of a file.
 *
 * `onLine` also gets the line's bytes (`bytes[from..to)`, valid only during the call) and the file
 * position of `bytes[0]`: a caller that needs a line later can keep where it is in the file
 * instead of the string (scan's workers).
 *
 * @example
 * readLines('/var/log/auth.log', 0, size, (line) => parse(line));
 */
import { closeSync, openSync, readSync } from 'node:fs';

const CHUNK = 1 << 20;
const NL = 10;
const CR = 13;

/**
 * `bytes.toString('utf8', from, to)` without its argument checks: Buffer's own utf8Slice, which
 * toString calls (bounds must lie within the buffer).
 */
export function utf8(bytes: Buffer, from: number, to: number): string {
  return (bytes as unknown as { utf8Slice(from: number, to: number): string }).utf8Slice(from, to);
}

/**
 * Receives one line, its UTF-8 bytes `bytes[from..to)` (reused after the call returns) and the
 * file position of `bytes[0]` (the line starts at byte `pos + from` of the file).
 */
export type OnLine = (
  line: string,
  bytes: Buffer,
  from: number,
  to: number,
  pos: number,
) => boolean | void;

/**
 * Call `onLine` for every line starting in [start, end) (it may return false to stop early);
 * returns the bytes consumed.
 */
export function readLines(path: string, start: number, end: number, onLine: OnLine): number {
  const fd = openSync(path, 'r');
  try {
    return readRange(fd, start, end, onLine);
  } finally {
    closeSync(fd);
  }
}

function readRange(fd: number, start: number, end: number, onLine: OnLine): number {
  let stopped = false;
  let buf = Buffer.allocUnsafe(CHUNK);
  const line = (from: number, to: number): void => {
    if (onLine(utf8(buf, from, to), buf, from, to, pos - len) === false) stopped = true;
  };
  let len = 0; // bytes in buf
  let pos = start; // file position of buf[len]
  let eof = false;
  const fill = (): void => {
    if (len === buf.length) {
      const bigger = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(bigger, 0, 0, len);
      buf = bigger;
    }
    const n = readSync(fd, buf, len, buf.length - len, pos);
    if (n === 0) eof = true;
    len += n;
    pos += n;
  };
  // Position in buf of the next \r at or after the current segment (len when none is left):
  // searched once per buffer fill, not once per line.
  let cr = -1;
  const emitSegment = (from: number, to: number): void => {
    if (to > from && buf[to - 1] === CR) to--;
    if (cr < from) {
      cr = buf.indexOf(CR, from);
      if (cr < 0 || cr >= len) cr = len;
    }
    while (cr < to) {
      line(from, cr);
      from = cr + 1;
      cr = buf.indexOf(CR, from);
      if (cr < 0 || cr >= len) cr = len;
    }
    line(from, to);
  };
  // File position of buf[0] is pos - len.
  let at = 0;
  if (start > 0) {
    // The segment that starts before `start` belongs to the previous range: skip to the byte
    // after the first \n at or after start - 1.
    pos = start - 1;
    for (;;) {
      fill();
      const nl = buf.indexOf(NL, 0);
      if (nl >= 0 && nl < len) {
        at = nl + 1;
        break;
      }
      if (eof) return pos - start;
      len = 0; // the whole buffer belongs to the previous range
    }
  }
  for (;;) {
    const segStart = pos - len + at; // file position of the segment
    if (segStart >= end || stopped) break;
    let nl = buf.indexOf(NL, at);
    if (nl >= len) nl = -1;
    if (nl < 0) {
      if (!eof) {
        // Move the partial segment to the front and read more.
        buf.copy(buf, 0, at, len);
        len -= at;
        at = 0;
        fill();
        cr = -1;
        continue;
      }
      if (at < len) emitSegment(at, len);
      at = len;
      break;
    }
    emitSegment(at, nl);
    at = nl + 1;
  }
  return pos - len + at - start;
}
