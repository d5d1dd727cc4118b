/**
 * Tamper drills on a real SQLite file: the store is closed, an "attacker" edits the file with
 * raw SQL through its own connection, the store is reopened and verified.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { SecurityEvent } from '../core/event.js';
import { type PreparedEvent, type SqliteStore, openSqliteStore } from '../storage/index.js';
import { signCheckpoint } from './checkpoint.js';
import { createCheckpointer } from './checkpointer.js';
import { generateKey, parseSignerKey } from './keys.js';
import { hashLeaf, rootFromLeafHashes } from './merkle.js';
import { VERIFY_EXIT_CODES, type VerifyReport, verifyLocal } from './verify.js';
import { readVerifyState, rememberCheckpoint } from './verify-state.js';

const ORIGIN = 'logs.test/drills';
const signer = parseSignerKey(generateKey(ORIGIN).skey);
const keys = [signer.verifier];
const dirs: string[] = [];
const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

let counter = 0;
function events(n: number, tag = 'orig'): PreparedEvent[] {
  return Array.from({ length: n }, () => {
    const i = counter++;
    const event: SecurityEvent = {
      id: `00000000-0000-7000-8000-${i.toString(16).padStart(12, '0')}`,
      time: new Date(Date.UTC(2026, 10, 27, 9) + i * 1000).toISOString(),
      'event.name': 'authn_login_fail',
      'user.id': `user${i % 7}`,
      message: `${tag} ${i}`,
    };
    return { event, body: JSON.stringify(event), source: 'drill' };
  });
}

function openStore(file: string): SqliteStore {
  const s = openSqliteStore({ path: file });
  stores.push(s);
  return s;
}

async function closeStore(s: SqliteStore): Promise<void> {
  stores.splice(stores.indexOf(s), 1);
  await s.close();
}

/** A store with 600 entries signed at sizes 300 and 600; closed. Returns the file. */
async function signedLedger(): Promise<{ file: string; notes: string[] }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'lw-drill-'));
  dirs.push(dir);
  const file = path.join(dir, 'events.db');
  const store = openStore(file);
  const cp = createCheckpointer({ store, key: signer, origin: ORIGIN });
  const notes: string[] = [];
  await store.append(events(300));
  notes.push(cp.checkpointNow()!.note);
  await store.append(events(300));
  notes.push(cp.checkpointNow()!.note);
  await cp.close();
  await closeStore(store);
  return { file, notes };
}

/** Edit the file as an attacker would: a raw connection, no logwarden code. */
function attack(file: string, sql: (db: Database.Database) => void): void {
  const db = new Database(file);
  try {
    sql(db);
  } finally {
    db.close();
  }
}

function verify(
  file: string,
  extra: Partial<Parameters<typeof verifyLocal>[0]> = {},
): VerifyReport {
  return verifyLocal({ store: openStore(file), keys, origin: ORIGIN, ...extra });
}

const indexes = (r: VerifyReport, kind: string): number[] =>
  r.problems.filter((p) => p.kind === kind && p.index !== undefined).map((p) => p.index!);

