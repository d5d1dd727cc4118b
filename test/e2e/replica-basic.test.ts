/**
 * An origin and two replicas as separate `logwarden serve` processes on loopback: replication,
 * cosignatures, verify --replica --quorum, a rolled-back origin refused by the replicas as a
 * fork, and a tampered replica copy.
 */
import { cpSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.js';
import { cleanupTemps, killAllServes, makeEvent, sendBatch, tempDir } from './helpers.js';
import {
  type Cluster,
  type Node,
  replicaEntries,
  replicaHead,
  sql,
  startCluster,
  tamperReplicaEntry,
  verifyJson,
} from './ledger-helpers.js';

let c: Cluster;
let origin: Node;
let r1: Node;
let r2: Node;

function signedSize(dir: string): number {
  return sql<{ value: number }>(dir, "SELECT value FROM ledger_state WHERE key = 'tree_size'")[0]!
    .value;
}

/** Wait until at least `min` entries are signed and both replicas hold everything signed. */
async function replicated(min: number): Promise<number> {
  return waitFor(
    async () => {
      const size = signedSize(origin.dir);
      if (size < min) return undefined;
      const [a, b] = [
        await replicaHead(r1.url, c.originName),
        await replicaHead(r2.url, c.originName),
      ];
      // >= min, not == the signed size: heartbeats keep the target moving under load.
      return a >= min && b >= min ? Math.min(a, b) : undefined;
    },
    'both replicas to catch up',
    45_000,
    150,
  );
}

beforeAll(async () => {
  c = await startCluster();
  ({ origin, r1, r2 } = c);
}, 60_000);

afterAll(() => {
  killAllServes();
  cleanupTemps();
});

describe('origin and two replicas', () => {
  it('replicates every signed entry to both, cosigned; verify --replica --quorum 2 exits 0', async () => {
    const p = c.procs.get(origin)!;
    const sent: string[] = [];
    for (let i = 0; i < 5; i++) {
      const events = Array.from({ length: 20 }, () => makeEvent());
      const r = await sendBatch(p.url, c.ingestToken, events);
      expect(r.status).toBe(200);
      sent.push(...events.map((e) => e.id as string));
    }
    await replicated(100);
    // Each replica holds every event sent, byte for byte the origin's stored body.
    const originBodies = new Map(
      sql<{ id: string; body: string }>(origin.dir, 'SELECT id, body FROM events').map((r) => [
        r.id,
        r.body,
      ]),
    );
    for (const r of [r1, r2]) {
      const held = new Map(
        replicaEntries(r.dir).map((e) => [(JSON.parse(e.body!) as { id: string }).id, e.body]),
      );
      for (const id of sent)
        expect(held.get(id), `${r.url} holds ${id}`).toBe(originBodies.get(id));
    }
    const { code, report } = await verifyJson([
      '--data',
      origin.dir,
      '--config',
      origin.config,
      '--no-remember',
      ...c.replicaArgs(),
      '--quorum',
      '2',
      '--grace', // a heartbeat signed in the last moments may still be on its way
      '5',
    ]);
    expect(report.problems).toEqual([]);
    expect(code).toBe(0);
    expect(report.replicas.map((r) => r.cosigned)).toEqual([true, true]);
    // Two replicas cannot meet a quorum of three: exit 14.
    const three = await verifyJson([
      '--data',
      origin.dir,
      '--config',
      origin.config,
      '--no-remember',
      ...c.replicaArgs(),
      '--quorum',
      '3',
    ]);
    expect(three.code).toBe(14);
    // The origin kept both cosignatures, and serves them with its checkpoint.
    const cosigners = sql<{ cosigner: string }>(
      origin.dir,
      'SELECT DISTINCT cosigner FROM ledger_cosignatures ORDER BY cosigner',
    ).map((r) => r.cosigner);
    expect(cosigners).toEqual(['replica-1', 'replica-2']);
  }, 60_000);

  it('a changed entry in one replica copy: tamper (10) naming that replica and index', async () => {
    const idx = tamperReplicaEntry(
      r2.dir,
      (body) => body.includes('alice'),
      (body) => body.replace('alice', 'mallory'),
    );
    const { code, report } = await verifyJson([
      '--data',
      origin.dir,
      '--config',
      origin.config,
      '--no-remember',
      ...c.replicaArgs(),
    ]);
    expect(code).toBe(10);
    expect(report.failing_indexes.tamper).toEqual([idx]);
    expect(report.problems[0]!.replica).toBe(r2.url);
    // Put it back for the next drill.
    expect(
      tamperReplicaEntry(
        r2.dir,
        (body) => body.includes('mallory'),
        (body) => body.replace('mallory', 'alice'),
      ),
    ).toBe(idx);
  }, 30_000);

  it('the origin rolled back to an older copy and re-signed: replicas refuse and keep evidence; verify reports a fork (11)', async () => {
    const p = c.procs.get(origin)!;
    const old = tempDir('lw-origin-old-');
    // An older copy of the origin's database (taken while stopped, as a backup would be).
    expect((await p.stop()).code).toBe(0);
    cpSync(origin.dir, old, { recursive: true });
    await c.serve(origin);
    // The target is read BEFORE sending: read after, it raced with the checkpointer (when the 30
    // were signed already, it waited for 30 more entries that never came).
    const target = signedSize(origin.dir) + 30;
    for (let i = 0; i < 3; i++) {
      const r = await sendBatch(
        c.procs.get(origin)!.url,
        c.ingestToken,
        Array.from({ length: 10 }, () => makeEvent()),
      );
      expect(r.status).toBe(200);
    }
    await replicated(target);
    expect((await c.procs.get(origin)!.stop()).code).toBe(0);
    // Roll back and carry on with the real key.
    cpSync(path.join(old, 'logwarden.db'), path.join(origin.dir, 'logwarden.db'));
    const again = await c.serve(origin);
    await sendBatch(
      again.url,
      c.ingestToken,
      Array.from({ length: 40 }, () => makeEvent({ 'user.id': 'after-rollback' })),
    );
    const evidence = await waitFor(
      () => {
        const q = 'SELECT origin, reason, offered_note FROM replica_fork_evidence';
        const a = sql<{ origin: string; reason: string; offered_note: string }>(r1.dir, q);
        const b = sql<{ origin: string; reason: string; offered_note: string }>(r2.dir, q);
        return a.length > 0 && b.length > 0 ? [...a, ...b] : undefined;
      },
      'fork evidence on both replicas',
      40_000,
      150,
    );
    // The evidence names this origin, a fork reason, and keeps the offending signed note.
    for (const e of evidence) {
      expect(e.origin).toBe(c.originName);
      expect(['conflicting_entry', 'inconsistent_checkpoint', 'rollback']).toContain(e.reason);
      expect(e.offered_note.startsWith(`${c.originName}\n`)).toBe(true);
    }
    // Each replica raised a CRITICAL ledger_fork_evidence event in its own store.
    for (const r of [r1, r2]) {
      const alerts = await waitFor(
        () => {
          const rows = sql<{ body: string }>(
            r.dir,
            "SELECT body FROM events WHERE body LIKE '%ledger_fork_evidence%'",
          );
          return rows.length > 0 ? rows : undefined;
        },
        'the fork alert event',
        20_000,
        150,
      );
      expect(JSON.parse(alerts[0]!.body).severity).toBe('CRITICAL');
    }
    const { code, report } = await verifyJson([
      '--data',
      origin.dir,
      '--config',
      origin.config,
      '--no-remember',
      ...c.replicaArgs(),
    ]);
    expect(code).toBe(11);
    expect(report.problems.some((x) => x.kind === 'fork' && x.replica !== undefined)).toBe(true);
  }, 100_000);
});
