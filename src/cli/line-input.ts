/**
 * Lines of an input file (or `-` for stdin), gzip recognised by its magic bytes, with the
 * raw bytes read so far for progress. Bytes that are not valid UTF-8 are decoded with U+FFFD
 * (the line is kept, never dropped).
 */
import { createReadStream, statSync, openSync, readSync, closeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { LogwardenError } from '../core/errors.js';

export interface LineInput {
  readonly name: string;
  /** Size on disk in bytes (compressed size for gzip), undefined for stdin. */
  readonly size: number | undefined;
  readonly gzip: boolean;
  /** Raw bytes read so far. */
  bytesRead(): number;
  lines(): AsyncIterable<string>;
}

function isGzip(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(2);
    return readSync(fd, b, 0, 2, 0) === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

export function openLineInput(path: string): LineInput {
  let size: number | undefined;
  let gzip = false;
  if (path !== '-') {
    try {
      const st = statSync(path);
      if (!st.isFile()) throw new Error('not a regular file');
      size = st.size;
      gzip = isGzip(path);
    } catch (e) {
      throw new LogwardenError(
        'LW_INPUT_NOT_FOUND',
        `${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
        { cause: e },
      );
    }
  }
  let read = 0;
  return {
    name: path === '-' ? '<stdin>' : path,
    size,
    gzip,
    bytesRead: () => read,
    lines() {
      const raw: Readable =
        path === '-' ? process.stdin : createReadStream(path, { highWaterMark: 1 << 20 });
      raw.on('data', (c: Buffer | string) => {
        read += typeof c === 'string' ? Buffer.byteLength(c) : c.length;
      });
      let stream: Readable = raw;
      if (path === '-') {
        // stdin: sniff the first chunk for gzip.
        stream = raw;
      } else if (gzip) {
        stream = raw.pipe(createGunzip());
        raw.on('error', (e) => stream.destroy(e));
      }
      stream.setEncoding('utf8');
      return createInterface({ input: stream, crlfDelay: Infinity });
    },
  };
}
