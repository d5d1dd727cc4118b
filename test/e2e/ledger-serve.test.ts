/**
 * The ledger inside a real `logwarden serve`: key created on first start (0600, vkey printed and
 * written), checkpoints and proofs over HTTP (read scope), loss events for refused items, and
 * replica lag as a metric and a WARN event.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCheckpoint } from '../../src/ledger/checkpoint.js';
import { readVerifierKeys } from '../../src/ledger/keys.js';
import { hashLeaf, verifyConsistency, verifyInclusion } from '../../src/ledger/merkle.js';
import {
  cleanupTemps,
  createToken,
  killAllServes,
  makeEvent,
  sendBatch,
  startServe,
  tempDir,
  type ServeProcess,
} from './helpers.js';
import { waitFor } from '../helpers/wait.js';
import { freePort, serveEnv, sql, writeYaml } from './ledger-helpers.js';

/** logwarden's own events as parsed JSON (loss, lag). */
type OwnEvent = Record<string, unknown> & { attributes: Record<string, unknown> };

let dir: string;
let srv: ServeProcess;
let ingest: string;
let read: string;

beforeAll(async () => {
  dir = tempDir('lw-ledger-serve-');
  ingest = await createToken(dir, 'web');
  read = await createToken(dir, 'auditor', 'read');
  const deadPort = await freePort(); // nobody listens: the replica forwarder lags
  const config = writeYaml(
    path.join(dir, 'lw.yaml'),
    `version: 1
ledger:
  checkpoint_interval_ms: 200
  heartbeat_interval_secs: 1
forwarders:
  replicas:
    - name: dead-replica
      url: http://127.0.0.1:${deadPort}
      vkey: "replica+d5169836+BJmTeMRDboeZVCQoZWrmfycRAb4DUN5eNyM8Zr7zYcpE"
      lag_alert_entries: 5
`,
  );
  srv = await startServe({ dataDir: dir, args: ['--config', config], env: serveEnv() }).catch(
    (e: Error) => {
      throw e;
    },
  );
}, 30_000);
afterAll(() => {
  killAllServes();
  cleanupTemps();
});

const get = (p: string, token = read) =>
  fetch(`${srv.url}${p}`, { headers: { authorization: `Bearer ${token}` } });

describe('ledger in serve', () => {
  it('creates the key on first start: 0600 private key, vkey printed and written', () => {
    expect(statSync(path.join(dir, 'ledger.key')).mode & 0o777).toBe(0o600);
    const vkey = readFileSync(path.join(dir, 'ledger.vkey'), 'utf8').trim();
    expect(vkey).toMatch(/^logwarden\.\S+\+[0-9a-f]{8}\+\S+$/);
    expect(srv.stderr()).toContain(vkey);
  });

  it('serves signed checkpoints and RFC 9162 proofs that verify, with the read scope only', async () => {
    const r = await sendBatch(
      srv.url,
      ingest,
      Array.from({ length: 25 }, () => makeEvent()),
    );
    expect(r.status).toBe(200);
    const keys = readVerifierKeys(path.join(dir, 'ledger.vkey'));
    const cp = await waitFor(
      async () => {
        const res = await get('/v1/ledger/checkpoint');
        if (res.status !== 200) return undefined;
        const { checkpoint } = openCheckpoint(await res.text(), keys);
        return checkpoint.size >= 25 ? checkpoint : undefined;
      },
      'a checkpoint over the batch',
      30_000,
      150,
    );
    expect((await get('/v1/ledger/checkpoint', ingest)).status).toBe(403);
    expect((await fetch(`${srv.url}/v1/ledger/checkpoint`)).status).toBe(401);
    const idx = 7;
    const body = sql<{ body: string }>(dir, 'SELECT body FROM events WHERE seq = ?', idx)[0]!.body;
    const incRes = await get(`/v1/ledger/proof/inclusion?index=${idx}&size=${cp.size}`);
    const inc = (await incRes.json()) as { proof: string[] };
    expect(incRes.status, JSON.stringify(inc)).toBe(200);
    verifyInclusion(
      idx,
      cp.size,
      hashLeaf(body),
      inc.proof.map((p) => Buffer.from(p, 'base64')),
      cp.root,
    );
    // A later checkpoint must be consistent with this one (and is listed after it).
    await sendBatch(
      srv.url,
      ingest,
      Array.from({ length: 5 }, () => makeEvent()),
    );
    const later = await waitFor(
      async () => {
        const list = (await (await get('/v1/ledger/checkpoints?after=0')).json()) as {
          checkpoints: { size: number; root: string }[];
        };
        return list.checkpoints.find((c) => c.size > cp.size);
      },
      'a later checkpoint',
      30_000,
      150,
    );
    const consRes = await get(`/v1/ledger/proof/consistency?from=${cp.size}&to=${later.size}`);
    const cons = (await consRes.json()) as { proof: string[] };
    expect(consRes.status, JSON.stringify(cons)).toBe(200);
    verifyConsistency(
      cp.size,
      later.size,
      cons.proof.map((p) => Buffer.from(p, 'base64')),
      cp.root,
      Buffer.from(later.root, 'base64'),
    );
    const bad = await get('/v1/ledger/proof/inclusion?index=abc');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toContain('index');
    expect((await (await get('/v1/ledger/vkey')).text()).trim()).toBe(keys[0]!.vkey);
  });

  it('writes an aggregated loss event for refused items and heartbeats while idle', async () => {
    const r = await sendBatch(
      srv.url,
      ingest,
      `${JSON.stringify(makeEvent())}\nnot json\n{"time":"yesterday"}\n`,
    );
    expect(r.status).toBe(207); // partial: one accepted, two refused
    const loss = await waitFor(
      () => {
        const rows = sql<{ body: string }>(
          dir,
          'SELECT body FROM events WHERE body LIKE \'%"event.name":"loss"%\'',
        );
        return rows.length > 0 ? rows.map((x) => JSON.parse(x.body) as OwnEvent) : undefined;
      },
      'a loss event',
      30_000,
      150,
    );
    const refused = loss.reduce((n, e) => n + Number(e.attributes.count), 0);
    expect(refused).toBe(2);
    expect(loss[0]!['event.reason']).toMatch(/^rejected:/);
    const beats = sql<{ n: number }>(
      dir,
      'SELECT count(*) AS n FROM events WHERE body LIKE \'%"event.name":"heartbeat"%\'',
    )[0]!.n;
    expect(beats).toBeGreaterThan(0);
  });

  it('a replica that never answers: lag as Prometheus gauges and a ledger_replica_lag WARN event', async () => {
    const lag = await waitFor(
      () => {
        const rows = sql<{ body: string }>(
          dir,
          "SELECT body FROM events WHERE body LIKE '%ledger_replica_lag%'",
        );
        return rows.length > 0 ? (JSON.parse(rows[0]!.body) as OwnEvent) : undefined;
      },
      'the lag event',
      30_000,
      150,
    );
    expect(lag.severity).toBe('WARN');
    expect(lag.attributes.forwarder).toBe('dead-replica');
    const metrics = await (await get('/metrics')).text();
    const m = /logwarden_forwarder_lag_entries\{forwarder="dead-replica"\} (\d+)/.exec(metrics);
    expect(Number(m?.[1])).toBeGreaterThan(0);
    expect(metrics).toMatch(/logwarden_forwarder_lag_seconds\{forwarder="dead-replica"\} [\d.]+/);
  });
});
