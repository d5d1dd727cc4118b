import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SecurityEvent } from '../core/event.js';
import { type SqliteStore, openSqliteStore } from '../storage/index.js';
import type { PreparedEvent } from '../storage/index.js';
import { openCheckpoint } from './checkpoint.js';
import { type Checkpointer, createCheckpointer } from './checkpointer.js';
import { generateKey, parseSignerKey } from './keys.js';
import { hashLeaf, rootFromLeafHashes, verifyConsistency, verifyInclusion } from './merkle.js';
import { consistencyProof, inclusionProof, memoryNodeReader } from './proofs.js';

const ORIGIN = 'logs.test/checkpointer';
const dirs: string[] = [];
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function newStore(dir?: string): { store: SqliteStore; dir: string } {
  const d = dir ?? mkdtempSync(path.join(tmpdir(), 'lw-ckpt-'));
  if (dir === undefined) dirs.push(d);
  const store = openSqliteStore({ path: path.join(d, 'events.db') });
  open.push(store);
  return { store, dir: d };
}

let counter = 0;
function events(n: number): PreparedEvent[] {
  return Array.from({ length: n }, () => {
    const i = counter++;
    const event: SecurityEvent = {
      id: `00000000-0000-7000-8000-${i.toString(16).padStart(12, '0')}`,
      time: new Date(Date.UTC(2026, 10, 27, 9) + i).toISOString(),
      'event.name': i % 3 === 0 ? 'authn_login_fail' : 'http_request',
      message: `event number ${i}`,
    };
    return { event, body: JSON.stringify(event), source: 'test' };
  });
}

async function fill(store: SqliteStore, n: number): Promise<void> {
  for (let done = 0; done < n; done += 5000) await store.append(events(Math.min(5000, n - done)));
}

const signer = parseSignerKey(generateKey(ORIGIN).skey);

function checker(
  store: SqliteStore,
  extra: Partial<Parameters<typeof createCheckpointer>[0]> = {},
): Checkpointer {
  const c = createCheckpointer({ store, key: signer, origin: ORIGIN, ...extra });
  open.unshift(c); // closed before its store
  return c;
}

function bodiesRoot(store: SqliteStore, size: number): Buffer {
  return rootFromLeafHashes(store.range(0, size).map((e) => hashLeaf(e.body!)));
}

