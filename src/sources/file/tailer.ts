/**
 * The file source: tails files and globs, follows rotation by rename and by copytruncate, holds a
 * partial last line until its newline arrives, and persists positions only after the sink has
 * durably stored the lines, so a restart neither duplicates nor skips a line.
 *
 * Polling, not fs.watch: inotify misses renames across directories and is absent on some
 * filesystems; a poll of a few hundred milliseconds is what Vector and Fluent Bit default to.
 *
 * Rotation:
 * - rename (logrotate's default): the open descriptor still reads the old inode; it is drained
 *   to its end before the new file at the path is read from its start.
 * - copytruncate: the path's size drops below our offset. Lines written after our last read
 *   went into the copy, so a sibling file whose first bytes match our fingerprint and that is at
 *   least as long as our offset is read from our offset to its end, then the truncated file from 0.
 *
 * @example
 * const src = createFileSource({ paths: ['/var/log/nginx/*.log'], positionsFile: 'data/file-positions.json', sink });
 * await src.start(); ... await src.close();
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import { LogwardenError } from '../../core/errors.js';
import { deterministicId } from '../../core/ids.js';
import {
  createLineParser,
  FORMAT_SAMPLE_LINES,
  validateParseContext,
  type FileLineParser,
  type ParseContext,
} from '../../parsers/index.js';
import {
  countDrop,
  emptyStats,
  type EventSink,
  type SourceComponent,
  type SourceStats,
} from '../types.js';
import { loadPositions, savePositions, type FilePosition } from './positions.js';

export const FINGERPRINT_BYTES = 1024;
const READ_CHUNK = 1 << 20;

export interface FileSourceOptions {
  /** Files or globs (picomatch syntax in the last path segments, e.g. `/var/log/nginx/*.log`). */
  readonly paths: readonly string[];
  readonly sink: EventSink;
  /** Where positions are kept; required so that restarts resume. */
  readonly positionsFile: string;
  /** Format name or `auto` (detected per file from its first lines). */
  readonly format?: string;
  readonly pollMs?: number;
  /** For files seen for the first time at the first start: read them whole or only new lines. */
  readonly startAt?: 'beginning' | 'end';
  /** Longest line kept whole (bytes); longer ones are cut and marked by the parser. */
  readonly maxLineBytes?: number;
  readonly timezone?: string;
  readonly year?: number;
  readonly hostname?: string;
  /** Clock for year inference; default Date.now. */
  readonly now?: () => number;
}

interface Tracked {
  path: string;
  dev: number;
  ino: number;
  fh: FileHandle;
  /** Offset of the end of the last complete line handed over. */
  offset: number;
  /** Bytes read past `offset` that do not end in a newline yet. */
  partial: Buffer;
  fingerprint: string;
  /** How many leading bytes the fingerprint covers (grows to FINGERPRINT_BYTES). */
  fingerprintBytes: number;
  parser: FileLineParser | undefined;
  /** Polls in a row in which no matched path named this file (rotated away or deleted). */
  missing: number;
  /** Bumped at each truncation: the bytes at an offset are then other lines. */
  generation: number;
  /** Stable identity for event ids: dev, inode, birth time, generation. */
  identity: string;
}

/** Polls a rotated-away file stays open and drained: writers reopen their file a little late. */
const ROTATED_GRACE_POLLS = 2;

function identityOf(
  st: { dev: number; ino: number; birthtimeMs: number },
  generation: number,
): string {
  return `${st.dev}:${st.ino}:${st.birthtimeMs}:${generation}`;
}

function fingerprintOf(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex');
}

