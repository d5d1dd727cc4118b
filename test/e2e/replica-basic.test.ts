/**
 * An origin and two replicas as separate `logwarden serve` processes on loopback: replication,
 * cosignatures, verify --replica --quorum, a rolled-back origin refused by the replicas as a
 * fork, and a tampered replica copy.
 */
import { cpSync, readFileSync } from 'node:fs';
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
  type ServeProcess,
} from './helpers.js';
import {
  type Node,
  freePort,
  originNode,
  replicaHead,
  replicaNode,
  serveArgs,
  serveEnv,
  sql,
  tamperReplicaEntry,
  verifyJson,
  waitFor,
} from './ledger-helpers.js';

let origin: Node;
let r1: Node;
let r2: Node;
let originName: string;
let ingestToken: string;
const tokens: string[] = [];
const procs = new Map<string, ServeProcess>();

async function serve(n: Node, role?: string): Promise<ServeProcess> {
  const p = await startServe({
    dataDir: n.dir,
    args: [...serveArgs(n), ...(role === undefined ? [] : ['--role', role])],
    env: serveEnv(),
  });
  procs.set(n.dir, p);
  return p;
}

function signedSize(dir: string): number {
  return sql<{ value: number }>(dir, "SELECT value FROM ledger_state WHERE key = 'tree_size'")[0]!
    .value;
}

/** Wait until at least `min` entries are signed and both replicas hold everything signed. */
async function replicated(min: number): Promise<number> {
  return waitFor(
    'both replicas to catch up',
    async () => {
      const size = signedSize(origin.dir);
      if (size < min) return undefined;
      const [a, b] = [await replicaHead(r1.url, originName), await replicaHead(r2.url, originName)];
      // >= min, not == the signed size: heartbeats keep the target moving under load.
      return a >= min && b >= min ? Math.min(a, b) : undefined;
    },
    45_000,
  );
}

beforeAll(async () => {
  const od = tempDir('lw-origin-');
  const gen = await runCli(['keys', 'generate', '--data', od], { env: serveEnv() });
  expect(gen.code, gen.stderr).toBe(0);
  const originVkey = gen.stdout.trim();
  originName = originVkey.split('+')[0]!;
  r1 = replicaNode(tempDir('lw-r1-'), await freePort(), originVkey, 'replica-1');
  r2 = replicaNode(tempDir('lw-r2-'), await freePort(), originVkey, 'replica-2');
  for (const r of [r1, r2]) {
    tokens.push(await createToken(r.dir, 'auditor', 'read'));
    await serve(r, 'replica');
  }
  const vkey = (r: Node) => readFileSync(path.join(r.dir, 'replica.vkey'), 'utf8').trim();
  origin = originNode(od, await freePort(), [
    { name: 'r1', url: r1.url, vkey: vkey(r1) },
    { name: 'r2', url: r2.url, vkey: vkey(r2) },
  ]);
  ingestToken = await createToken(od, 'web');
  await serve(origin);
}, 60_000);

afterAll(() => {
  killAllServes();
  cleanupTemps();
});

const replicaArgs = () => [
  '--replica',
  r1.url,
  '--replica',
  r2.url,
  '--replica-token',
  tokens[0]!,
  '--replica-token',
  tokens[1]!,
];

describe('origin and two replicas', () => {
  it('replicates every signed entry to both, cosigned; verify --replica --quorum 2 exits 0', async () => {
    const p = procs.get(origin.dir)!;
    for (let i = 0; i < 5; i++) {
      const r = await sendBatch(
        p.url,
        ingestToken,
        Array.from({ length: 20 }, () => makeEvent()),
      );
      expect(r.status).toBe(200);
    }
    const size = await replicated(100);
    expect(size).toBeGreaterThanOrEqual(100);
    const { code, report } = await verifyJson([
      '--data',
      origin.dir,
      '--config',
      origin.config,
      '--no-remember',
      ...replicaArgs(),
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
      ...replicaArgs(),
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
      ...replicaArgs(),
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
    const p = procs.get(origin.dir)!;
    const old = tempDir('lw-origin-old-');
    // An older copy of the origin's database (taken while stopped, as a backup would be).
    expect((await p.stop()).code).toBe(0);
    cpSync(origin.dir, old, { recursive: true });
    await serve(origin);
    for (let i = 0; i < 3; i++)
      await sendBatch(
        procs.get(origin.dir)!.url,
        ingestToken,
        Array.from({ length: 10 }, () => makeEvent()),
      );
    await replicated(signedSize(origin.dir) + 30);
    expect((await procs.get(origin.dir)!.stop()).code).toBe(0);
    // Roll back and carry on with the real key.
    cpSync(path.join(old, 'logwarden.db'), path.join(origin.dir, 'logwarden.db'));
    const again = await serve(origin);
    await sendBatch(
      again.url,
      ingestToken,
      Array.from({ length: 40 }, () => makeEvent({ 'user.id': 'after-rollback' })),
    );
    const evidence = await waitFor(
      'fork evidence on both replicas',
      () => {
        const a = sql(r1.dir, 'SELECT * FROM replica_fork_evidence');
        const b = sql(r2.dir, 'SELECT * FROM replica_fork_evidence');
        return a.length > 0 && b.length > 0 ? [a, b] : undefined;
      },
      40_000,
    );
    expect(evidence[0]!.length).toBeGreaterThan(0);
    // Each replica raised a CRITICAL ledger_fork_evidence event in its own store.
    for (const r of [r1, r2]) {
      const alerts = await waitFor(
        'the fork alert event',
        () => {
          const rows = sql<{ body: string }>(
            r.dir,
            "SELECT body FROM events WHERE body LIKE '%ledger_fork_evidence%'",
          );
          return rows.length > 0 ? rows : undefined;
        },
        20_000,
      );
      expect(JSON.parse(alerts[0]!.body).severity).toBe('CRITICAL');
    }
    const { code, report } = await verifyJson([
      '--data',
      origin.dir,
      '--config',
      origin.config,
      '--no-remember',
      ...replicaArgs(),
    ]);
    expect(code).toBe(11);
    expect(report.problems.some((x) => x.kind === 'fork' && x.replica !== undefined)).toBe(true);
  }, 100_000);
});
