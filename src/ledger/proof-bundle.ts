/**
 * A self-contained inclusion proof for one event (`logwarden prove EVENT_ID`): the exact stored
 * body, its index and leaf hash, the RFC 9162 inclusion path, the signed checkpoint and the
 * log's verification key. `verifyProofBundle` needs nothing else (no store, no network), so an
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
import { decodeBase64Strict } from './note.js';

export const PROOF_FORMAT = 'logwarden-proof/v1';

export interface ProofBundle {
  readonly format: typeof PROOF_FORMAT;
  readonly origin: string;
  readonly id: string;
  readonly index: number;
  /** The exact stored UTF-8 JSON of the event (the leaf bytes). */
  readonly event: string;
  readonly leaf_hash: string;
  readonly tree_size: number;
  /** Base64 hashes, leaf to root (RFC 9162 §2.1.3.1). */
  readonly inclusion: readonly string[];
  /** The signed checkpoint note for tree_size. */
  readonly checkpoint: string;
  /** The vkey that signed the checkpoint. */
  readonly vkey: string;
}

export interface VerifiedProof {
  readonly origin: string;
  readonly id: string;
  readonly index: number;
  readonly treeSize: number;
  readonly event: string;
  /** True when the signing key is one of the trusted vkeys passed in. */
  readonly keyTrusted: boolean;
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
  let signedBy: LedgerVerifier | undefined;
  let origin = '';
  for (const k of keys) {
    try {
      origin = openCheckpoint(cp.note, [k]).checkpoint.origin;
      signedBy = k;
      break;
    } catch {
      // try the next key (rotation keeps several)
    }
  }
  if (signedBy === undefined)
    throw new LogwardenError(
      'LW_LEDGER_KEY_UNKNOWN',
      `prove: none of the ${keys.length} keys verifies checkpoint ${cp.size}`,
    );
  const proof = ledger.inclusionProof(e.seq, cp.size);
  return {
    format: PROOF_FORMAT,
    origin,
    id: e.id,
    index: e.seq,
    event: e.body,
    leaf_hash: e.leafHash.toString('base64'),
    tree_size: cp.size,
    inclusion: proof.map((h) => h.toString('base64')),
    checkpoint: cp.note,
    vkey: signedBy.vkey,
  };
}

function field<T>(
  b: Record<string, unknown>,
  name: string,
  check: (v: unknown) => v is T,
  what: string,
): T {
  const v = b[name];
  if (!check(v))
    throw new LogwardenError('LW_LEDGER_INVALID', `proof bundle: "${name}" must be ${what}`);
  return v;
}
const isString = (v: unknown): v is string => typeof v === 'string';
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);

/** Check a bundle fully offline; throws naming the first thing that is wrong. */
export function verifyProofBundle(
  bundle: unknown,
  trustedVkeys?: readonly (string | LedgerVerifier)[],
): VerifiedProof {
  if (typeof bundle !== 'object' || bundle === null)
    throw new LogwardenError('LW_LEDGER_INVALID', 'proof bundle: expected a JSON object');
  const b = bundle as Record<string, unknown>;
  if (b.format !== PROOF_FORMAT)
    throw new LogwardenError('LW_LEDGER_INVALID', `proof bundle: "format" must be ${PROOF_FORMAT}`);
  const origin = field(b, 'origin', isString, 'a string');
  const id = field(b, 'id', isString, 'a string');
  const index = field(b, 'index', isCount, 'a non-negative integer');
  const event = field(b, 'event', isString, 'the event body as a string');
  const leafHash = decodeBase64Strict(
    field(b, 'leaf_hash', isString, 'base64'),
    'proof bundle: "leaf_hash"',
  );
  const treeSize = field(b, 'tree_size', isCount, 'a non-negative integer');
  const inclusion = field(b, 'inclusion', isStrings, 'an array of base64 hashes').map((h, i) =>
    decodeBase64Strict(h, `proof bundle: "inclusion[${i}]"`),
  );
  const note = field(b, 'checkpoint', isString, 'a signed checkpoint note');
  const verifier = parseVerifierKey(field(b, 'vkey', isString, 'a vkey'));

  if (!hashLeaf(event).equals(leafHash))
    throw new LogwardenError(
      'LW_LEDGER_TAMPER',
      'proof bundle: the event body does not hash to "leaf_hash"',
    );
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
  const { checkpoint } = openCheckpoint(note, [verifier], origin);
  if (checkpoint.size !== treeSize) {
    throw new LogwardenError(
      'LW_LEDGER_INVALID',
      `proof bundle: "tree_size" ${treeSize} is not the checkpoint's size ${checkpoint.size}`,
    );
  }
  verifyInclusion(index, treeSize, leafHash, inclusion, checkpoint.root);
  let keyTrusted = false;
  if (trustedVkeys !== undefined) {
    keyTrusted = trustedVkeys.some(
      (t) => (typeof t === 'string' ? parseVerifierKey(t).vkey : t.vkey) === verifier.vkey,
    );
    if (!keyTrusted)
      throw new LogwardenError(
        'LW_LEDGER_KEY_UNKNOWN',
        `proof bundle: the signing key ${verifier.name}+${verifier.vkey.split('+')[1]} is not among the trusted keys`,
      );
  }
  return { origin, id, index, treeSize, event, keyTrusted };
}
