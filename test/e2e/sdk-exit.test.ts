/**
 * Best-effort flush on process exit (issue 4): an app that ends without calling shutdown()
 * still delivers what it emitted ('beforeExit' flush), and one that calls process.exit() while
 * the collector is down leaves its events in the spool ('exit' hook, synchronous), from where
 * the next run delivers them.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assertBuilt, cleanupTemps, repoRoot, tempDir } from './helpers.js';
import { startTestCollector } from './sdk-collector.js';
import type { TestCollector } from './sdk-collector.js';

const collectors: TestCollector[] = [];
afterAll(async () => {
  for (const c of collectors) await c.stop();
  cleanupTemps();
});

// Async on purpose: the collector answers from this process's event loop.
function runApp(script: string): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, stderr });
    });
  });
}

const sdk = JSON.stringify(path.join(repoRoot, 'dist/index.js'));

describe('flush on process exit', () => {
  it('delivers events of an app that simply ends (beforeExit)', async () => {
    assertBuilt();
    const c = await startTestCollector('tok');
    collectors.push(c);
    const r = await runApp(`
      const { createSecurityLogger } = await import(${sdk});
      const l = createSecurityLogger({ service: 'exit-app', endpoint: ${JSON.stringify(c.url)}, token: 'tok', batch: { maxDelayMs: 60000 } });
      for (let i = 0; i < 7; i++) l.emit('authn_login_fail', { userid: 'ends-' + i });
    `);
    expect(r.status, r.stderr).toBe(0);
    expect([...c.events.values()].map((e) => e['user.id']).sort()).toEqual(
      Array.from({ length: 7 }, (_, i) => `ends-${i}`),
    );
  });

  it('spools in-memory events on process.exit() while the collector is down; the next run delivers them', async () => {
    const c = await startTestCollector('tok');
    collectors.push(c);
    await c.stop();
    const spool = path.join(tempDir('lw-sdk-exit-'), 'spool');
    const r = await runApp(`
      const { createSecurityLogger } = await import(${sdk});
      const l = createSecurityLogger({ service: 'exit-app', endpoint: ${JSON.stringify(c.url)}, token: 'tok', spool: { dir: ${JSON.stringify(spool)} }, batch: { maxDelayMs: 60000 } });
      for (let i = 0; i < 9; i++) l.emit('authn_login_fail', { userid: 'exit-' + i });
      process.exit(3);
    `);
    expect(r.status, r.stderr).toBe(3);
    const lines = fs
      .readdirSync(spool)
      .filter((f) => f.endsWith('.ndjson'))
      .flatMap((f) => fs.readFileSync(path.join(spool, f), 'utf8').split('\n').filter(Boolean));
    expect(lines).toHaveLength(9);
    expect(fs.existsSync(path.join(spool, 'spool.lock'))).toBe(false); // released on exit
    await c.start();
    const next = await runApp(`
      const { createSecurityLogger } = await import(${sdk});
      const l = createSecurityLogger({ service: 'exit-app', endpoint: ${JSON.stringify(c.url)}, token: 'tok', spool: { dir: ${JSON.stringify(spool)} } });
      const end = Date.now() + 15000;
      while (l.stats().replayed < 9 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      await l.shutdown();
    `);
    expect(next.status, next.stderr).toBe(0);
    expect([...c.events.values()].map((e) => e['user.id']).sort()).toEqual(
      Array.from({ length: 9 }, (_, i) => `exit-${i}`),
    );
  });
});