describe('checkpointer over the SQLite store', () => {
  it('signs the empty tree first, then every committed entry; proofs from tiles verify', async () => {
    const { store } = newStore();
    const cp = checker(store);
    const empty = cp.checkpointNow()!;
    expect(empty.size).toBe(0);
    await fill(store, 1000);
    const c1 = cp.checkpointNow()!;
    expect(c1.size).toBe(1000);
    expect(c1.root.equals(bodiesRoot(store, 1000))).toBe(true);
    const opened = openCheckpoint(c1.note, [signer.verifier], ORIGIN).checkpoint;
    expect(opened.size).toBe(1000);
    await fill(store, 777);
    const c2 = cp.checkpointNow()!;
    for (const index of [0, 1, 255, 256, 511, 999, 1000, 1776]) {
      const e = store.getBySeq(index)!;
      verifyInclusion(
        index,
        c2.size,
        e.leafHash,
        cp.ledger.inclusionProof(index, c2.size),
        c2.root,
      );
    }
    verifyConsistency(
      c1.size,
      c2.size,
      cp.ledger.consistencyProof(c1.size, c2.size),
      c1.root,
      c2.root,
    );
    expect(cp.checkpointAt(1000)?.id).toBe(c1.id);
    expect(cp.ledger.checkpoints.covering(999)?.size).toBe(1000);
    expect(cp.ledger.checkpoints.covering(1000)?.size).toBe(1777);
    expect(cp.ledger.checkpoints.list().map((c) => c.size)).toEqual([0, 1000, 1777]);
  });

  it('tile-backed proofs equal proofs over the leaves in memory, for random sizes below the signed size', async () => {
    const { store } = newStore();
    const cp = checker(store);
    await fill(store, 3000);
    cp.checkpointNow();
    const leaves = store.range(0, 3000).map((e) => e.leafHash);
    const mem = memoryNodeReader(leaves);
    let seed = 12345;
    const rand = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let t = 0; t < 60; t++) {
      const n = 1 + rand(3000);
      const i = rand(n);
      const m = 1 + rand(n);
      expect(cp.ledger.inclusionProof(i, n)).toEqual(inclusionProof(mem, i, n));
      expect(cp.ledger.consistencyProof(m, n)).toEqual(consistencyProof(mem, m, n));
      expect(cp.ledger.rootAt(n).equals(rootFromLeafHashes(leaves.slice(0, n)))).toBe(true);
    }
    expect(() => cp.ledger.inclusionProof(0, 3001)).toThrow(/beyond the signed tree size 3000/);
  });

  it('never signs entries whose append has not committed yet', async () => {
    const { store } = newStore();
    const cp = checker(store);
    await fill(store, 10);
    const pending = store.append(events(50));
    const c = cp.checkpointNow()!;
    expect(c.size).toBe(10);
    await pending;
    expect(cp.checkpointNow()!.size).toBe(60);
  });

  it('resumes after a restart from its tiles across tile-level boundaries (70k entries)', async () => {
    const { store, dir } = newStore();
    let cp = checker(store);
    await fill(store, 65_000);
    const a = cp.checkpointNow()!;
    await cp.close();
    await store.close();
    const reopened = newStore(dir).store;
    cp = checker(reopened);
    await fill(reopened, 5_600); // crosses 65 536: the first full level-1 tile
    const b = cp.checkpointNow()!;
    expect(b.size).toBe(70_600);
    expect(b.root.equals(bodiesRoot(reopened, 70_600))).toBe(true);
    verifyConsistency(a.size, b.size, cp.ledger.consistencyProof(a.size, b.size), a.root, b.root);
    for (const index of [0, 65_535, 65_536, 70_599]) {
      verifyInclusion(
        index,
        b.size,
        reopened.getBySeq(index)!.leafHash,
        cp.ledger.inclusionProof(index, b.size),
        b.root,
      );
    }
    // 70 600 leaves = 275 level-8 nodes: level-1 tile 0 is full (256), tile 1 holds 19.
    const level1 = reopened.db
      .prepare('SELECT idx, length(hashes) AS len FROM ledger_tiles WHERE level = 1 ORDER BY idx')
      .all();
    expect(level1).toEqual([
      { idx: 0, len: 256 * 32 },
      { idx: 1, len: 19 * 32 },
    ]);
  });

  it('signs on its timer and tells listeners; maxEntries signs early', async () => {
    const { store } = newStore();
    const cp = checker(store, { intervalMs: 30, maxEntries: 100 });
    const seen: number[] = [];
    const got = new Promise<number>((resolve) =>
      cp.onCheckpoint((c) => {
        seen.push(c.size);
        if (c.size === 40) resolve(c.size);
      }),
    );
    cp.start();
    await fill(store, 40);
    expect(await got).toBe(40);
    const early = new Promise<number>((resolve) =>
      cp.onCheckpoint((c) => c.size >= 140 && resolve(c.size)),
    );
    await fill(store, 100);
    cp.notify();
    expect(await early).toBe(140);
    expect(cp.stats.signed).toBeGreaterThanOrEqual(2);
  });

  it("timer checkpoints ride the store's next group commit: published once stored, nothing else signs meanwhile", async () => {
    const { store } = newStore();
    await fill(store, 50);
    const cp = checker(store, { intervalMs: 60_000, maxEntries: 10 });
    const published = new Promise<{ id: number; size: number; storedId: number | undefined }>(
      (resolve) =>
        cp.onCheckpoint((c) =>
          resolve({ id: c.id, size: c.size, storedId: cp.ledger.checkpoints.at(c.size)?.id }),
        ),
    );
    cp.notify(50); // 50 waiting >= maxEntries: a run is scheduled (setImmediate)
    await new Promise((r) => setImmediate(r)); // that run prepared the checkpoint; not yet stored
    expect(cp.ledger.treeSize()).toBe(0);
    expect(() => cp.checkpointNow()).toThrow(/being written/);
    const got = await published;
    expect(got.size).toBe(50);
    expect(got.storedId).toBe(got.id); // in the database when listeners hear of it
    expect(cp.ledger.treeSize()).toBe(50);
    expect(cp.ledger.rootAt(50).equals(bodiesRoot(store, 50))).toBe(true);
    await fill(store, 5);
    expect(cp.checkpointNow()!.size).toBe(55); // nothing in flight: signs on its own connection
  });

  it('works through a backlog in bounded runs, each one a valid checkpoint', async () => {
    const { store } = newStore();
    await fill(store, 1000);
    const cp = checker(store, { intervalMs: 20, maxPerRun: 300, batchSize: 128 });
    const sizes: number[] = [];
    const done = new Promise<void>((resolve) =>
      cp.onCheckpoint((c) => {
        sizes.push(c.size);
        if (c.size === 1000) resolve();
      }),
    );
    cp.start();
    await done;
    expect(sizes).toEqual([300, 600, 900, 1000]);
    const all = cp.ledger.checkpoints.list();
    for (const c of all) expect(c.root.equals(bodiesRoot(store, c.size))).toBe(true);
    expect(() => createCheckpointer({ store, key: signer, origin: ORIGIN, maxPerRun: 0 })).toThrow(
      /must be positive/,
    );
    expect(() =>
      createCheckpointer({
        store,
        key: parseSignerKey(generateKey('other/origin').skey),
        origin: ORIGIN,
      }),
    ).toThrow(/named other\/origin/);
  });

  it('with recheckBodies, does not sign a row whose body no longer matches its leaf hash', async () => {
    const { store } = newStore();
    const cp = checker(store, { recheckBodies: true });
    await fill(store, 20);
    store.db
      .prepare(
        "UPDATE events SET body = replace(body, 'event number', 'EVENT NUMBER') WHERE seq = 12",
      )
      .run();
    expect(cp.checkpointNow()!.size).toBe(12);
    expect(cp.stats.errors.leaf_mismatch).toBe(1);
  });

  it('refuses to sign a second root for a size it already signed, and refuses to start on a tree that lost signed entries', async () => {
    const { store, dir } = newStore();
    const cp = checker(store);
    await fill(store, 30);
    cp.checkpointNow();
    // Evidence of an earlier signature for size 35 with another root (e.g. restored from a backup).
    store.db
      .prepare('INSERT INTO ledger_checkpoints (size, root, note, time_ms) VALUES (35, ?, ?, 0)')
      .run(Buffer.alloc(32, 7), 'x');
    await fill(store, 5);
    expect(() => cp.checkpointNow()).toThrow(expect.objectContaining({ code: 'LW_LEDGER_FORK' }));
    await cp.close();
    store.db.prepare('DELETE FROM events WHERE seq >= 20').run();
    store.db.prepare('DELETE FROM ledger_checkpoints WHERE size = 35').run();
    await store.close();
    const again = newStore(dir).store;
    expect(() => createCheckpointer({ store: again, key: signer, origin: ORIGIN })).toThrow(
      expect.objectContaining({ code: 'LW_LEDGER_INCOMPLETE' }),
    );
  });
});
