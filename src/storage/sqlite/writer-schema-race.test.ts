/**
 * The writer thread prepares its statements while the server's main thread is still running
 * migrations on its own connection (tokens, ledger, forwarders...). Preparing the full-text
 * insert connects FTS5, which reads `events_fts_config` in a nested statement; a schema change
 * committed by the other connection in between made that read fail with SQLITE_SCHEMA, and the
 * whole prepare with "vtable constructor failed: events_fts" (seen on fresh origins in
 * bench/replication.mjs, which then failed every write). createWriter prepares inside one read
 * transaction; this test races it against a connection that changes the schema without pause.
 *
 * The schema is padded with many tables so that loading it takes long enough for the race to be
 * hit often; a control run of the same prepares without the read transaction must hit it, else
 * the harness proves nothing and the test fails.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate } from './migrations.js';
import { STORE_MIGRATIONS, STORE_NAMESPACE } from './schema.js';
import { createWriter } from './writer.js';

const dir = mkdtempSync(path.join(tmpdir(), 'lw-writer-race-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const WORKER = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const __name = (f) => f;
const createWriter = ${createWriter.toString()};
// The statements createWriter prepares, in its order, without the read transaction (the code
// before the fix).
const control = (db) => {
  db.prepare('SELECT max(seq) AS m FROM events');
  db.prepare('SELECT seq FROM events WHERE id = ?');
  db.prepare('INSERT INTO events_fts (rowid, message, original) VALUES (?, ?, ?)');
};
const failures = {};
let ok = 0;
let tries = 0;
const end = Date.now() + workerData.ms;
while (tries < workerData.maxTries && Date.now() < end) {
  tries++;
  const db = new Database(workerData.path, { fileMustExist: true });
  try {
    if (workerData.mode === 'control') control(db);
    else createWriter(db, () => new Uint8Array(32));
    ok++;
  } catch (e) {
    const k = String(e && e.code) + ': ' + String(e && e.message);
    failures[k] = (failures[k] || 0) + 1;
  } finally {
    db.close();
  }
  // the control stops at its first failure: that is all it has to show
  if (workerData.mode === 'control' && ok < tries) break;
}
parentPort.postMessage({ ok, tries, failures });
`;

type Result = { ok: number; tries: number; failures: Record<string, number> };

/** Run `mode` in a worker while this thread changes the schema; returns the worker's counts. */
async function race(
  file: string,
  mode: 'control' | 'writer',
  maxTries: number,
): Promise<Result & { changes: number }> {
  const db = new Database(file);
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: {
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      path: file,
      mode,
      maxTries,
      ms: 20_000,
    },
  });
  let done = false;
  let changes = 0;
  const result = new Promise<Result>((resolve, reject) => {
    worker.once('message', (m: Result) => {
      done = true;
      resolve(m);
    });
    worker.once('error', reject);
  });
  // Schema changes as fast as this thread can commit them, yielding so the message arrives.
  while (!done) {
    for (let i = 0; i < 20; i++) {
      db.exec(`CREATE TABLE churn_${changes} (x); DROP TABLE churn_${changes}`);
      changes++;
    }
    await new Promise((r) => setImmediate(r));
  }
  db.close();
  await worker.terminate();
  return { ...(await result), changes };
}

describe('writer statements vs a concurrent schema change', () => {
  it('prepares while another connection changes the schema', async () => {
    const file = path.join(dir, 'race.db');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF'); // many commits, fast: the test is about schema cookies
    migrate(db, file, STORE_NAMESPACE, STORE_MIGRATIONS);
    db.transaction(() => {
      for (let i = 0; i < 2000; i++) db.exec(`CREATE TABLE pad_${i} (a, b, c)`);
    })();
    db.close();

    const control = await race(file, 'control', 2000);
    // The harness provokes the failure seen in the field, else this test shows nothing.
    expect(control.changes).toBeGreaterThan(0);
    expect(Object.keys(control.failures)).toEqual([
      'SQLITE_SCHEMA: vtable constructor failed: events_fts',
    ]);

    // The same race, many more times, with createWriter: never fails.
    const tries = Math.max(60, control.tries * 10);
    const writer = await race(file, 'writer', tries);
    expect(writer.failures).toEqual({});
    expect(writer.ok).toBe(writer.tries);
    expect(writer.tries).toBeGreaterThanOrEqual(Math.min(tries, 60));
  }, 60_000);
});
