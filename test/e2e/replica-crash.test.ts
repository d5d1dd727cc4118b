/**
 * Crash drill: an origin and two replicas as separate processes; while events stream in, each of
 * them is killed with SIGKILL at random (seeded) moments and restarted on the same address.
 * Afterwards every acknowledged event is on both replicas exactly once, and verify (local,
 * both replicas, quorum 2) exits 0.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cleanupTemps, killAllServes, makeEvent } from './helpers.js';
import { replicaEntries, replicaHead, sql, startCluster, verifyJson } from './ledger-helpers.js';
import { mulberry32 } from '../helpers/prng.js';
import { waitFor } from '../helpers/wait.js';

const SEED = Number(process.env.LW_CRASH_SEED ?? 20261127);

afterAll(() => {
  killAllServes();
  cleanupTemps();
});

describe('SIGKILL at random moments during a stream', () => {
  it(`every acknowledged event ends up on both replicas exactly once (seed ${SEED})`, async () => {
    console.warn(`replica crash drill: seed ${SEED} (replay with LW_CRASH_SEED=${SEED})`);
    const random = mulberry32(SEED); // replay a failing run with LW_CRASH_SEED
    const c = await startCluster();
    const { origin, r1, r2, originName, procs } = c;
    const od = origin.dir;

    const acked = new Set<string>();
    let killsDone = false;
    let batches = 0;
    const sender = (async () => {
      // At least 24 batches, and on until every planned kill happened.
      for (let batch = 0; batch < 24 || !killsDone; batch++) {
        batches++;
        const events = Array.from({ length: 25 }, () => makeEvent({ 'user.id': `u${batch}` }));
        const body = events.map((e) => JSON.stringify(e)).join('\n');
        for (;;) {
          try {
            const res = await fetch(`${origin.url}/v1/events`, {
              method: 'POST',
              headers: {
                authorization: `Bearer ${c.ingestToken}`,
                'content-type': 'application/x-ndjson',
              },
              body,
            });
            await res.text();
            if (res.status === 200) break;
          } catch {
            // origin down: the same batch again once it is back (ids make it idempotent)
          }
          await new Promise((r) => setTimeout(r, 100));
        }
        for (const e of events) acked.add(e.id as string);
        await new Promise((r) => setTimeout(r, 20 + random() * 60));
      }
    })();
    // Each node at least once, plus one more picked at random, in a seeded order.
    const nodes = [origin, r1, r2];
    const plan = [...nodes, nodes[Math.floor(random() * 3)]!]
      .map((n) => ({ n, k: random() }))
      .sort((a, b) => a.k - b.k)
      .map((x) => x.n);
    const kills: string[] = [];
    const killer = (async () => {
      for (const n of plan) {
        await new Promise((r) => setTimeout(r, 150 + random() * 500));
        const p = procs.get(n)!;
        p.child.kill('SIGKILL');
        const exit = await p.exited;
        // what ended it: SIGKILL, unless it had died already (then the drill killed nothing)
        kills.push(`${n === origin ? 'origin' : n === r1 ? 'r1' : 'r2'}:${String(exit.signal)}`);
        await new Promise((r) => setTimeout(r, random() * 400));
        await c.serve(n);
      }
      killsDone = true;
    })();
    await Promise.all([sender, killer]);
    console.warn(`killed: ${kills.join(', ')} during ${batches} batches`);
    expect(
      kills.every((k) => k.endsWith(':SIGKILL')),
      kills.join(', '),
    ).toBe(true);
    // Every acknowledged event is in the origin's store despite the kills.
    const storedIds = new Set(sql<{ id: string }>(od, 'SELECT id FROM events').map((r) => r.id));
    expect([...acked].filter((id) => !storedIds.has(id))).toEqual([]);

    // Everything signed and replicated.
    await waitFor(
      async () => {
        const stored = sql<{ n: number }>(od, 'SELECT count(*) AS n FROM events')[0]!.n;
        const signed = sql<{ value: number }>(
          od,
          "SELECT value FROM ledger_state WHERE key = 'tree_size'",
        )[0]!.value;
        if (signed < stored) return undefined;
        const heads = [
          await replicaHead(r1.url, originName),
          await replicaHead(r2.url, originName),
        ];
        return heads.every((h) => h >= stored) ? true : undefined;
      },
      'both replicas to hold everything stored',
      40_000,
      150,
    );
    for (const r of [r1, r2]) {
      const held = replicaEntries(r.dir);
      const counts = new Map<string, number>();
      for (const e of held) {
        const id = (JSON.parse(e.body!) as { id: string }).id;
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      const rows = [...counts].map(([id, n]) => ({ id, n }));
      const missing = [...acked].filter((id) => !counts.has(id));
      expect(missing, `${r.url} misses acknowledged events`).toEqual([]);
      expect(
        rows.filter((x) => x.n !== 1),
        `${r.url} holds duplicates`,
      ).toEqual([]);
      const gaps = { n: held.length, mx: Math.max(...held.map((e) => e.index)) };
      expect(gaps.n).toBe(gaps.mx + 1); // indexes 0..max, no hole
    }
    const { code, report } = await verifyJson([
      '--data',
      od,
      '--config',
      origin.config,
      '--no-remember',
      ...c.replicaArgs(),
      '--quorum',
      '2',
      '--grace', // a heartbeat signed in the last moments may still be on its way
      '5',
    ]);
    expect(report.problems, JSON.stringify(report.problems)).toEqual([]);
    expect(code).toBe(0);
  }, 120_000);
});
