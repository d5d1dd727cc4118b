/**
 * Helpers for the ledger and replica end-to-end tests (real `logwarden serve` processes).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { encodeFrames, frameEntry, scanFrames } from '../../src/ledger/replica-batch.js';
import {
  createToken,
  repoRoot,
  runCli,
  startServe,
  tempDir,
  type CliResult,
  type ServeProcess,
} from './helpers.js';

/**
 * Environment for serve in these tests: quiet logs, and the dashboard off when this build has
 * one (it needs built static files that are not part of what these tests check).
 */
export function serveEnv(): Record<string, string> {
  const env: Record<string, string> = { LOGWARDEN_SERVER__LOG_LEVEL: 'warn' };
  if (existsSync(path.join(repoRoot, 'dist/config/sections/dashboard.js')))
    env.LOGWARDEN_DASHBOARD__ENABLED = 'false';
  return env;
}

/** A free loopback port (so a killed replica can come back on the same address). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Raw SQL on a data dir's SQLite file, as an attacker with file access would. */
export function attack(dataDir: string, fn: (db: Database.Database) => void): void {
  const db = new Database(path.join(dataDir, 'logwarden.db'));
  try {
    fn(db);
  } finally {
    db.close();
  }
}

export function sql<T>(dataDir: string, query: string, ...args: unknown[]): T[] {
  const db = new Database(path.join(dataDir, 'logwarden.db'), { readonly: true });
  try {
    return db.prepare(query).all(...args) as T[];
  } finally {
    db.close();
  }
}

export interface VerifyJson {
  status: string;
  exit_code: number;
  failing_indexes: Record<string, number[]>;
  problems: { kind: string; index?: number; message: string; replica?: string }[];
  pruned: number;
  pruned_ranges: [number, number][];
  signed_size: number;
  replicas: { url: string; size: number; cosigned: boolean; problems: number }[];
}

