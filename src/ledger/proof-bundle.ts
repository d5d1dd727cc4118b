/**
 * A self-contained inclusion proof for one event (`logwarden prove EVENT_ID`): the exact stored
 * body, the log's verification key, and a C2SP tlog-proof (index, RFC 9162 inclusion path,
 * signed checkpoint) that tools outside logwarden can check with leaf hash SHA-256(0x00 || event). `verifyProofBundle` needs nothing else (no store, no network), so an
 * auditor can check it anywhere; pass the vkeys you trust, or the bundle's own key only proves
 * self-consistency (reported as `keyTrusted: false`).
 *
 * @example
 * const bundle = proveEvent(store, ledger, '0190f5a8-...', keys);
 * writeFileSync('proof.json', JSON.stringify(bundle, null, 2));
 * verifyProofBundle(JSON.parse(readFileSync('proof.json', 'utf8')), [trustedVkey]);
 */
import { LogwardenError } from '../core/errors.js';
import type { EventStore } from '../storage/index.js';
import { openCheckpoint } from './checkpoint.js';
import { type LedgerVerifier, parseVerifierKey } from './keys.js';
import type { Ledger } from './ledger.js';
import { hashLeaf, verifyInclusion } from './merkle.js';
import { openCosignatureLog } from './cosignature-log.js';
import type { CosignatureVerifier } from './cosignature.js';
import { keyIdHex } from './note.js';
import { formatTlogProof, parseTlogProof } from './tlog-proof.js';

export const PROOF_FORMAT = 'logwarden-proof/v1';

export interface ProofBundle {
  readonly format: typeof PROOF_FORMAT;
  /** The event id (also inside `event`). */
  readonly id: string;
  /** The exact stored UTF-8 JSON of the event: the leaf bytes, leaf hash SHA-256(0x00 || event). */
  readonly event: string;
  /** The vkey that signed the checkpoint. */
  readonly vkey: string;
  /** Index, inclusion path and signed checkpoint as a C2SP tlog-proof (tlog-proof.ts). */
  readonly tlog_proof: string;
}

export interface VerifiedProof {
  readonly origin: string;
  readonly id: string;
  readonly index: number;
  readonly treeSize: number;
  readonly event: string;
  /** True when the signing key is one of the trusted vkeys passed in. */
  readonly keyTrusted: boolean;
  /** Names of the given witnesses whose cosignature verified. */
  readonly cosignedBy: readonly string[];
}

/** Build a proof bundle for event `id` against the newest checkpoint. */
export function proveEvent(
  store: EventStore,
  ledger: Ledger,
  id: string,
  keys: readonly LedgerVerifier[],
): ProofBundle {
  const e = store.getById(id);
  if (e === undefined)
    throw new LogwardenError('LW_NOT_FOUND', `prove: no event with id ${JSON.stringify(id)}`);
  if (e.body === null)
    throw new LogwardenError(
      'LW_NOT_FOUND',
      `prove: the body of event ${id} (index ${e.seq}) was pruned by retention`,
    );
  const cp = ledger.checkpoints.latest();
  if (cp === undefined || cp.size <= e.seq) {
    throw new LogwardenError(
      'LW_NOT_FOUND',
      `prove: event ${id} (index ${e.seq}) is not covered by a checkpoint yet; retry after the next one`,
    );
  }
  const signedBy = keys.find((k) => {
    try {
      openCheckpoint(cp.note, [k]);
      return true;
    } catch {
      return false; // try the next key (rotation keeps several)
    }
  });
  if (signedBy === undefined)
    throw new LogwardenError(
      'LW_LEDGER_KEY_UNKNOWN',
      `prove: none of the ${keys.length} keys verifies checkpoint ${cp.size}`,
    );
  const proof = ledger.inclusionProof(e.seq, cp.size);
  return {
    format: PROOF_FORMAT,
    id: e.id,
    event: e.body,
    vkey: signedBy.vkey,
    // The note with every replica cosignature: the witnesses of c2sp.org/tlog-proof.
    tlog_proof: formatTlogProof({
      index: e.seq,
      proof,
      checkpoint: openCosignatureLog(ledger).cosignedNote(cp),
    }),
  };
}

