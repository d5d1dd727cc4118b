/**
 * Lines of an input file (or `-` for stdin), gzip recognised by its magic bytes, with the
 * raw bytes read so far for progress. Bytes that are not valid UTF-8 are decoded with U+FFFD
 * (the line is kept, never dropped).
 */
import { createReadStream, statSync, openSync, readSync, closeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { PassThrough, type Readable, type Writable } from 'node:stream';
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

/** Do these bytes start a gzip stream (RFC 1952 magic)? */
const gzipMagic = (b: Uint8Array): boolean => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

function isGzip(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(2);
    return readSync(fd, b, 0, 2, 0) === 2 && gzipMagic(b);
  } finally {
    closeSync(fd);
  }
}

/** `stdin` is what `-` reads (process.stdin; tests pass their own stream). */
export function openLineInput(path: string, stdin: Readable = process.stdin): LineInput {
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
        path === '-' ? stdin : createReadStream(path, { highWaterMark: 1 << 20 });
      raw.on('data', (c: Buffer | string) => {
        read += typeof c === 'string' ? Buffer.byteLength(c) : c.length;
      });
      return ownedLines(path === '-' ? sniffGzip(raw) : gzip ? gunzip(raw) : raw);
    },
  };
}

function gunzip(raw: Readable): Readable {
  const out = raw.pipe(createGunzip());
  raw.on('error', (e) => out.destroy(e));
  return out;
}

/**
 * stdin: gzip is recognised by its first two bytes (RFC 1952 magic), as files are. A pipe may
 * deliver them in separate chunks, so chunks are held until two bytes (or the end) arrived.
 */
function sniffGzip(raw: Readable): Readable {
  const out = new PassThrough();
  const held: Buffer[] = [];
  let heldBytes = 0;
  const onData = (c: Buffer | string): void => {
    const b = typeof c === 'string' ? Buffer.from(c) : c;
    held.push(b);
    heldBytes += b.length;
    if (heldBytes < 2) return;
    raw.off('data', onData);
    raw.off('end', onEnd);
    raw.pause();
    const head = Buffer.concat(held);
    const target: Writable = gzipMagic(head) ? gunzipInto(out) : out;
    target.write(head);
    raw.pipe(target);
    raw.resume();
  };
  // Ended before two bytes: empty input, or one byte, which cannot be gzip.
  const onEnd = (): void => {
    out.end(Buffer.concat(held));
  };
  raw.on('data', onData);
  raw.once('end', onEnd);
  raw.on('error', (e) => out.destroy(e));
  return out;
}

function gunzipInto(out: PassThrough): Writable {
  const z = createGunzip();
  z.on('error', (e) => out.destroy(e));
  z.pipe(out);
  return z;
}

/**
 * Each line as a string of its own: readline hands out lines as slices of its ~1 MB read
 * chunk, and every substring a parser takes (address, path, ...) and something keeps (an alert,
 * an audit example) would pin the whole chunk. Copying the line (a cons string, flattened by
 * slice) makes what is kept cost the line: the live heap at the end of a 1M-line access.log
 * scan fell from 206 MB to ~15 MB (bench/scan.mjs --heap-cap, docs/benchmarks.md).
 */
async function* ownedLines(stream: Readable): AsyncIterable<string> {
  stream.setEncoding('utf8');
  for await (const line of createInterface({ input: stream, crlfDelay: Infinity }))
    yield (' ' + line).slice(1);
}