/** `logwarden verify --format json ...`: the exit code and the parsed report. */
export async function verifyJson(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; report: VerifyJson; r: CliResult }> {
  const r = await runCli(['verify', '--format', 'json', ...args], {
    env: { ...serveEnv(), ...env },
  });
  let report: VerifyJson;
  try {
    report = JSON.parse(r.stdout) as VerifyJson;
  } catch {
    throw new Error(`verify printed no JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
  return { code: r.code, report, r };
}

export function writeYaml(file: string, text: string): string {
  writeFileSync(file, text);
  return file;
}

export interface Node {
  readonly dir: string;
  readonly port: number;
  readonly url: string;
  readonly config: string;
}

/** A replica's data dir and config accepting `originVkey`; serve it with serveNode(). */
export function replicaNode(dir: string, port: number, originVkey: string, name: string): Node {
  const config = writeYaml(
    path.join(dir, 'replica.yaml'),
    `version: 1
replication:
  role: replica
  cosigner_name: ${name}
  origins:
    - vkey: "${originVkey}"
`,
  );
  return { dir, port, url: `http://127.0.0.1:${port}`, config };
}

/** An origin's config forwarding to `replicas` (fast checkpoints and backoff for tests). */
export function originNode(
  dir: string,
  port: number,
  replicas: readonly { name: string; url: string; vkey: string }[],
): Node {
  const config = writeYaml(
    path.join(dir, 'origin.yaml'),
    `version: 1
ledger:
  checkpoint_interval_ms: 200
forwarders:
  replicas:
${replicas
  .map(
    (r) => `    - name: ${r.name}
      url: ${r.url}
      vkey: "${r.vkey}"
      backoff_min_ms: 50
      backoff_max_ms: 500
      batch_entries: 500
`,
  )
  .join('')}`,
  );
  return { dir, port, url: `http://127.0.0.1:${port}`, config };
}

export function serveArgs(n: Node): string[] {
  return ['--listen', `127.0.0.1:${n.port}`, '--config', n.config];
}

/** An origin forwarding to two replicas, each a `logwarden serve` process on a fixed port. */
export interface Cluster {
  readonly origin: Node;
  readonly r1: Node;
  readonly r2: Node;
  /** The origin's name (its vkey up to the first '+'). */
  readonly originName: string;
  /** An ingest token of the origin. */
  readonly ingestToken: string;
  /** A read token of each replica, in the order r1, r2. */
  readonly replicaTokens: readonly [string, string];
  /** The running process of each node (replaced by serve() on restart). */
  readonly procs: Map<Node, ServeProcess>;
  /** Start (or restart on the same address) a node's serve process. */
  serve(n: Node): Promise<ServeProcess>;
  /** `--replica URL ... --replica-token T ...` for verify, both replicas. */
  replicaArgs(): string[];
}

/** Generate the origin key, start both replicas, then the origin forwarding to them. */
export async function startCluster(): Promise<Cluster> {
  const od = tempDir('lw-origin-');
  const gen = await runCli(['keys', 'generate', '--data', od], { env: serveEnv() });
  if (gen.code !== 0) throw new Error(`keys generate failed: ${gen.stderr}`);
  const originVkey = gen.stdout.trim();
  const r1 = replicaNode(tempDir('lw-r1-'), await freePort(), originVkey, 'replica-1');
  const r2 = replicaNode(tempDir('lw-r2-'), await freePort(), originVkey, 'replica-2');
  const replicaTokens = [
    await createToken(r1.dir, 'auditor', 'read'),
    await createToken(r2.dir, 'auditor', 'read'),
  ] as const;
  const procs = new Map<Node, ServeProcess>();
  const isReplica = (n: Node) => n === r1 || n === r2;
  const serve = async (n: Node): Promise<ServeProcess> => {
    const p = await startServe({
      dataDir: n.dir,
      args: [...serveArgs(n), ...(isReplica(n) ? ['--role', 'replica'] : [])],
      env: serveEnv(),
    });
    procs.set(n, p);
    return p;
  };
  await serve(r1);
  await serve(r2);
  const vkey = (r: Node) => readFileSync(path.join(r.dir, 'replica.vkey'), 'utf8').trim();
  const origin = originNode(od, await freePort(), [
    { name: 'r1', url: r1.url, vkey: vkey(r1) },
    { name: 'r2', url: r2.url, vkey: vkey(r2) },
  ]);
  const ingestToken = await createToken(od, 'web');
  await serve(origin);
  return {
    origin,
    r1,
    r2,
    originName: originVkey.split('+')[0]!,
    ingestToken,
    replicaTokens,
    procs,
    serve,
    replicaArgs: () => [
      '--replica',
      r1.url,
      '--replica',
      r2.url,
      '--replica-token',
      replicaTokens[0],
      '--replica-token',
      replicaTokens[1],
    ],
  };
}

/** GET a replica's head for `origin`. */
export async function replicaHead(url: string, origin: string): Promise<number> {
  const res = await fetch(`${url}/v1/replica/head?origin=${encodeURIComponent(origin)}`);
  const body = (await res.json()) as { size: number };
  return body.size;
}

type BatchRow = { origin: string; start: number; count: number; frames: Buffer; leaves: Buffer };

/** Every entry a replica stores (its replica_batches decoded), in (origin, index) order. */
export function replicaEntries(
  dataDir: string,
): { origin: string; index: number; body: string | null; leafHash: Buffer }[] {
  return sql<BatchRow>(
    dataDir,
    'SELECT origin, start, count, frames, leaves FROM replica_batches ORDER BY origin, start',
  ).flatMap((b) => {
    const f = scanFrames(b.frames, b.count, b.leaves);
    return Array.from({ length: b.count }, (_, i) => {
      const e = frameEntry(f, i);
      return {
        origin: b.origin,
        index: b.start + i,
        body: e.body === null ? null : e.body.toString('utf8'),
        leafHash: Buffer.from(e.leafHash),
      };
    });
  });
}

/**
 * Rewrite the first stored entry of a replica whose body matches, as an attacker with file
 * access would (its stored leaf hash left alone); returns its index.
 */
export function tamperReplicaEntry(
  dataDir: string,
  match: (body: string) => boolean,
  edit: (body: string) => string,
): number {
  let index = -1;
  attack(dataDir, (db) => {
    const batches = db
      .prepare(
        'SELECT origin, start, count, frames, leaves FROM replica_batches ORDER BY origin, start',
      )
      .all() as BatchRow[];
    for (const b of batches) {
      const f = scanFrames(b.frames, b.count, b.leaves);
      const entries = Array.from({ length: b.count }, (_, i) => frameEntry(f, i));
      const at = entries.findIndex((e) => e.body !== null && match(e.body.toString('utf8')));
      if (at < 0) continue;
      const body = Buffer.from(edit(entries[at]!.body!.toString('utf8')));
      const frames = encodeFrames(entries.map((e, i) => (i === at ? { ...e, body } : e)));
      db.prepare('UPDATE replica_batches SET frames = ? WHERE origin = ? AND start = ?').run(
        frames.bytes,
        b.origin,
        b.start,
      );
      index = b.start + at;
      return;
    }
    throw new Error('no stored entry matches');
  });
  return index;
}
