/**
 * Subtree proofs from the Merkle Tree Certificates draft (draft-ietf-plants-merkle-tree-certs
 * §4.3 / §4.4), which C2SP tlog-cosignature uses for subtree cosignatures. A subtree
 * [start, end) is valid when start < end and start is a multiple of the smallest power of two
 * that is >= end - start; its hash is MTH(D[start:end]). RFC 9162 consistency is the special
 * case start = 0.
 *
 * @example
 * verifySubtreeInclusion(5, 4, 8, leafHash, proof, subtreeHash);
 */
import { LogwardenError } from '../core/errors.js';
import { EMPTY_ROOT, HASH_SIZE, hashChildren, rootFromInclusionProof } from './merkle.js';

const half = (x: number): number => Math.floor(x / 2);
const odd = (x: number): boolean => x % 2 === 1;

function bitCeil(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** The draft's validity rule for a subtree [start, end). */
export function isValidSubtree(start: number, end: number): boolean {
  return (
    Number.isSafeInteger(start) &&
    Number.isSafeInteger(end) &&
    start >= 0 &&
    start < end &&
    start % bitCeil(end - start) === 0
  );
}

function invalid(msg: string): LogwardenError {
  return new LogwardenError('LW_LEDGER_INVALID', msg);
}

/** Throws unless `proof` shows leaf `index` (absolute) is in the subtree [start, end) with hash `subtreeHash`. */
export function verifySubtreeInclusion(
  index: number,
  start: number,
  end: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  subtreeHash: Uint8Array,
): void {
  if (!isValidSubtree(start, end))
    throw invalid(`subtree inclusion: [${start}, ${end}) is not a valid subtree`);
  if (!Number.isSafeInteger(index) || index < start || index >= end) {
    throw invalid(`subtree inclusion: index ${index} is outside [${start}, ${end})`);
  }
  const got = rootFromInclusionProof(index - start, end - start, leafHash, proof);
  if (!got.equals(subtreeHash)) {
    throw new LogwardenError(
      'LW_LEDGER_TAMPER',
      `subtree inclusion: proof for index ${index} leads to another subtree hash`,
    );
  }
}

/**
 * Throws unless `proof` shows the subtree [start, end) with hash `subtreeHash` is part of the
 * tree (size, root). Follows the draft's "Verifying a Subtree Consistency Proof" steps.
 */
export function verifySubtreeConsistency(
  start: number,
  end: number,
  size: number,
  proof: readonly Uint8Array[],
  subtreeHash: Uint8Array,
  root: Uint8Array,
): void {
  if (start === end && Number.isSafeInteger(start) && start >= 0 && end <= size) {
    // The empty subtree is part of every tree: only its own hash and an empty proof are checked.
    if (proof.length > 0)
      throw invalid('subtree consistency: empty subtree with a non-empty proof');
    if (!EMPTY_ROOT.equals(subtreeHash))
      throw invalid('subtree consistency: empty subtree whose hash is not MTH({})');
    return;
  }
  if (!isValidSubtree(start, end))
    throw invalid(`subtree consistency: [${start}, ${end}) is not a valid subtree`);
  if (!Number.isSafeInteger(size) || end > size)
    throw invalid(`subtree consistency: end ${end} is beyond tree size ${size}`);
  for (const [i, p] of proof.entries()) {
    if (p.length !== HASH_SIZE)
      throw invalid(`subtree consistency: proof[${i}] is ${p.length} bytes, not ${HASH_SIZE}`);
  }
  let fn = start;
  let sn = end - 1;
  let tn = size - 1;
  const up = (): void => {
    fn = half(fn);
    sn = half(sn);
    tn = half(tn);
  };
  if (sn === tn) {
    while (fn !== sn) up();
  } else {
    while (fn !== sn && odd(sn)) up();
  }
  let fr: Buffer;
  let rest: readonly Uint8Array[];
  if (fn === sn) {
    fr = Buffer.from(subtreeHash);
    rest = proof;
  } else {
    if (proof.length === 0) throw invalid('subtree consistency: the proof is empty');
    fr = Buffer.from(proof[0]!);
    rest = proof.slice(1);
  }
  let sr = fr;
  for (const c of rest) {
    if (tn === 0)
      throw invalid(`subtree consistency: ${proof.length} hashes, more than the proof needs`);
    if (odd(sn) || sn === tn) {
      if (fn < sn) fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      while (!odd(sn)) up();
    } else {
      sr = hashChildren(sr, c);
    }
    up();
  }
  if (tn !== 0)
    throw invalid(`subtree consistency: ${proof.length} hashes, fewer than the proof needs`);
  if (!fr.equals(subtreeHash))
    throw new LogwardenError(
      'LW_LEDGER_FORK',
      'subtree consistency: the proof does not lead to the subtree hash',
    );
  if (!sr.equals(root))
    throw new LogwardenError(
      'LW_LEDGER_FORK',
      'subtree consistency: the proof does not lead to the tree root',
    );
}
