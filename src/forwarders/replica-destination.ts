/**
 * The origin's side of replication: POST /v1/replica/entries to a logwarden replica with the
 * entries' exact stored bytes, the checkpoint that covers them and the RFC 9162 consistency proof
 * from what the replica holds. The replica answers with the checkpoint cosigned by its key; the
 * cosignature is verified with the configured replica vkey and kept (ledger_cosignatures).
 *
 * Wire format: the binary replica batch (ledger/replica-batch.ts, `application/vnd.logwarden.
 * replica-batch`): a JSON header { origin, start, count, checkpoint, proof: b64[] } then each
 * entry's exact stored bytes, length-prefixed, read with their leaf hashes in one query and
 * encoded once for every replica at the same cursor (Ledger.frames). A body pruned by retention
 * travels as its leaf hash only. Replicas also accept the older JSON form (docs/ledger.md).
 *
 * @example
 * const dest = createReplicaDestination({ url, origin, ledger, cosignatures, replicaKey: parseVerifierKey(vkey) });
 */
import { LogwardenError } from '../core/errors.js';
import type { CosignatureVerifier } from '../ledger/cosignature.js';
import type { CosignatureLog } from '../ledger/cosignature-log.js';
import type { Ledger } from '../ledger/ledger.js';
import { parseNote } from '../ledger/note.js';
import { REPLICA_BATCH_CONTENT_TYPE, replicaBatchChunks } from '../ledger/replica-batch.js';
import http from 'node:http';
import https from 'node:https';
import type { DeliveryBatch, Destination } from './forwarder.js';

export interface ReplicaDestinationOptions {
  readonly url: string;
  readonly origin: string;
  readonly ledger: Ledger;
  readonly cosignatures: CosignatureLog;
  readonly replicaKey: CosignatureVerifier;
  readonly timeoutMs?: number;
}

async function call(
  url: string,
  init: RequestInit,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, {
    ...init,
    signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
  });
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { message: text.slice(0, 200) };
  }
  return { status: res.status, body };
}

type Reply = { status: number; body: Record<string, unknown> };

function parseReply(status: number, text: string): Reply {
  try {
    return { status, body: JSON.parse(text) as Record<string, unknown> };
  } catch {
    return { status, body: { message: text.slice(0, 200) } };
  }
}

/**
 * POST a batch with node:http, its chunks written as they are (fetch would copy a multi-megabyte
 * body once more); one kept-alive connection per replica.
 */
function post(
  url: string,
  agent: http.Agent,
  contentType: string,
  chunks: readonly Buffer[],
  signal: AbortSignal,
  timeoutMs: number,
): Promise<Reply> {
  const length = chunks.reduce((n, c) => n + c.length, 0);
  const mod = url.startsWith('https:') ? https : http;
  return new Promise<Reply>((resolve, reject) => {
    const req = mod.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': contentType, 'content-length': length },
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () =>
          resolve(parseReply(res.statusCode ?? 0, Buffer.concat(parts).toString('utf8'))),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
}

export function createReplicaDestination(o: ReplicaDestinationOptions): Destination {
  const base = o.url.replace(/\/+$/, '');
  const timeoutMs = o.timeoutMs ?? 30_000;
  const agent = new (base.startsWith('https:') ? https.Agent : http.Agent)({
    keepAlive: true,
    maxSockets: 1,
  });
  const fail = (what: string, r: { status: number; body: Record<string, unknown> }): never => {
    throw new LogwardenError(
      'LW_DELIVERY_FAILED',
      `replica ${base}: ${what}: HTTP ${r.status} ${String(r.body.code ?? '')} ${String(r.body.message ?? '')}`.trim(),
    );
  };
  return {
    kind: 'replica',
    async close() {
      agent.destroy();
    },
    async resume(_cursor, signal) {
      const r = await call(
        `${base}/v1/replica/head?origin=${encodeURIComponent(o.origin)}`,
        {},
        signal,
        timeoutMs,
      );
      if (r.status !== 200) fail('head', r);
      const size = r.body.size;
      if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
        fail('head: no size', r);
      return Math.min(size as number, o.ledger.treeSize());
    },
    async deliver(b: DeliveryBatch) {
      const cp = b.checkpoint;
      const proof = b.from > 0 ? o.ledger.consistencyProof(b.from, cp.size) : [];
      const chunks = replicaBatchChunks(
        { origin: o.origin, start: b.from, checkpoint: cp.note, proof },
        o.ledger.frames(b.from, cp.size),
      );
      const r = await post(
        `${base}/v1/replica/entries`,
        agent,
        REPLICA_BATCH_CONTENT_TYPE,
        chunks,
        b.signal,
        timeoutMs,
      );
      if (r.status === 409 && r.body.code === 'LW_CONFLICT') {
        // The replica holds another size than our cursor (restored backup, lost reply): resume there.
        const held = (r.body.details as { held?: unknown } | undefined)?.held;
        if (typeof held === 'number' && Number.isSafeInteger(held) && held >= 0)
          return Math.min(held, o.ledger.treeSize());
      }
      if (r.status !== 200) fail('entries', r);
      const note = r.body.cosigned;
      if (typeof note !== 'string') fail('entries: no cosigned note in the answer', r);
      const sig = parseNote(note as string).signatures.find(
        (s) => s.name === o.replicaKey.name && s.keyId === o.replicaKey.keyId,
      );
      if (sig === undefined)
        throw new LogwardenError(
          'LW_LEDGER_KEY_UNKNOWN',
          `replica ${base}: the answer carries no cosignature by ${o.replicaKey.name} (check the configured vkey)`,
        );
      await o.cosignatures.addAsync(cp, sig, o.replicaKey); // verifies before storing
      return cp.size;
    },
  };
}
