/**
 * The writer thread when it cannot open its connection: each write fails with the reason, the
 * next write tries again (nothing sticky), and close() ends the thread instead of waiting forever.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate } from './migrations.js';
import { STORE_MIGRATIONS, STORE_NAMESPACE } from './schema.js';
import { threadBackend } from './write-backend.js';

const dir = mkdtempSync(path.join(tmpdir(), 'lw-write-backend-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rider = (value: number) => [
  { sql: "INSERT INTO store_state (key, value) VALUES ('probe', ?)", params: [value] },
];

describe('thread write backend', () => {
  it('a failed open is reported, retried by the next write, and close() still returns', async () => {
    const file = path.join(dir, 'late.db'); // does not exist yet: the thread cannot open it
    const reported: string[] = [];
    const backend = threadBackend({
      path: file,
      synchronous: 'NORMAL',
      busyTimeoutMs: 1000,
      onOpenFailure: (f) => reported.push(f.message),
    });
    const first = await backend.write([], Date.now(), true, rider(1));
    expect('error' in first.sql && first.sql.error.message).toMatch(
      /writer thread could not open the database/,
    );
    expect(reported.length).toBeGreaterThanOrEqual(1);
    expect(reported[0]).toMatch(/could not open the database/);

    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    migrate(db, file, STORE_NAMESPACE, STORE_MIGRATIONS);
    const second = await backend.write([], Date.now(), true, rider(2));
    expect(second.sql).toEqual({ ok: [{ changes: 1, lastInsertRowid: expect.any(Number) }] });
    expect(db.prepare("SELECT value FROM store_state WHERE key = 'probe'").pluck().get()).toBe(2);
    db.close();

    let closed = false;
    await Promise.race([
      backend.close().then(() => (closed = true)),
      new Promise((r) => setTimeout(r, 5000)),
    ]);
    expect(closed).toBe(true);
  });

  it('close() returns when the thread never opened at all', async () => {
    const backend = threadBackend({
      path: path.join(dir, 'missing', 'never.db'),
      synchronous: 'NORMAL',
      busyTimeoutMs: 1000,
    });
    const w = await backend.write([], Date.now(), true, rider(1));
    expect('error' in w.sql).toBe(true);
    let closed = false;
    await Promise.race([
      backend.close().then(() => (closed = true)),
      new Promise((r) => setTimeout(r, 5000)),
    ]);
    expect(closed).toBe(true);
  });
});
