/**
 * Tamper drills through the CLI as real processes (ARCHITECTURE §4): a real `serve` writes and
 * signs, an "attacker" edits the SQLite file with raw SQL, `logwarden verify` must exit with the
 * right code and name the failing index.
 */
import { cpSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanupTemps,
  createToken,
  killAllServes,
  makeEvent,
  runCli,
  sendBatch,
  startServe,
  tempDir,
} from './helpers.js';
import { attack, serveEnv, sql, verifyJson } from './ledger-helpers.js';

let base: string;

/** Run serve on `dir`, send `n` events, wait until they are signed, stop it cleanly. */
async function fill(dir: string, n: number, tag: string): Promise<void> {
  const token = await createToken(dir, `app-${tag}`);
  const srv = await startServe({ dataDir: dir, env: serveEnv() });
  try {
    for (let i = 0; i < n; i += 10) {
      const r = await sendBatch(
        srv.url,
        token,
        Array.from({ length: 10 }, (_, k) => makeEvent({ 'user.id': `${tag}-${i + k}` })),
      );
      expect(r.status).toBe(200);
    }
  } finally {
    expect((await srv.stop()).code).toBe(0); // stop signs everything committed
  }
}

function copy(): string {
  const d = tempDir('lw-drill-');
  cpSync(base, d, { recursive: true });
  return d;
}

beforeAll(async () => {
  base = tempDir('lw-ledger-base-');
  await fill(base, 40, 'a');
}, 60_000);
afterAll(() => {
  killAllServes();
  cleanupTemps();
});

describe('verify drills (real processes, raw SQL on the file)', () => {
  it('an untouched store verifies (exit 0) and prints a readable summary', async () => {
    const d = copy();
    const { code, report } = await verifyJson(['--data', d, '--no-remember']);
    expect(report.problems).toEqual([]);
    expect(code).toBe(0);
    expect(report.signed_size).toBeGreaterThanOrEqual(40);
    const text = await runCli(['verify', '--data', d, '--no-remember'], { env: serveEnv() });
    expect(text.stdout).toMatch(/^OK {2}\S+: \d+ entries, \d+ signed/);
  });

  it('one changed byte in one event: tamper (10) at that index', async () => {
    const d = copy();
    const seq = 7;
    attack(d, (db) =>
      db.prepare("UPDATE events SET body = replace(body, '-', '_') WHERE seq = ?").run(seq),
    );
    const { code, report } = await verifyJson(['--data', d, '--no-remember']);
    expect(code).toBe(10);
    expect(report.failing_indexes.tamper).toEqual([seq]);
  });

  it('a deleted event: incomplete (12) at that index', async () => {
    const d = copy();
    attack(d, (db) => db.prepare('DELETE FROM events WHERE seq = 12').run());
    const { code, report } = await verifyJson(['--data', d, '--no-remember']);
    expect(code).toBe(12);
    expect(report.failing_indexes.incomplete).toEqual([12]);
  });

  it('two events swapped: tamper (10) naming both indexes', async () => {
    const d = copy();
    attack(d, (db) => {
      db.prepare('UPDATE events SET seq = -1 WHERE seq = 3').run();
      db.prepare('UPDATE events SET seq = 3 WHERE seq = 20').run();
      db.prepare('UPDATE events SET seq = 20 WHERE seq = -1').run();
    });
    const { code, report } = await verifyJson(['--data', d, '--no-remember']);
    expect(code).toBe(10);
    expect(report.failing_indexes.tamper).toEqual([3, 20]);
  });

  it('a truncated tail: incomplete (12) naming every missing index', async () => {
    const d = copy();
    const size = sql<{ n: number }>(d, 'SELECT count(*) AS n FROM events')[0]!.n;
    attack(d, (db) => db.prepare('DELETE FROM events WHERE seq >= ?').run(size - 5));
    const { code, report } = await verifyJson(['--data', d, '--no-remember']);
    expect(code).toBe(12);
    expect(report.failing_indexes.incomplete).toEqual(
      Array.from({ length: 5 }, (_, i) => size - 5 + i),
    );
  });

  it('rolled back to an older copy and re-signed with its own key: fork (11) with the remembered state', async () => {
    const old = copy(); // the database as it was
    const d = copy();
    const state = path.join(tempDir('lw-auditor-'), 'state.json');
    await fill(d, 20, 'b');
    // The auditor verifies the newer state and remembers its checkpoint.
    const first = await verifyJson(['--data', d, '--state', state]);
    expect(first.code).toBe(0);
    // The attacker restores the older file and carries on: everything is signed with the real key.
    cpSync(path.join(old, 'logwarden.db'), path.join(d, 'logwarden.db'));
    await fill(d, 10, 'c');
    const alone = await verifyJson(['--data', d, '--no-remember']);
    expect(alone.code).toBe(0); // consistent on its own: only a remembered checkpoint reveals it
    const { code, report } = await verifyJson(['--data', d, '--state', state]);
    expect(code).toBe(11);
    expect(report.problems.some((p) => p.kind === 'fork')).toBe(true);
  }, 60_000);

  it('retention-pruned bodies read as pruned, not missing; checkpoints still verify', async () => {
    const d = copy();
    attack(d, (db) => db.prepare('UPDATE events SET body = NULL WHERE seq BETWEEN 5 AND 9').run());
    const { code, report } = await verifyJson(['--data', d, '--no-remember']);
    expect(report.problems).toEqual([]);
    expect(code).toBe(0);
    expect(report.pruned).toBe(5);
    expect(report.pruned_ranges).toEqual([[5, 10]]);
  });

  it('--max-age: an old newest checkpoint is stale (13)', async () => {
    const d = copy();
    attack(d, (db) =>
      db.prepare('UPDATE ledger_checkpoints SET time_ms = time_ms - 3600000').run(),
    );
    const { code } = await verifyJson(['--data', d, '--no-remember', '--max-age', '60']);
    expect(code).toBe(13);
  });

  it('prove writes a proof that verify-proof checks offline, and a changed byte fails it', async () => {
    const d = copy();
    const id = sql<{ id: string }>(d, 'SELECT id FROM events WHERE seq = 4')[0]!.id;
    const out = path.join(d, 'e.proof.json');
    const p = await runCli(['prove', id, '--data', d, '--output', out], { env: serveEnv() });
    expect(p.code, p.stderr).toBe(0);
    const ok = await runCli(['verify-proof', out, '--vkey', path.join(d, 'ledger.vkey')]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`entry 4 of`);
    const { readFileSync, writeFileSync } = await import('node:fs');
    const bundle = JSON.parse(readFileSync(out, 'utf8')) as { event: string };
    bundle.event = bundle.event.replace('"user.id":"a-', '"user.id":"A-');
    writeFileSync(out, JSON.stringify(bundle));
    const bad = await runCli(['verify-proof', out, '--vkey', path.join(d, 'ledger.vkey')]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/LW_LEDGER/);
  });
});
