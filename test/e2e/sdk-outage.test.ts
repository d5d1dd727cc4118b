/**
 * End-to-end delivery under failure (issue 4): the collector (a real `logwarden serve`) stops
 * while the example app keeps emitting, the app itself restarts with its spool, the collector
 * comes back: every event is stored exactly once. A tiny spool overflows and the drops are
 * reported. A failing, slow or absent collector never breaks or blocks the app's requests.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../helpers/wait.js';
import {
  assertBuilt,
  cleanupTemps,
  createToken,
  killAllServes,
  readStored,
  startServe,
  tempDir,
} from './helpers.js';
import { startTestCollector } from './sdk-collector.js';
import type { TestCollector } from './sdk-collector.js';
import { browser, killAllApps, startExampleApp } from './sdk-app-process.js';

afterAll(() => {
  killAllApps();
  killAllServes();
  cleanupTemps();
});

async function failedLogins(base: string, prefix: string, n: number): Promise<void> {
  const b = browser(base, 'outage-test');
  for (let i = 0; i < n; i++) {
    const r = await b('POST', '/login', { email: `${prefix}-${i}@x.test`, password: 'nope' });
    expect(r.status).toBe(401); // the app answers normally whatever the collector does
  }
}

async function loginFailsByUser(dataDir: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const r of await readStored(dataDir)) {
    if (r.body === null) continue;
    const e = JSON.parse(r.body) as Record<string, unknown>;
    if (e['event.name'] !== 'authn_login_fail') continue;
    const u = String(e['user.id']);
    counts.set(u, (counts.get(u) ?? 0) + 1);
  }
  return counts;
}

/** The example app's SDK counters (GET /__stats, the exporter's stats()), as far as read here. */
interface AppStats {
  emitted: number;
  spooled: number;
  queued: number;
  replayed: number;
  errors: number;
  retries: number;
  dropped: Record<string, number>;
}

async function appStats(appUrl: string): Promise<AppStats> {
  return (await (await fetch(`${appUrl}/__stats`)).json()) as AppStats;
}

const segments = (dir: string): string[] =>
  fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.ndjson')) : [];

