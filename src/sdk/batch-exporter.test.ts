import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestCollector } from '../../test/e2e/sdk-collector.js';
import { startTestCollector } from '../../test/e2e/sdk-collector.js';
import type { SecurityLogger } from './logger.js';
import { createSecurityLogger } from './logger.js';
import type { SecurityLoggerOptions } from './options.js';

const TOKEN = 'lw_test_token';
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function collector(): Promise<TestCollector> {
  const c = await startTestCollector(TOKEN);
  cleanups.push(() => c.stop());
  return c;
}

function tmpDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-sdk-'));
  cleanups.push(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}

function logger(
  c: TestCollector,
  extra: Partial<SecurityLoggerOptions> = {},
): SecurityLogger & { warnings: string[] } {
  const warnings: string[] = [];
  const l = createSecurityLogger({
    service: 'exporter-test',
    endpoint: c.url,
    token: TOKEN,
    batch: { maxEvents: 50, maxDelayMs: 20 },
    retry: { initialDelayMs: 20, maxDelayMs: 200, maxAttempts: 2 },
    timeoutMs: 2000,
    onWarning: (m) => warnings.push(m),
    ...extra,
  });
  cleanups.push(() => l.shutdown());
  return Object.assign(l, { warnings });
}

async function until(cond: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function emitMany(l: SecurityLogger, n: number, tag: string): void {
  for (let i = 0; i < n; i++)
    l.emit('authn_login_fail', { userid: `${tag}-${i}` }, { attributes: { seq: i } });
}

function users(c: TestCollector): string[] {
  return [...c.events.values()].map((e) => e['user.id'] as string);
}

describe('batching exporter against a real HTTP collector', () => {
  it('delivers every event once, in batches, gzip-compressed', async () => {
    const c = await collector();
    const l = logger(c);
    emitMany(l, 230, 'a');
    await l.flush();
    expect(c.events.size).toBe(230);
    expect(c.arrivals).toHaveLength(230);
    expect(c.requests).toBeGreaterThanOrEqual(5); // 50 per batch
    expect(c.gzipped).toBeGreaterThan(0);
    expect(users(c).sort()).toEqual(Array.from({ length: 230 }, (_, i) => `a-${i}`).sort());
    expect(l.stats()).toMatchObject({ emitted: 230, sent: 230, queued: 0 });
  });

  it('retries 500s with the same ids: the collector stores each event once', async () => {
    const c = await collector();
    c.mode = { kind: 'status', status: 500 };
    const l = logger(c);
    emitMany(l, 40, 'r');
    await until(() => c.requests >= 3, 'three failed attempts');
    c.mode = { kind: 'ok' };
    await until(() => c.events.size === 40, 'delivery after recovery');
    expect(c.arrivals).toHaveLength(40);
    expect(l.stats().retries).toBeGreaterThanOrEqual(2);
    expect(l.warnings.some((w) => w.includes('HTTP 500'))).toBe(true);
  });

  it('honours Retry-After on 429 rather than its own shorter backoff', async () => {
    const c = await collector();
    c.mode = { kind: 'status', status: 429, retryAfter: '2' };
    const l = logger(c);
    emitMany(l, 5, 'b');
    await until(() => c.requests === 1, 'first attempt');
    await new Promise((r) => setTimeout(r, 700)); // backoff alone would have retried ~10 times by now
    expect(c.requests).toBe(1);
    c.mode = { kind: 'ok' };
    await until(() => c.events.size === 5, 'delivery after Retry-After');
  });

  it('counts a batch the collector refuses as dropped: rejected', async () => {
    const c = await collector();
    c.mode = { kind: 'status', status: 400 };
    const l = logger(c);
    emitMany(l, 3, 'x');
    await l.flush();
    expect(l.stats().dropped.rejected).toBe(3);
    expect(l.warnings.join('\n')).toMatch(/dropped 3 security event\(s\): rejected/);
  });

  it('spools while the collector is down and replays in order when it returns', async () => {
    const c = await collector();
    const dir = tmpDir();
    await c.stop();
    const l = logger(c, { spool: { dir } });
    emitMany(l, 120, 's');
    await l.flush();
    const st = l.stats();
    expect(st.spooled).toBe(120);
    expect(st.queued).toBe(0);
    expect(st.spoolBytes).toBeGreaterThan(0);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.ndjson')).length).toBeGreaterThan(0);
    emitMany(l, 30, 't'); // still down: goes behind the spooled ones
    await l.flush();
    await c.start();
    await until(() => c.events.size === 150, 'replay of 150 events', 20_000);
    expect(c.arrivals).toHaveLength(150);
    // order: every s-* arrives before every t-*
    const order = c.arrivals.map((id) => c.events.get(id)!['user.id'] as string);
    expect(order.findIndex((u) => u.startsWith('t-'))).toBe(120);
    await until(() => l.stats().spoolBytes === 0, 'spool emptied');
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.ndjson'))).toEqual([]);
  });

  it('the spool survives an app restart and the next run replays it', async () => {
    const c = await collector();
    const dir = tmpDir();
    await c.stop();
    const first = logger(c, { spool: { dir } });
    emitMany(first, 60, 'p');
    await first.shutdown();
    await first.shutdown(); // safe twice
    expect(first.stats().spooled).toBe(60);
    await c.start();
    const second = logger(c, { spool: { dir } });
    await until(() => c.events.size === 60, 'replay by the next process');
    expect(second.stats().replayed).toBe(60);
    expect(users(c).filter((u) => u.startsWith('p-'))).toHaveLength(60);
  });

  it('counts spool_full drops when the spool limit is hit', async () => {
    const c = await collector();
    const dir = tmpDir();
    await c.stop();
    const l = logger(c, { spool: { dir, maxBytes: 8192, segmentBytes: 2048 } });
    emitMany(l, 200, 'f');
    await l.flush();
    const st = l.stats();
    expect(st.dropped.spool_full).toBeGreaterThan(0);
    expect(st.spooled + st.dropped.spool_full).toBe(200);
    expect(st.spoolBytes).toBeLessThanOrEqual(8192);
    expect(l.warnings.join('\n')).toMatch(/spool_full/);
    await c.start();
    await until(() => c.events.size === st.spooled, 'the spooled part delivered');
  });

  it('without a spool, a long outage fills the bounded queue and counts queue_full', async () => {
    const c = await collector();
    await c.stop();
    const l = logger(c, {
      batch: { maxEvents: 10, maxDelayMs: 10, maxQueue: 20 },
      flushTimeoutMs: 200,
    });
    emitMany(l, 100, 'q');
    await new Promise((r) => setTimeout(r, 50));
    const st = l.stats();
    expect(st.dropped.queue_full).toBeGreaterThan(0);
    expect(st.queued + st.dropped.queue_full).toBe(100);
  });

  it('a slow collector never blocks emit, and flush gives up at its timeout', async () => {
    const c = await collector();
    c.mode = { kind: 'slow', delayMs: 3000 };
    const l = logger(c, { flushTimeoutMs: 300, timeoutMs: 10_000 });
    emitMany(l, 1000, 'slow'); // synchronous: returns without waiting for the network
    expect(l.stats().emitted).toBe(1000);
    const t0 = Date.now();
    await l.flush();
    expect(Date.now() - t0).toBeLessThan(2900); // the collector answers after 3000 ms
    c.mode = { kind: 'ok' };
    await until(() => c.events.size === 1000, 'delivery once the collector is fast again');
  });

  it('emit after shutdown is counted, not thrown', async () => {
    const c = await collector();
    const l = logger(c);
    await l.shutdown();
    expect(() => l.emit('authn_login_fail', { userid: 'late' })).not.toThrow();
    expect(l.stats().dropped.shutdown).toBe(1);
  });

  it('refuses a spool directory locked by another live process', async () => {
    const c = await collector();
    const dir = tmpDir();
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], {
      stdio: 'ignore',
    });
    cleanups.push(() => {
      child.kill();
    });
    fs.writeFileSync(path.join(dir, 'spool.lock'), String(child.pid));
    expect(() => logger(c, { spool: { dir } })).toThrow(/in use by process/);
  });
});