describe('tamper drills (real SQLite file)', () => {
  it('an untouched ledger verifies: status ok, exit 0', async () => {
    const { file } = await signedLedger();
    const r = verify(file);
    expect(r.problems).toEqual([]);
    expect(r).toMatchObject({
      status: 'ok',
      exitCode: 0,
      entries: 600,
      signedSize: 600,
      checkpoints: 2,
      unsigned: 0,
    });
  });

  it("one event's bytes changed -> tamper (10) at exactly that index", async () => {
    const { file } = await signedLedger();
    attack(file, (db) => {
      const before = db.prepare('SELECT body FROM events WHERE seq = 123').pluck().get() as string;
      db.prepare(
        "UPDATE events SET body = replace(body, 'login_fail', 'login_fa1l') WHERE seq = 123",
      ).run();
      const after = db.prepare('SELECT body FROM events WHERE seq = 123').pluck().get() as string;
      expect([...after].filter((c, i) => c !== before[i])).toHaveLength(1); // exactly one byte changed
    });
    const r = verify(file);
    expect(r.status).toBe('tamper');
    expect(r.exitCode).toBe(VERIFY_EXIT_CODES.tamper);
    expect(indexes(r, 'tamper')).toEqual([123]);
  });

  it('body and leaf hash rewritten consistently -> tamper at that index (the signed tiles disagree)', async () => {
    const { file } = await signedLedger();
    attack(file, (db) => {
      const body = (
        db.prepare('SELECT body FROM events WHERE seq = 450').pluck().get() as string
      ).replace('orig', 'forged');
      db.prepare('UPDATE events SET body = ?, leaf_hash = ? WHERE seq = 450').run(
        body,
        hashLeaf(body),
      );
    });
    const r = verify(file);
    expect(r.status).toBe('tamper');
    expect(indexes(r, 'tamper')).toEqual([450]);
    expect(r.problems.some((p) => p.size === 600 && p.kind === 'tamper')).toBe(true);
  });

  it('an event deleted -> incomplete (12) naming the index', async () => {
    const { file } = await signedLedger();
    attack(file, (db) => db.prepare('DELETE FROM events WHERE seq = 200').run());
    const r = verify(file);
    expect(r.status).toBe('incomplete');
    expect(r.exitCode).toBe(12);
    expect(indexes(r, 'incomplete')).toEqual([200]);
    expect(r.counts.tamper).toBe(0); // the tree is rebuilt from the signed tile copy of the missing leaf
  });

  it('two events reordered -> tamper at both indexes', async () => {
    const { file } = await signedLedger();
    attack(file, (db) =>
      db.transaction(() => {
        db.prepare('UPDATE events SET seq = -1 WHERE seq = 10').run();
        db.prepare('UPDATE events SET seq = 10 WHERE seq = 400').run();
        db.prepare('UPDATE events SET seq = 400 WHERE seq = -1').run();
      })(),
    );
    const r = verify(file);
    expect(r.status).toBe('tamper');
    expect(indexes(r, 'tamper').sort((a, b) => a - b)).toEqual([10, 400]);
  });

  it('tail truncated -> incomplete listing every missing index', async () => {
    const { file } = await signedLedger();
    attack(file, (db) => db.prepare('DELETE FROM events WHERE seq >= 550').run());
    const r = verify(file);
    expect(r.status).toBe('incomplete');
    expect(indexes(r, 'incomplete')).toEqual(Array.from({ length: 50 }, (_, i) => 550 + i));
  });

  it('rolled back to an older copy and re-signed with its own key -> fork (11) against a remembered checkpoint', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lw-drill-'));
    dirs.push(dir);
    const file = path.join(dir, 'events.db');
    let store = openStore(file);
    let cp = createCheckpointer({ store, key: signer, origin: ORIGIN });
    await store.append(events(300));
    cp.checkpointNow();
    await cp.close();
    await closeStore(store);
    copyFileSync(file, `${file}.backup`);
    store = openStore(file);
    cp = createCheckpointer({ store, key: signer, origin: ORIGIN });
    await store.append(events(300));
    const seen = cp.checkpointNow()!.note; // what a replica or the last verify run remembers
    await cp.close();
    await closeStore(store);
    // The attacker restores the backup, writes another history and lets the log re-sign it.
    copyFileSync(`${file}.backup`, file);
    for (const ext of ['-wal', '-shm']) if (existsSync(file + ext)) rmSync(file + ext);
    store = openStore(file);
    cp = createCheckpointer({ store, key: signer, origin: ORIGIN });
    await store.append(events(350, 'rewritten'));
    cp.checkpointNow();
    await cp.close();
    await closeStore(store);
    expect(verify(file).status).toBe('ok'); // alone, a clean rollback looks fine: that is why we remember
    const r = verify(file, { remembered: [seen] });
    expect(r.status).toBe('fork');
    expect(r.exitCode).toBe(11);
    expect(r.problems.find((p) => p.kind === 'fork')?.size).toBe(600);
  });

  it('rolled back in place and re-signed while the old checkpoints remain -> fork', async () => {
    const { file } = await signedLedger();
    attack(file, (db) => {
      db.prepare('DELETE FROM events WHERE seq >= 400').run();
      const insert = db.prepare(
        'INSERT INTO events (seq, id, time_ms, name, source, leaf_hash, body) VALUES (?, ?, ?, ?, ?, ?, ?)',
      );
      for (const [i, p] of events(250, 'rewritten').entries()) {
        insert.run(
          400 + i,
          p.event.id,
          Date.parse(p.event.time),
          p.event['event.name'],
          p.source,
          hashLeaf(p.body),
          p.body,
        );
      }
      const leaves = db
        .prepare('SELECT leaf_hash FROM events ORDER BY seq')
        .pluck()
        .all() as Buffer[];
      const note = signCheckpoint(
        { origin: ORIGIN, size: leaves.length, root: rootFromLeafHashes(leaves) },
        signer,
      );
      db.prepare(
        'INSERT INTO ledger_checkpoints (size, root, note, time_ms) VALUES (?, ?, ?, ?)',
      ).run(leaves.length, rootFromLeafHashes(leaves), note, Date.now());
    });
    const r = verify(file);
    expect(r.status).toBe('fork');
    expect(r.problems.find((p) => p.kind === 'fork')?.size).toBe(600);
  });

  it("the ledger's own tiles altered -> tamper blamed on the tiles, not on the entries", async () => {
    const { file } = await signedLedger();
    attack(file, (db) => {
      const tile = db
        .prepare('SELECT hashes FROM ledger_tiles WHERE level = 0 AND idx = 0')
        .pluck()
        .get() as Buffer;
      tile[32 * 17]! ^= 0xff;
      db.prepare('UPDATE ledger_tiles SET hashes = ? WHERE level = 0 AND idx = 0').run(tile);
    });
    const r = verify(file);
    expect(r.status).toBe('tamper');
    expect(indexes(r, 'tamper')).toEqual([]);
    expect(r.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/tiles no longer hash to the signed checkpoints/),
    ]);
  });

  it('a checkpoint row edited or forged -> tamper', async () => {
    const { file } = await signedLedger();
    attack(file, (db) =>
      db
        .prepare(
          'UPDATE ledger_checkpoints SET note = replace(note, char(10) || 300 || char(10), char(10) || 299 || char(10)) WHERE size = 300',
        )
        .run(),
    );
    const r = verify(file);
    expect(r.status).toBe('tamper');
    expect(r.problems[0]?.message).toMatch(/does not verify/);
  });

  it('stale when the newest checkpoint is older than the limit (13); pruned bodies read as pruned, not missing', async () => {
    const { file } = await signedLedger();
    attack(file, (db) => db.prepare('UPDATE events SET body = NULL WHERE seq < 5').run());
    const fresh = verify(file, { maxAgeMs: 60_000 });
    expect(fresh).toMatchObject({ status: 'ok', pruned: 5 });
    const r = verify(file, { maxAgeMs: 60_000, now: () => Date.now() + 3_600_000 });
    expect(r.status).toBe('stale');
    expect(r.exitCode).toBe(13);
  });
});

