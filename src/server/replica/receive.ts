/**
 * What a replica does with one replication request, in order (ARCHITECTURE §4):
 *
 * 1. the checkpoint must be signed by a configured origin key (this is how origins are
 *    authenticated: nobody without the origin's private key can make the replica store anything);
 * 2. `start` must be at or below what it holds (above: 409 LW_CONFLICT with `held`, the sender
 *    resumes there);
 * 3. entries it already holds must be byte-identical (leaf hash); a conflicting one is refused
 *    and kept as fork evidence;
 * 4. the held frontier extended with the new entries' leaf hashes must hash to the signed root —
 *    every entry is checked against the tree, and this is consistency with what it holds (a
 *    shrinking or diverging checkpoint is fork evidence); when `start` is the held size the RFC
 *    9162 consistency proof is also checked (`checkAdvance`);
 * 5. entries, checkpoint and head are committed in one transaction; only then it cosigns.
 *
 * Two encodings of the same request reach it: the binary replica batch that forwarders send
 * (ledger/replica-batch.ts: the entries' bytes length-prefixed, leaf hashes computed while
 * decoding) and the JSON form (parseReplicationRequest); both become a ReplicationBatch.
 */
import { LogwardenError } from '../../core/errors.js';
import { checkAdvance } from '../../ledger/advance.js';
import { openCheckpoint } from '../../ledger/checkpoint.js';
import { compactRangeFromJSON, createCompactRange } from '../../ledger/compact-range.js';
import { addCosignature } from '../../ledger/cosignature.js';
import type { LedgerVerifier } from '../../ledger/keys.js';
import { HASH_SIZE } from '../../ledger/merkle.js';
import { type NoteSigner, decodeBase64Strict } from '../../ledger/note.js';
import {
  type DecodedReplicaBatch,
  encodeFrames,
  frameEntry,
  scanFrames,
} from '../../ledger/replica-batch.js';
import type { ForkEvidence, ReplicaStore } from './replica-store.js';

export interface ReplicationRequest {
  readonly origin: string;
  readonly start: number;
  readonly entries: readonly (string | { leaf_hash: string })[];
  readonly checkpoint: string;
  readonly proof: readonly string[];
}

/** A request in either encoding, as scanned frames (leaf hashes computed). */
export type ReplicationBatch = DecodedReplicaBatch;

export type ReceiveResult =
  | { ok: true; size: number; cosigned: string; added: number }
  | { ok: false; status: number; error: LogwardenError; evidence: ForkEvidence[] };

const bad = (msg: string): LogwardenError => new LogwardenError('LW_LEDGER_INVALID', msg);

/** Validate the JSON shape; throws LW_LEDGER_INVALID naming the field. */
export function parseReplicationRequest(body: unknown): ReplicationRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw bad('replication request: expected a JSON object');
  const b = body as Record<string, unknown>;
  if (typeof b.origin !== 'string' || b.origin === '')
    throw bad('replication request: "origin" must be a string');
  if (typeof b.start !== 'number' || !Number.isSafeInteger(b.start) || b.start < 0)
    throw bad('replication request: "start" must be an integer >= 0');
  if (!Array.isArray(b.entries)) throw bad('replication request: "entries" must be an array');
  b.entries.forEach((e, i) => {
    if (typeof e === 'string') return;
    if (
      typeof e === 'object' &&
      e !== null &&
      typeof (e as { leaf_hash?: unknown }).leaf_hash === 'string'
    )
      return;
    throw bad(`replication request: entries[${i}] must be the event body or { leaf_hash }`);
  });
  if (typeof b.checkpoint !== 'string')
    throw bad('replication request: "checkpoint" must be a signed note');
  if (!Array.isArray(b.proof) || b.proof.some((p) => typeof p !== 'string'))
    throw bad('replication request: "proof" must be an array of base64 hashes');
  return b as unknown as ReplicationRequest;
}

/** A pruned entry's leaf hash, decoded once and checked for its size. */
function prunedLeafHash(b64: string, i: number): Buffer {
  const h = decodeBase64Strict(b64, `entries[${i}].leaf_hash`);
  if (h.length !== HASH_SIZE)
    throw bad(`replication request: entries[${i}].leaf_hash is not ${HASH_SIZE} bytes`);
  return h;
}

/** The JSON form as a batch: the same frames the binary form carries, each body hashed. */
export function batchFromJson(req: ReplicationRequest): ReplicationBatch {
  const frames = encodeFrames(
    req.entries.map((e, i) =>
      typeof e === 'string'
        ? { body: Buffer.from(e, 'utf8'), leafHash: EMPTY }
        : { body: null, leafHash: prunedLeafHash(e.leaf_hash, i) },
    ),
  );
  return {
    origin: req.origin,
    start: req.start,
    checkpoint: req.checkpoint,
    proof: req.proof.map((p, i) => decodeBase64Strict(p, `proof[${i}]`)),
    ...scanFrames(frames.bytes, frames.count),
  };
}
const EMPTY = Buffer.alloc(0);

export interface ReceiveOptions {
  readonly store: ReplicaStore;
  readonly originKeys: readonly LedgerVerifier[];
  readonly cosigner: NoteSigner;
  readonly nowMs: number;
}

