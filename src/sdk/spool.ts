/**
 * Bounded on-disk spool: append-only NDJSON segments in one directory, used while the collector
 * is unreachable and replayed oldest-first when it returns; it survives an app restart.
 *
 * Layout: `<dir>/<13-digit sequence>.ndjson` plus `<dir>/spool.lock` (the owning pid: two
 * processes appending to one spool would interleave). A segment is removed only after every
 * line in it was acknowledged; a crash in between re-sends the segment and the collector
 * deduplicates by event id. Writes are not fsynced: the spool guards against collector
 * outages and app crashes (the page cache survives those), not against power loss.
 */
import fs from 'node:fs';
import path from 'node:path';
import { LogwardenError } from '../core/errors.js';

export interface SpoolOptions {
  dir: string;
  /** Upper bound of all segments together; appends beyond it are refused (spool_full). */
  maxBytes: number;
  /** A segment is closed and a new one started beyond this size. */
  segmentBytes: number;
}

export interface SpoolSegment {
  name: string;
  lines: string[];
}

const SEGMENT_RE = /^(\d{13})\.ndjson$/;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class Spool {
  readonly #dir: string;
  readonly #maxBytes: number;
  readonly #segmentBytes: number;
  /** Closed and open segments in order, with their sizes. */
  readonly #segments: Array<{ name: string; size: number }> = [];
  #next = 0;
  /** The segment appends go to, or undefined when the next append starts a new one. */
  #open: string | undefined;
  #bytes = 0;
  #lockPath: string;
  #closed = false;

  /** Opens (creating) the directory, takes the lock and repairs torn last lines. Throws LW_SDK_CONFIG. */
  constructor(opts: SpoolOptions) {
    this.#dir = path.resolve(opts.dir);
    this.#maxBytes = opts.maxBytes;
    this.#segmentBytes = opts.segmentBytes;
    this.#lockPath = path.join(this.#dir, 'spool.lock');
    try {
      fs.mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
      this.#lock();
      const names = fs
        .readdirSync(this.#dir)
        .filter((n) => SEGMENT_RE.test(n))
        .sort();
      for (const name of names) {
        const size = this.#repair(path.join(this.#dir, name));
        if (size === 0) {
          fs.rmSync(path.join(this.#dir, name), { force: true });
          continue;
        }
        this.#segments.push({ name, size });
        this.#bytes += size;
      }
      const last = names.at(-1);
      this.#next = last === undefined ? 0 : Number(SEGMENT_RE.exec(last)![1]) + 1;
    } catch (e) {
      if (e instanceof LogwardenError) throw e;
      throw new LogwardenError(
        'LW_SDK_CONFIG',
        `spool.dir: cannot use ${this.#dir}: ${(e as Error).message}`,
        { cause: e },
      );
    }
  }

  #lock(): void {
    try {
      fs.writeFileSync(this.#lockPath, String(process.pid), { flag: 'wx', mode: 0o600 });
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const owner = Number(fs.readFileSync(this.#lockPath, 'utf8').trim());
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && pidAlive(owner)) {
      throw new LogwardenError(
        'LW_SDK_CONFIG',
        `spool.dir: ${this.#dir} is in use by process ${owner}; give each process its own spool directory`,
      );
    }
    fs.writeFileSync(this.#lockPath, String(process.pid), { mode: 0o600 });
  }

  /** A crash can leave a half-written last line: cut the file back to its last newline. */
  #repair(file: string): number {
    const buf = fs.readFileSync(file);
    if (buf.length === 0 || buf[buf.length - 1] === 0x0a) return buf.length;
    const cut = buf.lastIndexOf(0x0a) + 1;
    fs.truncateSync(file, cut);
    return cut;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get hasData(): boolean {
    return this.#segments.length > 0;
  }

  #target(size: number): string | false {
    if (this.#closed || this.#bytes + size > this.#maxBytes) return false;
    const open = this.#segments.at(-1);
    if (
      this.#open === undefined ||
      open === undefined ||
      open.name !== this.#open ||
      open.size >= this.#segmentBytes
    ) {
      const name = `${String(this.#next++).padStart(13, '0')}.ndjson`;
      this.#segments.push({ name, size: 0 });
      this.#open = name;
    }
    return this.#open;
  }

  #account(name: string, size: number): void {
    const seg = this.#segments.find((s) => s.name === name);
    if (seg !== undefined) seg.size += size;
    this.#bytes += size;
  }

  /** Appends lines (each without its newline). False, writing nothing, when it would exceed maxBytes. */
  async append(lines: readonly string[]): Promise<boolean> {
    const data = lines.join('\n') + '\n';
    const size = Buffer.byteLength(data);
    const name = this.#target(size);
    if (name === false) return false;
    this.#account(name, size); // reserve first so concurrent appends see the size
    try {
      await fs.promises.appendFile(path.join(this.#dir, name), data, { mode: 0o600 });
    } catch (e) {
      this.#account(name, -size); // nothing (or a torn tail, cut on the next open) was written
      throw e;
    }
    return true;
  }

  /** Synchronous append for the process `exit` handler, where no more ticks will run. */
  appendSync(lines: readonly string[]): boolean {
    const data = lines.join('\n') + '\n';
    const size = Buffer.byteLength(data);
    const name = this.#target(size);
    if (name === false) return false;
    this.#account(name, size);
    fs.appendFileSync(path.join(this.#dir, name), data, { mode: 0o600 });
    return true;
  }

  /** Oldest segment with its lines, closing it for appends; undefined when empty. */
  async head(): Promise<SpoolSegment | undefined> {
    const seg = this.#segments[0];
    if (seg === undefined) return undefined;
    if (this.#open === seg.name) this.#open = undefined;
    const text = await fs.promises.readFile(path.join(this.#dir, seg.name), 'utf8');
    const lines = text.split('\n').filter((l) => l !== '');
    return { name: seg.name, lines };
  }

  /** Deletes a fully acknowledged segment. */
  async remove(name: string): Promise<void> {
    if (!this.#segments.some((s) => s.name === name)) return;
    // File first, then the accounting: `bytes === 0` then really means an empty directory.
    await fs.promises.rm(path.join(this.#dir, name), { force: true });
    const i = this.#segments.findIndex((s) => s.name === name);
    if (i < 0) return;
    const [seg] = this.#segments.splice(i, 1);
    this.#bytes -= seg!.size;
  }

  /** Releases the lock; the segments stay for the next start. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      if (fs.readFileSync(this.#lockPath, 'utf8').trim() === String(process.pid))
        fs.rmSync(this.#lockPath, { force: true });
    } catch {
      // already gone
    }
  }
}
