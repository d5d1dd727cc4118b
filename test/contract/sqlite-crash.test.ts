/**
 * A crash never loses an acknowledged event (ARCHITECTURE §2): a child process appends and
 * prints what was acknowledged, is killed with SIGKILL mid-stream, and the reopened store holds
 * every acknowledged id exactly once, at the acknowledged seq, with seq still gap-free.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/storage/sqlite/index.js';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../../..');
const DIST_STORE = join(repoRoot, 'dist/storage/sqlite/index.js');
const CHILD = join(repoRoot, 'test/contract/fixtures/crash-writer.mjs');
const haveDist = existsSync(DIST_STORE);
if (!haveDist) console.warn(`sqlite crash test skipped: ${DIST_STORE} missing (run npm run build)`);

describe('SQLite store in a child process', () => {
  it.skipIf(!haveDist)(
    'a process whose last work is close() exits cleanly with everything committed (skipped without dist/)',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'lw-close-'));
      try {
        const path = join(dir, 'events.db');
        const child = spawn(
          process.execPath,
          [join(repoRoot, 'test/contract/fixtures/append-and-close.mjs'), DIST_STORE, path, '500'],
          {
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        const code = await new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
        expect(err).toBe('');
        expect(code).toBe(0);
        expect(out).toBe('closed ok\n');
        const store = openSqliteStore({ path });
        expect(store.size()).toBe(500);
        await store.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

describe('SQLite store survives SIGKILL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lw-crash-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Round 2 appends to what round 1 left behind, with the other write path.
  for (const [round, writer] of [
    [1, 'thread'],
    [2, 'main'],
  ] as const) {
    it.skipIf(!haveDist)(
      `round ${round} (${writer} writer): every acknowledged event is stored exactly once (skipped without dist/)`,
      async () => {
        const path = join(dir, 'events.db');
        const child = spawn(process.execPath, [CHILD, DIST_STORE, path, writer], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        const acked = new Map<string, number>();
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        const target = 2000 + Math.floor(Math.random() * 3000);
        await new Promise<void>((done, fail) => {
          let buf = '';
          child.stdout.on('data', (d: Buffer) => {
            buf += d.toString();
            const lines = buf.split('\n');
            buf = lines.pop() ?? '';
            for (const l of lines) {
              if (l === 'ready' || l === '') continue;
              const r = JSON.parse(l) as { id: string; seq: number; duplicate: boolean };
              const prev = acked.get(r.id);
              if (prev !== undefined && prev !== r.seq)
                fail(new Error(`id ${r.id} acknowledged at ${prev} and ${r.seq}`));
              acked.set(r.id, r.seq);
            }
            if (acked.size >= target && child.exitCode === null && !child.killed)
              child.kill('SIGKILL');
          });
          child.on('exit', (code, signal) =>
            signal === 'SIGKILL'
              ? done()
              : fail(new Error(`child exited ${code} ${signal}: ${stderr}`)),
          );
        });
        expect(acked.size).toBeGreaterThanOrEqual(target);

        const store = openSqliteStore({ path });
        try {
          const count = store.db.prepare('SELECT count(*) FROM events').pluck();
          const size = store.size();
          expect(count.get()).toBe(size); // gap-free: seq 0..size-1 all present
          const perId = store.db.prepare('SELECT count(*) FROM events WHERE id = ?').pluck();
          for (const [id, seq] of acked) {
            expect(perId.get(id), id).toBe(1);
            expect(store.getById(id)?.seq).toBe(seq);
          }
          for (const e of store.range(0, size)) {
            const h = createHash('sha256')
              .update(Buffer.from([0]))
              .update(e.body ?? '', 'utf8')
              .digest();
            expect(e.leafHash.equals(h)).toBe(true);
          }
          expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
          expect(store.sources()[0]?.events).toBe(size);
          // Full text covers everything committed, including what the crash left unindexed.
          const last = store.getBySeq(size - 1);
          const word = (JSON.parse(last?.body ?? '{}') as { message: string }).message.split(
            ' ',
          )[4] as string;
          expect(
            store.query({
              filter: { type: 'text', text: word, phrase: false, prefix: false, position: 0 },
              limit: 5,
            })[0]?.seq,
          ).toBe(size - 1);
        } finally {
          await store.close();
        }
      },
    );
  }
});
