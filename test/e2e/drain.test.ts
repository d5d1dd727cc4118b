/**
 * SIGTERM drains (issue 2): a request whose body is still arriving when the signal lands is
 * completed and committed, new requests are refused, the process exits 0. A drain that cannot
 * finish (issue 7: a store whose writes wait on a lock) ends at the stop deadline with exit 75
 * and the list of what was pending; a second signal ends it at once.
 */
import { request } from 'node:http';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import {
  cleanupTemps,
  createToken,
  killAllServes,
  makeEvent,
  ndjson,
  readStored,
  startServe,
  type ServeProcess,
  tempDir,
} from './helpers.js';
import { waitFor } from '../helpers/wait.js';
import { logLines } from './sources-helpers.js';

afterAll(() => {
  killAllServes();
  cleanupTemps();
});

/** What the tests watch: /metrics read without a token, and the info-level log ('draining'). */
const OBSERVABLE = {
  LOGWARDEN_SERVER__METRICS_PUBLIC: 'true',
  LOGWARDEN_SERVER__LOG_LEVEL: 'info',
};

/** The value of an unlabelled gauge on `srv`'s /metrics. */
async function gauge(srv: ServeProcess, name: string): Promise<number> {
  const text = await (await fetch(`${srv.url}/metrics`)).text();
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

/** A request's body is being read: its declared size is reserved in the in-flight budget. */
const bodyReading = (srv: ServeProcess) =>
  waitFor(
    async () => (await gauge(srv, 'logwarden_ingest_inflight_bytes')) > 0,
    'a request body in flight',
  );

/** The server logged that the signal started its drain. */
const draining = (srv: ServeProcess) =>
  waitFor(() => logLines(srv).some((l) => l.msg === 'draining'), 'the drain to start');

describe('graceful shutdown', () => {
  it('SIGTERM completes the in-flight batch, then exits 0', async () => {
    const dir = tempDir('lw-drain-');
    const token = await createToken(dir, 'drain');
    const srv = await startServe({ dataDir: dir, env: OBSERVABLE });
    const events = Array.from({ length: 400 }, () => makeEvent());
    const body = Buffer.from(ndjson(events));
    const half = Math.floor(body.length / 2);

    const answer = new Promise<{ status: number; text: string; connection: string | undefined }>(
      (resolve, reject) => {
        const req = request(
          `${srv.url}/v1/events`,
          {
            method: 'POST',
            headers: {
              authorization: `Bearer ${token}`,
              'content-type': 'application/x-ndjson',
              'content-length': String(body.length),
            },
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8').on('data', (d: string) => (text += d));
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, text, connection: res.headers.connection }),
            );
          },
        );
        req.on('error', reject);
        req.write(body.subarray(0, half));
        // The server reads the body and waits for the rest when SIGTERM lands; the rest is sent
        // once the server is draining.
        void (async () => {
          await bodyReading(srv);
          srv.child.kill('SIGTERM');
          await draining(srv);
          req.end(body.subarray(half));
        })().catch(reject);
      },
    );
    const r = await answer;
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toMatchObject({ accepted: 400 });
    // The answer closes its connection, so no idle keep-alive socket holds the exit.
    expect(r.connection).toBe('close');
    const exit = await srv.exited;
    expect(exit.code).toBe(0);
    const stored = new Set((await readStored(dir)).map((e) => e.id));
    for (const e of events) expect(stored.has(e.id as string)).toBe(true);
  });

  it('readyz answers 503 while draining and healthz stays up until exit', async () => {
    const dir = tempDir('lw-drain2-');
    const token = await createToken(dir, 'drain');
    const srv = await startServe({ dataDir: dir, env: OBSERVABLE });
    expect((await fetch(`${srv.url}/readyz`)).status).toBe(200);
    // Hold a request open so the server keeps draining long enough to observe it.
    const req = request(`${srv.url}/v1/events`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/x-ndjson',
        'content-length': '100000',
      },
    });
    req.on('error', () => undefined);
    req.write('{"event.name":"log"}\n');
    await bodyReading(srv);
    srv.child.kill('SIGTERM');
    await draining(srv);
    // New connections are refused once the listener closed; either way nothing new is accepted.
    const ready = await fetch(`${srv.url}/readyz`).then(
      (res) => res.status,
      () => 'refused',
    );
    expect([503, 'refused']).toContain(ready);
    req.destroy();
    expect((await srv.exited).code).toBe(0);
  });

  /**
   * Start serve (ledger off, a 1 s HTTP drain), hold the store's write lock from this process,
   * and send a batch: its commit waits on the lock (the writer's busy timeout is 30 s), so the
   * drain cannot finish. Returns the server and a function that releases the lock.
   */
  async function blockedServer(prefix: string) {
    const dir = tempDir(prefix);
    const token = await createToken(dir, 'drain');
    const srv = await startServe({
      dataDir: dir,
      env: {
        LOGWARDEN_SERVER__SHUTDOWN_TIMEOUT_SECS: '1',
        LOGWARDEN_LEDGER__ENABLED: 'false',
        LOGWARDEN_DETECTION__ENABLED: 'false',
        // its tick would take the lock on the main thread and block the event loop meanwhile
        LOGWARDEN_ALERTING__ENABLED: 'false',
        ...OBSERVABLE,
      },
    });
    const lock = new Database(path.join(dir, 'logwarden.db'));
    lock.pragma('busy_timeout = 5000');
    lock.exec('BEGIN IMMEDIATE');
    const answer = fetch(`${srv.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
      body: ndjson([makeEvent()]),
    }).then(
      (r) => r.status,
      () => 'no answer',
    );
    // The batch was read and handed to the store: its event is in flight until the commit,
    // which waits for the lock (the gauge drops back to 0 only when the commit ends).
    await waitFor(
      async () => (await gauge(srv, 'logwarden_ingest_inflight_events')) === 1,
      'the batch to await its commit',
    );
    const release = () => {
      if (lock.inTransaction) lock.exec('ROLLBACK');
      lock.close();
    };
    return { srv, answer, release };
  }

  it('a drain that cannot finish ends at the deadline: exit 75, what was pending logged', async () => {
    const { srv, answer, release } = await blockedServer('lw-drain-deadline-');
    try {
      const t0 = Date.now();
      srv.child.kill('SIGTERM');
      const exit = await srv.exited;
      const secs = (Date.now() - t0) / 1000;
      expect(exit.code).toBe(75);
      // deadline = shutdown_timeout_secs (1) + 15; the writer alone would wait 30 s per attempt
      expect(secs).toBeGreaterThanOrEqual(15);
      expect(secs).toBeLessThan(28);
      expect(srv.stderr()).toMatch(/stop did not finish within 16 s; exiting 75/);
      expect(srv.stderr()).toMatch(/store close/);
      expect(srv.stderr()).toMatch(/a commit running/);
      // never acknowledged: the client got no 200
      expect(await answer).not.toBe(200);
    } finally {
      release();
    }
  }, 60_000);

  it('a second SIGTERM exits at once', async () => {
    const { srv, answer, release } = await blockedServer('lw-drain-twice-');
    try {
      srv.child.kill('SIGTERM');
      // The HTTP drain ends at its 1 s deadline by closing the held request's connection; the
      // stop goes on to the store close, which waits for the blocked commit.
      expect(await answer).toBe('no answer');
      expect(srv.child.exitCode).toBeNull();
      const t0 = Date.now();
      srv.child.kill('SIGTERM');
      const exit = await srv.exited;
      expect(exit.code).toBe(128 + 15);
      expect(Date.now() - t0).toBeLessThan(3000);
      const second = logLines(srv).find((l) => l.msg === 'second signal: exiting now');
      // It landed in the store close (what was pending is logged with it).
      expect(second?.pending).toEqual(['store close', expect.stringMatching(/a commit running$/)]);
    } finally {
      release();
    }
  }, 60_000);
});