/** The JSON form (receiveBatch(batchFromJson(req), o)). */
export function receiveEntries(req: ReplicationRequest, o: ReceiveOptions): ReceiveResult {
  return receiveBatch(batchFromJson(req), o);
}

export function receiveBatch(req: ReplicationBatch, o: ReceiveOptions): ReceiveResult {
  const keys = o.originKeys.filter((k) => k.name === req.origin);
  if (keys.length === 0)
    return {
      ok: false,
      status: 403,
      error: new LogwardenError(
        'LW_LEDGER_KEY_UNKNOWN',
        `origin ${req.origin} is not configured on this replica (replication.origins)`,
      ),
      evidence: [],
    };
  // 1. Signature (throws LW_LEDGER_INVALID / LW_LEDGER_KEY_UNKNOWN).
  const { checkpoint, note: opened } = openCheckpoint(req.checkpoint, keys, req.origin);
  const head = o.store.head(req.origin);
  const held = head?.size ?? 0;
  const evidence: ForkEvidence[] = [];
  const fork = (msg: string): ReceiveResult => ({
    ok: false,
    status: 409,
    error: new LogwardenError('LW_LEDGER_FORK', msg),
    evidence,
  });
  // 2. Where this batch starts.
  if (req.start > held && req.start <= checkpoint.size)
    return {
      ok: false,
      status: 409,
      error: new LogwardenError(
        'LW_CONFLICT',
        `replica holds ${held} entries of ${req.origin}; send from ${held}`,
        {
          details: { held },
        },
      ),
      evidence: [],
    };
  if (checkpoint.size < held) {
    evidence.push({
      origin: req.origin,
      index: null,
      reason: 'rollback',
      heldNote: head?.cosigned,
      offeredNote: req.checkpoint,
    });
    return fork(
      `${req.origin} now signs size ${checkpoint.size}, below the ${held} this replica holds (rollback)`,
    );
  }
  if (req.start + req.count !== checkpoint.size)
    throw bad(
      `replication request: start ${req.start} + ${req.count} entries is not the checkpoint size ${checkpoint.size}`,
    );
  const leaf = (i: number): Buffer => req.leaves.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE);
  // 3. Entries already held must be the same bytes.
  const overlap = Math.max(0, Math.min(held - req.start, req.count));
  if (overlap > 0) {
    const had = o.store.leafHashes(req.origin, req.start, req.start + overlap);
    for (let i = 0; i < overlap; i++) {
      if (had[i] !== undefined && !had[i]!.equals(leaf(i))) {
        const body = frameEntry(req, i).body;
        evidence.push({
          origin: req.origin,
          index: req.start + i,
          reason: 'conflicting_entry',
          heldLeaf: had[i],
          offeredLeaf: Buffer.from(leaf(i)),
          offeredBody: body === null ? null : body.toString('utf8'),
          heldNote: head?.cosigned,
          offeredNote: req.checkpoint,
        });
      }
    }
    if (evidence.length > 0)
      return fork(
        `${evidence.length} entries of ${req.origin} conflict with the ones held (first index ${evidence[0]!.index})`,
      );
  }
  // 4. Held frontier + new leaves must hash to the signed root.
  const cr =
    head === undefined ? createCompactRange() : compactRangeFromJSON(JSON.parse(head.frontier));
  for (let i = overlap; i < req.count; i++) cr.append(leaf(i));
  if (!cr.root().equals(checkpoint.root)) {
    evidence.push({
      origin: req.origin,
      index: null,
      reason: held > 0 ? 'inconsistent_checkpoint' : 'entries_do_not_match_root',
      heldNote: head?.cosigned,
      offeredNote: req.checkpoint,
    });
    if (held === 0)
      throw new LogwardenError(
        'LW_LEDGER_TAMPER',
        `the entries do not hash to the root signed by ${req.origin}`,
      );
    return fork(
      `checkpoint ${checkpoint.size} of ${req.origin} is not consistent with the ${held} entries held`,
    );
  }
  if (req.start === held && head !== undefined && held > 0) {
    // The signature was verified above (step 1): only the consistency proof is left.
    checkAdvance(checkpoint, { size: held, root: head.root }, req.proof);
  }
  // 5. Store durably, then cosign.
  // A type 0x04 signer signs `cosignature/v1\ntime <now>\n` + the checkpoint text (cosignature.ts).
  const cosig = {
    name: o.cosigner.name,
    keyId: o.cosigner.keyId,
    sig: o.cosigner.sign(opened.text),
  };
  const cosigned = addCosignature(req.checkpoint, cosig);
  // Only what is new: the frames from the first entry not held on, stored as received.
  const added = req.count - overlap;
  o.store.commit(
    req.origin,
    req.start + overlap,
    {
      count: added,
      frames: req.frames.subarray(req.offsets[overlap]),
      leaves: req.leaves.subarray(overlap * HASH_SIZE),
    },
    { size: checkpoint.size, root: checkpoint.root, note: req.checkpoint },
    {
      size: checkpoint.size,
      root: checkpoint.root,
      frontier: JSON.stringify(cr.toJSON()),
      cosigned,
    },
    o.nowMs,
  );
  return { ok: true, size: checkpoint.size, cosigned, added };
}