describe('SDK delivery when the collector goes away', () => {
  it('collector down, app restarted, collector back: every event stored exactly once', async () => {
    assertBuilt();
    const dataDir = tempDir('lw-sdk-outage-');
    const spoolDir = path.join(tempDir('lw-sdk-spool-'), 'spool');
    const token = await createToken(dataDir, 'example-app');
    let serve = await startServe({ dataDir });
    const port = new URL(serve.url).port;
    const appArgs = [
      '--endpoint',
      serve.url,
      '--token',
      token,
      '--spool',
      spoolDir,
      '--retry-max-ms',
      '1000',
    ];
    let app = await startExampleApp(appArgs);

    await failedLogins(app.url, 'p1', 20);
    await waitUntil(
      () => loginFailsByUser(dataDir),
      (m) => m.size === 20,
      'phase 1 stored',
      30_000,
      150,
    );

    await serve.stop();
    await failedLogins(app.url, 'p2', 30);
    // after its retries the exporter moves the batch to the on-disk spool
    await waitUntil(
      () => segments(spoolDir),
      (s) => s.length > 0,
      'spool segments on disk',
      30_000,
      150,
    );

    // the app restarts while the collector is still down: what is in memory is spooled on shutdown
    expect(await app.stop()).toBe(0);
    app = await startExampleApp(appArgs);
    await failedLogins(app.url, 'p3', 30);

    serve = await startServe({ dataDir, args: ['--listen', `127.0.0.1:${port}`] });
    const counts = await waitUntil(
      () => loginFailsByUser(dataDir),
      (m) => m.size >= 80,
      'all 80 users stored',
      45_000,
      150,
    );
    const expected = ['p1', 'p2', 'p3'].flatMap((p, k) =>
      Array.from({ length: k === 0 ? 20 : 30 }, (_, i) => `${p}-${i}@x.test`),
    );
    expect([...counts.keys()].sort()).toEqual(expected.sort());
    for (const [user, n] of counts) expect(n, user).toBe(1);
    const stats = await appStats(app.url);
    expect(stats.replayed).toBeGreaterThan(0);
    expect(Object.values(stats.dropped).reduce((a, b) => a + b, 0)).toBe(0);
    await waitUntil(
      () => segments(spoolDir),
      (s) => s.length === 0,
      'spool drained',
      30_000,
      150,
    );
    await app.stop();
    await serve.stop();
  });

  it('reports spool_full drops when the spool limit is hit', async () => {
    const c = await startTestCollector('tok');
    await c.stop(); // nothing listens on this port any more
    const spoolDir = path.join(tempDir('lw-sdk-spool-full-'), 'spool');
    const app = await startExampleApp([
      '--endpoint',
      c.url,
      '--token',
      'tok',
      '--spool',
      spoolDir,
      '--spool-max-bytes',
      '8192',
      '--retry-max-ms',
      '300',
    ]);
    await failedLogins(app.url, 'full', 80);
    const stats = await waitUntil(
      () => appStats(app.url),
      (s) => (s.dropped.spool_full ?? 0) > 0 && s.queued === 0,
      'spool_full drops',
      30_000,
      150,
    );
    expect(stats.spooled + (stats.dropped.spool_full ?? 0)).toBe(stats.emitted);
    const onDisk = segments(spoolDir).reduce(
      (n, f) => n + fs.statSync(path.join(spoolDir, f)).size,
      0,
    );
    expect(onDisk).toBeLessThanOrEqual(8192);
    expect(app.stderr()).toMatch(/spool_full/);
    await app.stop();
  });

  describe('a failing collector never raises into the app nor blocks a request', () => {
    const collectors: TestCollector[] = [];
    afterAll(async () => {
      for (const c of collectors) await c.stop();
    });

    it.each([
      ['answers 500', { kind: 'status', status: 500 } as const],
      ['answers 429 with Retry-After', { kind: 'status', status: 429, retryAfter: '30' } as const],
      ['answers after 20 s', { kind: 'slow', delayMs: 20_000 } as const],
      ['is down', undefined],
    ])('collector %s', async (_label, mode) => {
      const c = await startTestCollector('tok');
      collectors.push(c);
      if (mode === undefined) await c.stop();
      else c.mode = mode;
      const app = await startExampleApp([
        '--endpoint',
        c.url,
        '--token',
        'tok',
        '--retry-max-ms',
        '500',
      ]);
      const b = browser(app.url, 'failure-test');
      const t0 = Date.now();
      for (let i = 0; i < 10; i++) {
        expect((await b('POST', '/login', { email: `f${i}@x.test`, password: 'x' })).status).toBe(
          401,
        );
        expect((await b('GET', '/admin/users')).status).toBe(401);
        expect((await b('GET', '/products/1')).status).toBe(200);
      }
      // 30 requests answered while a batch is stuck for 20 s: emit never waits for the network.
      expect(Date.now() - t0).toBeLessThan(15_000);
      // Until the exporter has met the failure (this was a 1.5 s sleep): for 500 and down, two
      // failed attempts (the second after a backoff); for 429, the one before its 30 s
      // Retry-After; for the slow collector, the batch it holds.
      const metFailure = (s: { retries: number }): boolean =>
        mode?.kind === 'slow' ? c.requests > 0 : s.retries >= (mode?.status === 429 ? 1 : 2);
      const stats = await waitUntil(
        () => appStats(app.url),
        metFailure,
        'the exporter to meet the failure',
        15_000,
      );
      expect(stats.emitted).toBeGreaterThanOrEqual(20);
      expect(stats.errors).toBe(0);
      expect((await b('GET', '/healthz')).status).toBe(200);
      await app.stop('SIGKILL');
    });
  });
});
