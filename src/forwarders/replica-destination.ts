/**
 * The origin's side of replication: POST /v1/replica/entries to a logwarden replica with the
 * entries' exact stored bytes, the checkpoint that covers them and the RFC 9162 consistency proof
 * from what the replica holds. The replica answers with the checkpoint cosigned by its key; the
 * cosignature is verified with the configured replica vkey and kept (ledger_cosignatures).
 *
 * Wire format (JSON): { origin, start, entries: (string | { leaf_hash })[], checkpoint, proof: b64[] }.
 * A body pruned by retention travels as its leaf hash only.
 *
 * @example
 * const dest = createReplicaDestination({ url, origin, ledger, cosignatures, replicaKey: parseVerifierKey(vkey) });
 */
import { LogwardenError } from '../core/errors.js';
import type { CosignatureVerifier } from '../ledger/cosignature.js';
import type { CosignatureLog } from '../ledger/cosignature-log.js';
import type { Ledger } from '../ledger/ledger.js';
import { parseNote } from '../ledger/note.js';
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

export function createReplicaDestination(o: ReplicaDestinationOptions): Destination {
  const base = o.url.replace(/\/+$/, '');
  const timeoutMs = o.timeoutMs ?? 30_000;
  const fail = (what: string, r: { status: number; body: Record<string, unknown> }): never => {
    throw new LogwardenError(
      'LW_DELIVERY_FAILED',
      `replica ${base}: ${what}: HTTP ${r.status} ${String(r.body.code ?? '')} ${String(r.body.message ?? '')}`.trim(),
    );
  };
  return {
    kind: 'replica',
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
      const payload = JSON.stringify({
        origin: o.origin,
        start: b.from,
        entries: b.entries.map((e) =>
          e.body === null ? { leaf_hash: e.leafHash.toString('base64') } : e.body,
        ),
        checkpoint: cp.note,
        proof: proof.map((h) => h.toString('base64')),
      });
      const r = await call(
        `${base}/v1/replica/entries`,
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: payload },
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
      o.cosignatures.add(cp, sig, o.replicaKey); // verifies before storing
      return cp.size;
    },
  };
}
