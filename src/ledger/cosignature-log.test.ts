import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SecurityEvent } from '../core/event.js';
import { type SqliteStore, openSqliteStore } from '../storage/index.js';
import { openCheckpoint } from './checkpoint.js';
import { createCheckpointer } from './checkpointer.js';
import { openCosignatureLog } from './cosignature-log.js';
import {
  cosignCheckpoint,
  createCosignatureVerifier,
  createCosigner,
  verifyCosignature,
} from './cosignature.js';
import { generateEd25519 } from './ed25519.js';
import { generateKey, parseSignerKey } from './keys.js';
import { proveEvent, verifyProofBundle } from './proof-bundle.js';
import { verifyLocal } from './verify.js';

const ORIGIN = 'logs.test/quorum';
const log = parseSignerKey(generateKey(ORIGIN).skey);
const replica = (name: string) => {
  const { seed, publicKey } = generateEd25519();
  return {
    cosigner: createCosigner(name, seed),
    verifier: createCosignatureVerifier(name, publicKey),
  };
};
const r1 = replica('replica.test/r1');
const r2 = replica('replica.test/r2');
const dirs: string[] = [];
const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function ledger() {
  const dir = mkdtempSync(path.join(tmpdir(), 'lw-quorum-'));
  dirs.push(dir);
  const store = openSqliteStore({ path: path.join(dir, 'events.db') });
  stores.push(store);
  const cp = createCheckpointer({ store, key: log, origin: ORIGIN });
  const batch = (from: number) =>
    Array.from({ length: 100 }, (_, i) => {
      const event: SecurityEvent = {
        id: `q-${from + i}`,
        time: new Date(Date.UTC(2026, 0, 1) + i).toISOString(),
        'event.name': 'log',
      };
      return { event, body: JSON.stringify(event), source: 't' };
    });
  await store.append(batch(0));
  const first = cp.checkpointNow()!;
  await store.append(batch(100));
  const second = cp.checkpointNow()!;
  await cp.close();
  return { store, ledger: cp.ledger, first, second };
}

const quorum = (required: number, graceMs = 0) => ({
  cosigners: [r1.verifier, r2.verifier],
  required,
  graceMs,
});

describe('replica cosignatures at the origin, and the quorum policy of verify', () => {
  it('stores verified cosignatures and serves the cosigned note', async () => {
    const { ledger: l, second } = await ledger();
    const cosigs = openCosignatureLog(l);
    cosigs.add(second, cosignCheckpoint(second.note, r1.cosigner, 1_700_000_000), r1.verifier);
    cosigs.add(second, cosignCheckpoint(second.note, r2.cosigner, 1_700_000_001), r2.verifier);
    cosigs.add(second, cosignCheckpoint(second.note, r2.cosigner, 1_700_000_001), r2.verifier); // idempotent
    const note = cosigs.cosignedNote(second);
    expect(
      note
        .trimEnd()
        .split('\n')
        .filter((l) => l.startsWith('\u2014')),
    ).toHaveLength(3);
    expect(openCheckpoint(note, [log.verifier], ORIGIN).checkpoint.size).toBe(200);
    expect(verifyCosignature(note, r1.verifier)).toBe(1_700_000_000);
    expect(verifyCosignature(note, r2.verifier)).toBe(1_700_000_001);
  });

  it('refuses a cosignature that does not verify or belongs to another key', async () => {
    const { ledger: l, first, second } = await ledger();
    const cosigs = openCosignatureLog(l);
    const onFirst = cosignCheckpoint(first.note, r1.cosigner, 1);
    expect(() => cosigs.add(second, onFirst, r1.verifier)).toThrow(/does not verify/);
    expect(() =>
      cosigs.add(second, cosignCheckpoint(second.note, r1.cosigner, 1), r2.verifier),
    ).toThrow(/does not match the cosigner key/);
    expect(cosigs.forCheckpoint(second)).toEqual([]);
  });

  it('exit 14 until enough replicas cosigned, ok once they did; a forged stored cosignature is tamper', async () => {
    const { store, ledger: l, second } = await ledger();
    const base = { store, keys: [log.verifier], origin: ORIGIN };
    let r = verifyLocal({ ...base, quorum: quorum(2) });
    expect(r).toMatchObject({ status: 'quorum', exitCode: 14 });
    expect(verifyLocal({ ...base, quorum: quorum(2, 3_600_000) }).status).toBe('ok'); // still within grace
    const cosigs = openCosignatureLog(l);
    cosigs.add(second, cosignCheckpoint(second.note, r1.cosigner, 5), r1.verifier);
    expect(verifyLocal({ ...base, quorum: quorum(2) }).status).toBe('quorum');
    expect(verifyLocal({ ...base, quorum: quorum(1) }).status).toBe('ok');
    cosigs.add(second, cosignCheckpoint(second.note, r2.cosigner, 5), r2.verifier);
    r = verifyLocal({ ...base, quorum: quorum(2) });
    expect(r.status).toBe('ok');
    store.db
      .prepare(
        "UPDATE ledger_cosignatures SET time_secs = 6, signature = substr(signature, 1, 7) || x'06' || substr(signature, 9) WHERE cosigner = 'replica.test/r2'",
      )
      .run();
    r = verifyLocal({ ...base, quorum: quorum(2) });
    expect(r.status).toBe('tamper');
    expect(r.counts.quorum).toBe(1);
  });
});

describe('proof bundles with replica cosignatures (tlog-proof witnesses)', () => {
  it('carry the cosignatures, and a witness policy is enforced offline', async () => {
    const { store, ledger: l, second } = await ledger();
    const keys = [log.verifier];
    const policy = { cosigners: [r1.verifier, r2.verifier], required: 2 };
    const before = proveEvent(store, l, 'q-150', keys);
    expect(() => verifyProofBundle(before, undefined, policy)).toThrow(
      expect.objectContaining({ code: 'LW_LEDGER_QUORUM' }),
    );
    const cosigs = openCosignatureLog(l);
    cosigs.add(second, cosignCheckpoint(second.note, r1.cosigner, 9), r1.verifier);
    cosigs.add(second, cosignCheckpoint(second.note, r2.cosigner, 9), r2.verifier);
    const after = proveEvent(store, l, 'q-150', keys);
    expect(
      verifyProofBundle(JSON.parse(JSON.stringify(after)), [log.verifier.vkey], policy).cosignedBy,
    ).toEqual(['replica.test/r1', 'replica.test/r2']);
  });
});