describe('verify across a key rotation', () => {
  it('old checkpoints verify with the old vkey still listed; without it they are reported', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lw-drill-'));
    dirs.push(dir);
    const file = path.join(dir, 'events.db');
    const store = openStore(file);
    const oldKey = parseSignerKey(generateKey(ORIGIN).skey);
    let cp = createCheckpointer({ store, key: oldKey, origin: ORIGIN });
    await store.append(events(100));
    cp.checkpointNow();
    await cp.close();
    const newKey = parseSignerKey(generateKey(ORIGIN).skey);
    cp = createCheckpointer({ store, key: newKey, origin: ORIGIN });
    await store.append(events(100));
    cp.checkpointNow();
    await cp.close();
    await closeStore(store);
    expect(verify(file, { keys: [oldKey.verifier, newKey.verifier] }).status).toBe('ok');
    const r = verify(file, { keys: [newKey.verifier] });
    expect(r.status).toBe('tamper');
    expect(r.problems.map((p) => p.size)).toEqual([100]);
    expect(r.problems[0]?.message).toMatch(/no signature from a trusted key/);
  });
});

describe('remembered verify state', () => {
  it('keeps the largest accepted checkpoint per origin and catches a later rollback with it', async () => {
    const { file, notes } = await signedLedger();
    const state = path.join(path.dirname(file), 'verify-state.json');
    expect(readVerifyState(state)).toEqual([]);
    const r = verify(file);
    expect(r.newest?.size).toBe(600);
    expect(rememberCheckpoint(state, r.newest!.note, keys)).toBe(600);
    expect(rememberCheckpoint(state, notes[0]!, keys)).toBe(600); // never goes backwards
    expect(readVerifyState(state, ORIGIN)).toEqual([notes[1]]);
    // Roll back: drop the newest checkpoint and the entries it covered, as a restored backup would.
    attack(file, (db) => {
      db.prepare('DELETE FROM ledger_checkpoints WHERE size = 600').run();
      db.prepare('DELETE FROM events WHERE seq >= 300').run();
    });
    expect(verify(file).status).toBe('ok');
    const again = verify(file, { remembered: readVerifyState(state) });
    expect(again.status).toBe('fork');
    expect(again.problems.find((p) => p.kind === 'fork')?.message).toMatch(/rolled back/);
  });
});
