import {
  closeSync,
  copyFileSync,
  mkdtempSync,
  openSync,
  renameSync,
  rmSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventSink, SinkResult } from '../types.js';
import { createFileSource, expandPaths, type FileSource } from './index.js';

/** A sink that stores like the real store does: idempotent on the event id. */
function recordingSink(): EventSink & {
  byId: Map<string, Record<string, unknown>>;
  deliveries: number;
  messages(): string[];
} {
  const byId = new Map<string, Record<string, unknown>>();
  const sink = {
    byId,
    deliveries: 0,
    async ingest(items: readonly Record<string, unknown>[]): Promise<SinkResult> {
      let dup = 0;
      for (const it of items) {
        sink.deliveries++;
        if (byId.has(it.id as string)) dup++;
        else byId.set(it.id as string, it);
      }
      return { accepted: items.length - dup, duplicates: dup, rejected: 0, errors: [] };
    },
    messages: () => [...byId.values()].map((e) => e['log.original'] as string),
  };
  return sink;
}

const dirs: string[] = [];
const sources: FileSource[] = [];
function tmp(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'lw-file-'));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  for (const s of sources.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const line = (i: number): string =>
  `2026-11-27T09:00:00Z line-${String(i).padStart(6, '0')} some payload to make lines longer`;
const expectAll = (got: string[], n: number): void => {
  const want = Array.from({ length: n }, (_, i) => line(i));
  expect(got.length).toBe(n); // no duplicates
  expect([...got].sort()).toEqual(want); // nothing missing
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('file source', () => {
  it('holds a partial last line until its newline arrives', async () => {
    const d = tmp();
    const f = path.join(d, 'app.log');
    writeFileSync(f, 'first line\nsecond li');
    const sink = recordingSink();
    const src = createFileSource({
      paths: [f],
      sink,
      positionsFile: path.join(d, 'pos.json'),
      format: 'auto',
    });
    sources.push(src);
    await src.poll();
    expect(sink.messages()).toEqual(['first line']);
    writeFileSync(f, 'first line\nsecond line\n');
    await src.poll();
    expect(sink.messages()).toEqual(['first line', 'second line']);
    expect(src.stats()).toMatchObject({ received: 2, sent: 2, errors: 0 });
  });

  it('finds every line exactly once across rename rotations while lines are being written', async () => {
    const d = tmp();
    const f = path.join(d, 'app.log');
    const sink = recordingSink();
    const src = createFileSource({
      paths: [f],
      sink,
      positionsFile: path.join(d, 'pos.json'),
      pollMs: 15,
    });
    sources.push(src);
    let fd = openSync(f, 'a');
    await src.start();
    const N = 3000;
    for (let i = 0; i < N; i++) {
      writeSync(fd, `${line(i)}\n`);
      if (i % 700 === 699) {
        // logrotate's default: rename, then the writer reopens a little later (5 more lines to
        // the renamed file through its open descriptor).
        renameSync(f, `${f}.${i}`);
        for (let k = 1; k <= 5; k++) writeSync(fd, `${line(++i)}\n`);
        closeSync(fd);
        fd = openSync(f, 'a');
      }
      if (i % 50 === 0) await sleep(2);
    }
    closeSync(fd);
    for (let k = 0; k < 1000 && sink.byId.size < N; k++) await sleep(20);
    await src.close();
    expectAll(sink.messages(), N);
    expect(sink.deliveries).toBe(N);
  });

  it('finds every line exactly once across copytruncate rotations while lines are being written', async () => {
    const d = tmp();
    const f = path.join(d, 'app.log');
    const sink = recordingSink();
    const src = createFileSource({
      paths: [f],
      sink,
      positionsFile: path.join(d, 'pos.json'),
      pollMs: 15,
    });
    sources.push(src);
    const fd = openSync(f, 'a'); // O_APPEND: after truncation, writes land at the new end
    await src.start();
    const N = 3000;
    for (let i = 0; i < N; i++) {
      writeSync(fd, `${line(i)}\n`);
      if (i % 800 === 799) {
        // logrotate copytruncate: copy, then truncate in place (the writer never reopens).
        copyFileSync(f, `${f}.${i}`);
        truncateSync(f, 0);
      }
      if (i % 50 === 0) await sleep(2);
    }
    closeSync(fd);
    for (let k = 0; k < 1000 && sink.byId.size < N; k++) await sleep(20);
    await src.close();
    expectAll(sink.messages(), N);
  });

  it('resumes from persisted positions: a restart neither duplicates nor skips', async () => {
    const d = tmp();
    const f = path.join(d, 'app.log');
    const pos = path.join(d, 'pos.json');
    const sink = recordingSink();
    const fd = openSync(f, 'a');
    for (let i = 0; i < 100; i++) writeSync(fd, `${line(i)}\n`);
    writeSync(fd, line(100).slice(0, 20)); // a partial line at shutdown
    const a = createFileSource({ paths: [f], sink, positionsFile: pos });
    await a.poll();
    await a.close();
    expect(sink.byId.size).toBe(100);
    writeSync(fd, `${line(100).slice(20)}\n`);
    for (let i = 101; i < 200; i++) writeSync(fd, `${line(i)}\n`);
    closeSync(fd);
    const b = createFileSource({ paths: [f], sink, positionsFile: pos });
    sources.push(b);
    await b.poll();
    expectAll(sink.messages(), 200);
    expect(sink.deliveries).toBe(200);
  });

  it('gives a line read twice the same id (the store keeps it once)', async () => {
    const d = tmp();
    const f = path.join(d, 'app.log');
    writeFileSync(f, `${line(0)}\n${line(1)}\n`);
    const sink = recordingSink();
    // Two sources with separate positions read the same file: same ids, stored once.
    for (const p of ['p1.json', 'p2.json']) {
      const s = createFileSource({ paths: [f], sink, positionsFile: path.join(d, p) });
      await s.poll();
      await s.close();
    }
    expect(sink.deliveries).toBe(4);
    expect(sink.byId.size).toBe(2);
  });

  it('expands globs, skips gzip files, and names each file as its source', async () => {
    const d = tmp();
    writeFileSync(
      path.join(d, 'a.log'),
      '203.0.113.9 - - [27/Nov/2026:09:00:00 +0000] "GET / HTTP/1.1" 200 1\n',
    );
    writeFileSync(
      path.join(d, 'b.log'),
      'Nov 27 09:00:00 web1 sshd[1]: Invalid user x from 203.0.113.9\n',
    );
    writeFileSync(path.join(d, 'c.log.gz'), Buffer.from([0x1f, 0x8b, 0, 0]));
    expect(expandPaths([path.join(d, '*.log*')])).toEqual([
      path.join(d, 'a.log'),
      path.join(d, 'b.log'),
    ]);
    const sink = recordingSink();
    const src = createFileSource({
      paths: [path.join(d, '*.log*')],
      sink,
      positionsFile: path.join(d, 'pos.json'),
    });
    sources.push(src);
    await src.poll();
    const evs = [...sink.byId.values()];
    expect(evs.map((e) => [e['event.name'], e['log.source']])).toEqual([
      ['http_request', `file:${path.join(d, 'a.log')}`],
      ['authn_login_fail', `file:${path.join(d, 'b.log')}`],
    ]);
  });

  it('refuses bad options at creation', () => {
    const sink = recordingSink();
    expect(() => createFileSource({ paths: [], sink, positionsFile: '/tmp/x' })).toThrow(/paths/);
    expect(() =>
      createFileSource({ paths: ['/x'], sink, positionsFile: '/tmp/x', format: 'nope' }),
    ).toThrow(/"nope"/);
    expect(() =>
      createFileSource({ paths: ['/x'], sink, positionsFile: '/tmp/x', timezone: 'Nowhere/Land' }),
    ).toThrow(/Nowhere/);
  });

  it('keeps its position when the sink fails, and delivers on the next poll', async () => {
    const d = tmp();
    const f = path.join(d, 'app.log');
    writeFileSync(f, `${line(0)}\n${line(1)}\n`);
    const inner = recordingSink();
    let fail = true;
    const sink: EventSink = {
      async ingest(items, source, logSource) {
        if (fail) throw new Error('disk full');
        return inner.ingest(items, source, logSource);
      },
    };
    const src = createFileSource({ paths: [f], sink, positionsFile: path.join(d, 'pos.json') });
    sources.push(src);
    await expect(src.poll()).rejects.toThrow('disk full');
    fail = false;
    await src.poll();
    expectAll(inner.messages(), 2);
  });

  it('starts at the end of files it has never seen when asked to', async () => {
    const d = tmp();
    const f = path.join(d, 'app.log');
    writeFileSync(f, `${line(0)}\n`);
    const sink = recordingSink();
    const src = createFileSource({
      paths: [f],
      sink,
      positionsFile: path.join(d, 'pos.json'),
      startAt: 'end',
    });
    sources.push(src);
    await src.poll();
    expect(sink.byId.size).toBe(0);
    writeFileSync(f, `${line(0)}\n${line(1)}\n`);
    await src.poll();
    expect(sink.messages()).toEqual([line(1)]);
  });
  it('finishes a file that was renamed by rotation while it was stopped, from its saved offset', async () => {
    const d = tmp();
    const f = path.join(d, 'app.log');
    const pos = path.join(d, 'pos.json');
    writeFileSync(f, Array.from({ length: 10 }, (_, i) => `${line(i)}\n`).join(''));
    const sink = recordingSink();
    const first = createFileSource({ paths: [f], sink, positionsFile: pos, pollMs: 10_000 });
    await first.poll();
    await first.close();
    expect(sink.messages()).toHaveLength(10);
    // While stopped: more lines, then rotation by rename, then a new file at the path.
    const fd = openSync(f, 'a');
    for (let i = 10; i < 15; i++) writeSync(fd, `${line(i)}\n`);
    closeSync(fd);
    renameSync(f, `${f}.1`);
    writeFileSync(f, Array.from({ length: 5 }, (_, i) => `${line(15 + i)}\n`).join(''));
    const second = createFileSource({ paths: [f], sink, positionsFile: pos, pollMs: 10_000 });
    sources.push(second);
    await second.poll();
    expectAll(sink.messages(), 20);
    // Restarting again reads nothing twice (the rotated file is done, the new one resumes).
    const before = sink.deliveries;
    await second.close();
    sources.pop();
    const third = createFileSource({ paths: [f], sink, positionsFile: pos, pollMs: 10_000 });
    sources.push(third);
    await third.poll();
    expect(sink.deliveries).toBe(before);
  });
  it('finishes the lines that went into the copy when copytruncate ran while it was stopped', async () => {
    const d = tmp();
    const f = path.join(d, 'app.log');
    const pos = path.join(d, 'pos.json');
    writeFileSync(f, Array.from({ length: 20 }, (_, i) => `${line(i)}\n`).join(''));
    const sink = recordingSink();
    const first = createFileSource({ paths: [f], sink, positionsFile: pos, pollMs: 10_000 });
    await first.poll();
    await first.close();
    // While stopped: more lines, then copytruncate, then new lines in the truncated file.
    const fd = openSync(f, 'a');
    for (let i = 20; i < 30; i++) writeSync(fd, `${line(i)}\n`);
    closeSync(fd);
    copyFileSync(f, `${f}.1`);
    truncateSync(f, 0);
    writeFileSync(f, Array.from({ length: 3 }, (_, i) => `${line(30 + i)}\n`).join(''));
    const second = createFileSource({ paths: [f], sink, positionsFile: pos, pollMs: 10_000 });
    sources.push(second);
    await second.poll();
    expectAll(sink.messages(), 33);
  });
});
