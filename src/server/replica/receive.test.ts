/**
 * The replica's checks on real stores: idempotent resends, a resend that starts past what is
 * held, a conflicting entry kept as evidence, an unknown origin, a forged root.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SIG_TYPE_COSIGNATURE_ED25519 } from '../../ledger/ed25519.js';
import { generateKey, parseSignerKey } from '../../ledger/keys.js';
import { openTestLedger, type TestLedger } from '../../forwarders/test-ledger.js';
import { openSqliteStore, type SqliteStore } from '../../storage/index.js';
import { decodeReplicaBatch, encodeReplicaBatch } from '../../ledger/replica-batch.js';
import { type ReplicationRequest, receiveBatch, receiveEntries } from './receive.js';
import { REPLICA_MIGRATIONS, type ReplicaStore, openReplicaStore } from './replica-store.js';
import { hashLeaf } from '../../ledger/merkle.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function setup(): Promise<{ t: TestLedger; rs: ReplicaStore; store: SqliteStore }> {
  const t = await openTestLedger('logs.test/origin');
  cleanup.push(() => t.close());
  const dir = mkdtempSync(path.join(tmpdir(), 'lw-replica-'));
  const store = openSqliteStore({ path: path.join(dir, 'r.db') });
  cleanup.push(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { t, rs: openReplicaStore(store), store };
}

async function setupStoreOnly(): Promise<{ store: SqliteStore }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'lw-replica-mig-'));
  const store = openSqliteStore({ path: path.join(dir, 'r.db') });
  cleanup.push(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { store };
}

const cosigner = parseSignerKey(generateKey('replica-a', SIG_TYPE_COSIGNATURE_ED25519).skey);

function request(t: TestLedger, from: number): ReplicationRequest {
  const l = t.checkpointer.ledger;
  const cp = l.checkpoints.latest()!;
  return {
    origin: t.origin,
    start: from,
    entries: l.entries(from, cp.size).map((e) => e.body!),
    checkpoint: cp.note,
    proof: from > 0 ? l.consistencyProof(from, cp.size).map((h) => h.toString('base64')) : [],
  };
}

describe('replica receive', () => {
  it('stores, cosigns, is idempotent on resends and asks for the held size when ahead', async () => {
    const { t, rs } = await setup();
    const o = { store: rs, originKeys: [t.verifier], cosigner, nowMs: Date.now() };
    await t.add(10);
    const first = receiveEntries(request(t, 0), o);
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(first.cosigned).toContain('\u2014 replica-a ');
    expect(rs.head(t.origin)!.size).toBe(first.size);
    // The same batch again (a lost answer): accepted, nothing added.
    const again = receiveEntries(request(t, 0), o);
    expect(again.ok && again.added).toBe(0);
    await t.add(5);
    const next = receiveEntries(request(t, first.size), o);
    expect(next.ok && next.added).toBe(5);
    await t.add(5);
    // Starting past what is held: 409 with the held size.
    const ahead = receiveEntries({ ...request(t, first.size + 5), start: first.size + 10 }, o);
    expect(ahead.ok).toBe(false);
    if (ahead.ok) return;
    expect(ahead.status).toBe(409);
    expect(ahead.error.code).toBe('LW_CONFLICT');
    expect(ahead.error.details).toEqual({ held: first.size + 5 });
  });

  it('a conflicting entry at a held index is refused and kept as evidence', async () => {
    const { t, rs } = await setup();
    const o = { store: rs, originKeys: [t.verifier], cosigner, nowMs: Date.now() };
    await t.add(8);
    expect(receiveEntries(request(t, 0), o).ok).toBe(true);
    const req = request(t, 0);
    const entries = [...req.entries];
    entries[3] = (entries[3] as string).replace('user3', 'user9');
    const r = receiveEntries({ ...req, entries }, o);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('LW_LEDGER_FORK');
    expect(r.evidence.map((e) => [e.index, e.reason])).toEqual([[3, 'conflicting_entry']]);
  });

  it('refuses an unknown origin and entries that do not hash to the signed root', async () => {
    const { t, rs } = await setup();
    await t.add(4);
    const other = parseSignerKey(generateKey('someone.else').skey).verifier;
    const unknown = receiveEntries(request(t, 0), {
      store: rs,
      originKeys: [other],
      cosigner,
      nowMs: Date.now(),
    });
    expect(!unknown.ok && unknown.status).toBe(403);
    const req = request(t, 0);
    const forged = [...req.entries];
    forged[1] = (forged[1] as string).replace('user1', 'userX');
    expect(() =>
      receiveEntries(
        { ...req, entries: forged },
        { store: rs, originKeys: [t.verifier], cosigner, nowMs: Date.now() },
      ),
    ).toThrow(/do not hash to the root/);
    expect(rs.head(t.origin)).toBeUndefined();
  });

  it('the binary batch (what forwarders send) stores the same bytes, cosigns, and catches a flipped byte', async () => {
    const { t, rs } = await setup();
    const o = { store: rs, originKeys: [t.verifier], cosigner, nowMs: Date.now() };
    await t.add(6);
    const l = t.checkpointer.ledger;
    const binary = (from: number): Buffer => {
      const cp = l.checkpoints.latest()!;
      return encodeReplicaBatch(
        {
          origin: t.origin,
          start: from,
          checkpoint: cp.note,
          proof: from > 0 ? l.consistencyProof(from, cp.size) : [],
        },
        l.frames(from, cp.size),
      );
    };
    const first = receiveBatch(decodeReplicaBatch(binary(0)), o);
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    const size = first.size;
    expect(rs.entries(t.origin, 0, size).map((e) => e.body)).toEqual(
      l.entries(0, size).map((e) => e.body),
    );
    await t.add(4);
    // A flipped byte in one body: its leaf hash changes, the root does not match, nothing stored.
    const tampered = binary(size);
    const at = tampered.indexOf('user', tampered.length - 200);
    expect(at).toBeGreaterThan(0);
    tampered[at] = 'U'.charCodeAt(0);
    const bad = receiveBatch(decodeReplicaBatch(tampered), o);
    expect(bad.ok).toBe(false);
    expect(rs.head(t.origin)!.size).toBe(size);
    const next = receiveBatch(decodeReplicaBatch(binary(size)), o);
    expect(next.ok && next.added).toBe(l.treeSize() - size);
    // The JSON form of the same range is a resend: accepted, nothing added.
    expect(receiveEntries(request(t, 0), o)).toMatchObject({ ok: true, added: 0 });
  });

  it('moves the entries of a per-entry replica database (migration 2) into batches, bytes and leaf hashes intact', async () => {
    const { store } = await setupStoreOnly();
    store.migrate('replica', REPLICA_MIGRATIONS.slice(0, 1));
    const ins = store.db.prepare(
      'INSERT INTO replica_entries (origin, idx, body, leaf_hash) VALUES (?, ?, ?, ?)',
    );
    const body = (o: string, i: number): string | null =>
      i % 1000 === 7 ? null : JSON.stringify({ o, i, m: 'é' });
    store.db.transaction(() => {
      for (const [o, n] of [
        ['a.test/o', 12_345],
        ['b.test/o', 3],
      ] as const)
        for (let i = 0; i < n; i++)
          ins.run(o, i, body(o, i), hashLeaf(body(o, i) ?? `pruned ${i}`));
    })();
    const rs = openReplicaStore(store);
    const got = rs.entries('a.test/o', 9_990, 10_010);
    expect(got.map((e) => e.index)).toEqual(Array.from({ length: 20 }, (_, i) => 9_990 + i));
    for (const e of got) {
      expect(e.body).toBe(body('a.test/o', e.index));
      expect(e.leafHash.equals(hashLeaf(e.body ?? `pruned ${e.index}`))).toBe(true);
    }
    expect(rs.leafHashes('a.test/o', 12_340, 20_000)).toHaveLength(5);
    expect(rs.entries('b.test/o', 0, 10).map((e) => e.body)).toEqual(
      [0, 1, 2].map((i) => body('b.test/o', i)),
    );
    const tables = store.db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'replica_%' ORDER BY name",
      )
      .pluck()
      .all();
    expect(tables).not.toContain('replica_entries');
    expect(store.db.prepare('SELECT count(*) FROM replica_batches').pluck().get()).toBe(3);
  });
});