function field(b: Record<string, unknown>, name: string, what: string): string {
  const v = b[name];
  if (typeof v !== 'string')
    throw new LogwardenError('LW_LEDGER_INVALID', `proof bundle: "${name}" must be ${what}`);
  return v;
}

/**
 * Check a bundle fully offline (the steps of c2sp.org/tlog-proof "Verifying a tlog proof");
 * throws naming the first thing that is wrong.
 */
export function verifyProofBundle(
  bundle: unknown,
  trustedVkeys?: readonly (string | LedgerVerifier)[],
  witnesses?: { readonly cosigners: readonly CosignatureVerifier[]; readonly required: number },
): VerifiedProof {
  if (typeof bundle !== 'object' || bundle === null)
    throw new LogwardenError('LW_LEDGER_INVALID', 'proof bundle: expected a JSON object');
  const b = bundle as Record<string, unknown>;
  if (b.format !== PROOF_FORMAT)
    throw new LogwardenError('LW_LEDGER_INVALID', `proof bundle: "format" must be ${PROOF_FORMAT}`);
  const id = field(b, 'id', 'a string');
  const event = field(b, 'event', 'the event body as a string');
  const verifier = parseVerifierKey(field(b, 'vkey', 'a vkey'));
  const tlog = parseTlogProof(field(b, 'tlog_proof', 'a c2sp.org/tlog-proof@v1 text'));

  let bodyId: unknown;
  try {
    bodyId = (JSON.parse(event) as Record<string, unknown>).id;
  } catch {
    throw new LogwardenError('LW_LEDGER_INVALID', 'proof bundle: "event" is not JSON');
  }
  if (bodyId !== id)
    throw new LogwardenError(
      'LW_LEDGER_INVALID',
      `proof bundle: "id" ${JSON.stringify(id)} is not the id inside the event`,
    );
  // 1. the leaf hash; 2. the checkpoint and its log key; 3. witnesses; 4. the inclusion proof.
  const leafHash = hashLeaf(event);
  const { checkpoint, note } = openCheckpoint(tlog.checkpoint, [verifier]);
  const cosignedBy: string[] = [];
  for (const w of witnesses?.cosigners ?? []) {
    const sig = note.signatures.find((s) => s.name === w.name && s.keyId === w.keyId);
    if (sig === undefined) continue;
    if (!w.verify(note.text, sig.sig)) {
      throw new LogwardenError(
        'LW_LEDGER_TAMPER',
        `proof bundle: the cosignature by ${w.name} does not verify`,
      );
    }
    cosignedBy.push(w.name);
  }
  if (witnesses !== undefined && cosignedBy.length < witnesses.required) {
    throw new LogwardenError(
      'LW_LEDGER_QUORUM',
      `proof bundle: ${cosignedBy.length} of the required ${witnesses.required} replicas cosigned the checkpoint`,
    );
  }
  verifyInclusion(tlog.index, checkpoint.size, leafHash, tlog.proof, checkpoint.root);
  let keyTrusted = false;
  if (trustedVkeys !== undefined) {
    keyTrusted = trustedVkeys.some(
      (t) => (typeof t === 'string' ? parseVerifierKey(t).vkey : t.vkey) === verifier.vkey,
    );
    if (!keyTrusted) {
      throw new LogwardenError(
        'LW_LEDGER_KEY_UNKNOWN',
        `proof bundle: the signing key ${verifier.name}+${keyIdHex(verifier.keyId)} is not among the trusted keys`,
      );
    }
  }
  return {
    origin: checkpoint.origin,
    id,
    index: tlog.index,
    treeSize: checkpoint.size,
    event,
    keyTrusted,
    cosignedBy,
  };
}
