/**
 * Where commits run. `thread` (default for files): a worker thread with its own connection, so
 * the fsync of a synchronous=FULL commit (several ms on a virtual disk) and the insert work no
 * longer stall the event loop — HTTP parsing and validation of the next batch overlap the commit
 * of this one, and a second core gets used (bench/store-insert.mjs, "loop lag"). `main`: the
 * caller's connection, for `:memory:` stores (a worker cannot share one) and for comparison.
 *
 * The worker runs the source text of createWriter (writer.ts) — one implementation for both —
 * and of writeGroupWaiting (busy-retry.ts), loaded with `eval`, so it works the same from
 * compiled dist/ and from TypeScript under vitest.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import type { EventRow } from './event-rows.js';
import { writeGroupWaiting } from './busy-retry.js';
import { createWriter } from './writer.js';
import type { GroupOutcome, SqlWrite, WriterFailure } from './writer.js';

export interface WriteBackend {
  /** Commit one group (one transaction, or one per call after a failure) and riding statements. */
  write(
    calls: ReadonlyArray<readonly EventRow[]>,
    nowMs: number,
    indexText: boolean,
    sql?: readonly SqlWrite[],
  ): Promise<GroupOutcome>;
  /** Stop accepting writes and release the connection (the caller has drained writes). */
  close(): Promise<void>;
}

const LEAF_PREFIX = Buffer.from([0x00]);
const leaf = (body: string): Buffer =>
  createHash('sha256').update(LEAF_PREFIX).update(body, 'utf8').digest();

export function mainThreadBackend(db: Database.Database): WriteBackend {
  const writer = createWriter(db, leaf);
  return {
    write: async (calls, nowMs, indexText, sql) => writer.writeGroup(calls, nowMs, indexText, sql),
    close: async () => {},
  };
}

const WORKER_SOURCE = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const Database = require(workerData.driver);
// Transpilers may wrap functions in a naming helper; it is a no-op here.
const __name = (f) => f;
const createWriter = ${createWriter.toString()};
const prefix = Buffer.from([0]);
const hash = (body) => createHash('sha256').update(prefix).update(body, 'utf8').digest();
let db;
let writer;
let openFailure;
// Open the connection and prepare the statements; on failure, the next write tries again (a
// failure to open is never sticky: the cause may have been transient).
const open = () => {
  try {
    db = new Database(workerData.path, { fileMustExist: true });
    // No wait inside SQLite: a thread sleeping in native code cannot be terminated, and
    // process.exit() waits for every worker thread (a stop past its deadline would hang for the
    // whole busy timeout). The wait for the write lock happens in write() below instead.
    db.pragma('busy_timeout = 0');
    db.pragma('synchronous = ' + workerData.synchronous);
    writer = createWriter(db, hash);
    openFailure = undefined;
  } catch (e) {
    try { if (db) db.close(); } catch {}
    db = undefined;
    writer = undefined;
    openFailure = {
      message: 'writer thread could not open the database: ' + String(e && e.message),
      ...(e && typeof e.code === 'string' ? { sqliteCode: e.code } : {}),
    };
    parentPort.postMessage({ type: 'open-failed', failure: openFailure });
  }
};
open();
const pause = new Int32Array(new SharedArrayBuffer(4));
const writeGroupWaiting = ${writeGroupWaiting.toString()};
const write = (m) =>
  writeGroupWaiting(writer, m, workerData.busyTimeoutMs, (ms) => Atomics.wait(pause, 0, 0, ms), Date.now);
parentPort.on('message', (m) => {
  if (m.type === 'write') {
    if (writer === undefined) open();
    const failed = { error: openFailure };
    const outcomes = writer ? write(m) : { calls: m.calls.map(() => failed), sql: failed };
    parentPort.postMessage({ type: 'done', id: m.id, outcomes });
  } else if (m.type === 'close') {
    try { if (db) db.close(); } catch {}
    parentPort.close();
  }
});
`;

export interface ThreadBackendOptions {
  readonly path: string;
  readonly synchronous: 'FULL' | 'NORMAL';
  readonly busyTimeoutMs: number;
  /**
   * Told when the writer thread could not open its connection or prepare its statements (each
   * write then fails with that reason and the next one tries to open again).
   */
  readonly onOpenFailure?: (f: WriterFailure) => void;
}

type Waiter = { resolve: (o: GroupOutcome) => void; reject: (e: Error) => void };

export function threadBackend(opts: ThreadBackendOptions): WriteBackend {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      driver,
      path: opts.path,
      synchronous: opts.synchronous,
      busyTimeoutMs: opts.busyTimeoutMs,
    },
  });
  // Keep the process alive only while a commit is outstanding.
  worker.unref();
  const waiting = new Map<number, Waiter>();
  let nextId = 0;
  let failed: Error | undefined;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));

  const failAll = (e: Error): void => {
    failed ??= e;
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
    worker.unref();
  };
  worker.on(
    'message',
    (m: { type: string; id?: number; outcomes?: GroupOutcome; failure?: WriterFailure }) => {
      if (m.type === 'done' && m.id !== undefined) {
        const w = waiting.get(m.id);
        waiting.delete(m.id);
        if (waiting.size === 0) worker.unref();
        w?.resolve(m.outcomes as GroupOutcome);
      } else if (m.type === 'open-failed' && m.failure !== undefined) {
        opts.onOpenFailure?.(m.failure);
      }
    },
  );
  worker.on('error', (e) => failAll(e));
  worker.on('exit', (code) => failAll(new Error(`writer thread exited (code ${code})`)));

  return {
    write(calls, nowMs, indexText, sql = []) {
      if (failed !== undefined) return Promise.reject(failed);
      const id = nextId++;
      return new Promise<GroupOutcome>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.ref();
        worker.postMessage({ type: 'write', id, calls, nowMs, indexText, sql });
      });
    },
    async close() {
      // Referenced until it has exited: otherwise a process whose last work is close() would
      // end before the writer thread closed its connection. A thread that already failed (it
      // crashed, or exited) is terminated, never awaited for a 'close' it will not get.
      worker.ref();
      if (failed === undefined) worker.postMessage({ type: 'close' });
      else void worker.terminate();
      await exited;
    },
  };
}