/** Expand files and globs to existing regular files, sorted (oldest rotation names last). */
export function expandPaths(patterns: readonly string[]): string[] {
  const out = new Set<string>();
  for (const p of patterns) {
    const scan = picomatch.scan(p);
    if (!scan.isGlob) {
      if (existsSync(p)) out.add(path.resolve(p));
      continue;
    }
    const base = path.resolve(scan.base || '.');
    const isMatch = picomatch(path.resolve(p), { dot: false });
    let names: string[];
    try {
      names = readdirSync(base, {
        recursive: scan.glob.includes('/') || scan.glob.includes('**'),
      }) as string[];
    } catch {
      continue;
    }
    for (const n of names) {
      const full = path.join(base, n);
      if (isMatch(full)) out.add(full);
    }
  }
  return [...out]
    .filter((f) => {
      try {
        return statSync(f).isFile() && !f.endsWith('.gz');
      } catch {
        return false;
      }
    })
    .sort();
}

export interface FileSource extends SourceComponent {
  /** Run one poll now (tests and `ingest --follow` use it); resolves when its lines are stored. */
  poll(): Promise<void>;
}

export function createFileSource(opts: FileSourceOptions): FileSource {
  if (opts.paths.length === 0)
    throw new LogwardenError(
      'LW_CONFIG_INVALID',
      'file source: paths must name at least one file or glob',
    );
  const pollMs = opts.pollMs ?? 250;
  if (!(pollMs >= 10))
    throw new LogwardenError(
      'LW_CONFIG_INVALID',
      `file source: poll_ms ${pollMs} must be at least 10`,
    );
  const format = opts.format ?? 'auto';
  createLineParser(format); // fail at init on an unknown format
  const now = opts.now ?? Date.now;
  const baseCtx = {
    ...(opts.timezone !== undefined ? { timezone: opts.timezone } : {}),
    ...(opts.year !== undefined ? { year: opts.year } : {}),
    ...(opts.hostname !== undefined ? { hostname: opts.hostname } : {}),
  };
  validateParseContext({ ...baseCtx, now: now() });
  const maxLine = opts.maxLineBytes ?? 1 << 20;
  const stats: SourceStats = emptyStats();
  const tracked = new Map<string, Tracked>(); // key dev:ino
  let saved = loadPositions(opts.positionsFile);
  let firstPoll = saved.length === 0;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let closed = false;
  const decoder = new TextDecoder('utf-8'); // invalid bytes become U+FFFD: kept, never dropped

  /** SHA-256 of the first `len` bytes (fewer when the file is shorter) and how many were read. */
  async function readFingerprint(
    fh: FileHandle,
    len = FINGERPRINT_BYTES,
  ): Promise<[string, number]> {
    const b = Buffer.alloc(len);
    const { bytesRead } = await fh.read(b, 0, len, 0);
    return [fingerprintOf(b.subarray(0, bytesRead)), bytesRead];
  }

  /**
   * Hand complete lines to the sink; resolves after they are stored. Each event's id is derived
   * from the file's identity and the line's byte offset: a line delivered twice (a crash between
   * the store's commit and the position save, or a copytruncate copy read again) is stored once.
   */
  async function deliver(
    t: Tracked,
    lines: string[],
    starts: number[],
    filePath: string,
  ): Promise<void> {
    if (lines.length === 0) return;
    t.parser ??= createLineParser(format, { sample: lines.slice(0, FORMAT_SAMPLE_LINES) });
    const ctx: ParseContext = { ...baseCtx, now: now(), source: `file:${filePath}` };
    const items = lines.map((l, i) => {
      const ev = t.parser!.parse(l, ctx) as Record<string, unknown>;
      ev.id = deterministicId('file', t.identity, String(starts[i]));
      return ev;
    });
    stats.received += lines.length;
    const r = await opts.sink.ingest(items, `file:${filePath}`, `file:${filePath}`);
    stats.sent += r.accepted + r.duplicates;
    if (r.rejected > 0) countDrop(stats, 'rejected', r.rejected);
  }

  /** Read from t.offset (+ partial) to EOF, deliver complete lines, advance and save the offset. */
  async function drain(
    t: Tracked,
    filePath: string,
    flushPartial: boolean,
    save = true,
  ): Promise<void> {
    for (;;) {
      const start = t.offset + t.partial.length;
      const buf = Buffer.allocUnsafe(READ_CHUNK);
      const { bytesRead } = await t.fh.read(buf, 0, READ_CHUNK, start);
      if (bytesRead === 0) break;
      const data =
        t.partial.length > 0
          ? Buffer.concat([t.partial, buf.subarray(0, bytesRead)])
          : buf.subarray(0, bytesRead);
      const lines: string[] = [];
      const starts: number[] = [];
      let from = 0;
      for (let nl = data.indexOf(10, from); nl >= 0; nl = data.indexOf(10, from)) {
        lines.push(decoder.decode(data.subarray(from, Math.min(nl, from + maxLine))));
        starts.push(t.offset + from);
        from = nl + 1;
      }
      let rest = data.subarray(from);
      // A line longer than maxLineBytes without a newline yet: keep its head, skip the rest.
      if (rest.length > maxLine) {
        lines.push(decoder.decode(rest.subarray(0, maxLine)));
        starts.push(t.offset + from);
        countDrop(stats, 'line_too_long_tail');
        from += rest.length;
        rest = Buffer.alloc(0);
      }
      await deliver(t, lines, starts, filePath);
      t.offset += from;
      t.partial = Buffer.from(rest);
      if (save) persist();
      if (bytesRead < READ_CHUNK) break;
    }
    if (flushPartial && t.partial.length > 0) {
      await deliver(t, [decoder.decode(t.partial)], [t.offset], filePath);
      t.offset += t.partial.length;
      t.partial = Buffer.alloc(0);
      if (save) persist();
    }
  }

  /** copytruncate: finish the lines that went into the copy, from our offset. */
  async function finishFromCopy(t: Tracked): Promise<void> {
    const dir = path.dirname(t.path);
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (full === t.path || name.endsWith('.gz')) continue;
      let st;
      try {
        st = statSync(full);
      } catch {
        continue;
      }
      if (!st.isFile() || st.size < t.offset || tracked.has(`${st.dev}:${st.ino}`)) continue;
      const fh = await open(full, 'r');
      try {
        const [fp, n] = await readFingerprint(fh, t.fingerprintBytes);
        if (n !== t.fingerprintBytes || fp !== t.fingerprint) continue;
        // Same identity as the original: lines at the same offsets get the same ids.
        const copy: Tracked = {
          ...t,
          fh,
          path: full,
          partial: Buffer.alloc(0),
          dev: st.dev,
          ino: st.ino,
        };
        await drain(copy, t.path, true, false);
        return;
      } finally {
        await fh.close();
      }
    }
    if (t.partial.length > 0) countDrop(stats, 'copytruncate_partial_line');
  }

  /** Read a file left behind by rotation from its saved offset to its end, then let it go. */
  async function finishRotatedAway(prev: FilePosition): Promise<void> {
    const dir = path.dirname(prev.path);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const full = path.join(dir, name);
      let st;
      try {
        st = statSync(full);
      } catch {
        continue;
      }
      if (!st.isFile() || st.dev !== prev.dev || st.ino !== prev.ino || st.size < prev.offset)
        continue;
      const fh = await open(full, 'r');
      try {
        const [fp, n] = await readFingerprint(fh, prev.fingerprintBytes);
        if (n !== prev.fingerprintBytes || fp !== prev.fingerprint) return; // inode reused
        const t: Tracked = {
          path: prev.path,
          dev: st.dev,
          ino: st.ino,
          fh,
          offset: prev.offset,
          partial: Buffer.alloc(0),
          fingerprint: prev.fingerprint,
          fingerprintBytes: prev.fingerprintBytes,
          parser: undefined,
          missing: ROTATED_GRACE_POLLS,
          generation: prev.generation,
          identity: identityOf(st, prev.generation),
        };
        await drain(t, prev.path, true, false);
      } finally {
        await fh.close();
      }
      return;
    }
  }

  function persist(): void {
    const files: FilePosition[] = [...tracked.values()].map((t) => ({
      path: t.path,
      dev: t.dev,
      ino: t.ino,
      offset: t.offset,
      fingerprint: t.fingerprint,
      fingerprintBytes: t.fingerprintBytes,
      generation: t.generation,
    }));
    savePositions(opts.positionsFile, files);
  }

  async function pollOnce(): Promise<void> {
    const seen = new Set<string>();
    for (const p of expandPaths(opts.paths)) {
      let st;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      const key = `${st.dev}:${st.ino}`;
      if (seen.has(key)) continue; // two patterns, one file
      seen.add(key);
      let t = tracked.get(key);
      if (t === undefined) {
        const fh = await open(p, 'r');
        const prev = saved.find((s) => s.dev === st.dev && s.ino === st.ino);
        let offset = 0;
        let generation = 0;
        let [fp, n] = await readFingerprint(fh);
        if (prev !== undefined) {
          // Same inode: resume from the saved offset with the saved fingerprint. If the file was
          // truncated while we were stopped (copytruncate, or the inode reused), the check below
          // sees a shorter file or other first bytes and first finishes the lines that went into
          // the copy, from our offset, under the old identity (same ids as before the stop).
          offset = prev.offset;
          generation = prev.generation;
          [fp, n] = [prev.fingerprint, prev.fingerprintBytes];
        } else if (firstPoll && opts.startAt === 'end') offset = st.size;
        t = {
          path: p,
          dev: st.dev,
          ino: st.ino,
          fh,
          offset,
          partial: Buffer.alloc(0),
          fingerprint: fp,
          fingerprintBytes: n,
          parser: undefined,
          missing: 0,
          generation,
          identity: '',
        };
        t.identity = identityOf(st, generation);
        tracked.set(key, t);
      }
      t.missing = 0;
      // copytruncate: the file got shorter than what we read, or its first bytes changed (it was
      // truncated and written past our offset again before this poll).
      const [fp, n] = await readFingerprint(t.fh, t.fingerprintBytes);
      if (st.size < t.offset || n < t.fingerprintBytes || fp !== t.fingerprint) {
        await finishFromCopy(t);
        t.offset = 0;
        t.partial = Buffer.alloc(0);
        t.parser = undefined;
        t.generation++;
        t.identity = identityOf(st, t.generation);
        [t.fingerprint, t.fingerprintBytes] = await readFingerprint(t.fh);
      }
      if (t.fingerprintBytes < FINGERPRINT_BYTES)
        [t.fingerprint, t.fingerprintBytes] = await readFingerprint(t.fh);
      await drain(t, t.path, false);
    }
    // Files we were reading when the process stopped that no pattern names any more (renamed by
    // rotation while we were down, or before their last lines were read): finish them from the
    // saved offset, found by device and inode among the siblings of their old path.
    for (const prev of saved) {
      const key = `${prev.dev}:${prev.ino}`;
      if (seen.has(key) || tracked.has(key)) continue;
      await finishRotatedAway(prev);
    }
    // Rotated away (the glob no longer names it) or deleted: keep draining through the open
    // descriptor for a few polls, since writers reopen their file late, then let go.
    for (const [key, t] of tracked) {
      if (seen.has(key)) continue;
      t.missing++;
      const last = t.missing >= ROTATED_GRACE_POLLS || closed;
      await drain(t, t.path, last);
      if (last) {
        await t.fh.close();
        tracked.delete(key);
      }
    }
    firstPoll = false;
    saved = [];
    persist();
  }

  function schedule(): void {
    if (closed) return;
    timer = setTimeout(() => {
      running = pollOnce()
        .catch(() => {
          stats.errors++;
        })
        .finally(() => {
          running = null;
          schedule();
        });
    }, pollMs);
  }

  return {
    name: 'file',
    async start() {
      await pollOnce();
      schedule();
    },
    async poll() {
      if (running !== null) await running;
      await pollOnce();
    },
    async close() {
      if (closed) return;
      closed = true;
      if (timer !== null) clearTimeout(timer);
      if (running !== null) await running;
      for (const t of tracked.values()) await t.fh.close();
      tracked.clear();
    },
    stats: () => ({ ...stats, dropped: { ...stats.dropped } }),
  };
}
