/**
 * RFC 6962 / RFC 9162 Merkle tree hashing and proof verification (ARCHITECTURE §4).
 *
 * Leaf hash `SHA-256(0x00 || leaf)`, interior node `SHA-256(0x01 || left || right)`, and
 * `MTH({}) = SHA-256("")`. Verification follows RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2
 * (consistency) step by step so the published transparency-dev vectors can check us.
 *
 * Proof verification never returns a boolean that a caller can forget to read: it throws a
 * {@link LogwardenError} naming what was wrong (`LW_LEDGER_INVALID` for a malformed proof,
 * `LW_LEDGER_TAMPER` when an inclusion proof leads to another root, `LW_LEDGER_FORK` when a
 * consistency proof does).
 *
 * @example
 * const leaves = ['a', 'b', 'c'].map((s) => hashLeaf(s));
 * const root = rootFromLeafHashes(leaves);
 * verifyInclusion(1, 3, leaves[1]!, proofFromSomewhere, root);
 */
import { createHash, hash } from 'node:crypto';
import { LogwardenError } from '../core/errors.js';

export const HASH_SIZE = 32;

/** `MTH({})`: the root of the empty tree, SHA-256 of the empty string (RFC 6962 §2.1). */
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

// One-shot crypto.hash is ~4x faster than createHash().update().digest() for these short
// inputs (1.8 us vs 8 us per node on the bench machine): the checkpointer hashes every entry
// twice, so this is most of the ledger's ingest cost (bench/ledger.mjs).

/** RFC 6962 leaf hash of the exact stored bytes (a string is hashed as UTF-8). */
export function hashLeaf(leaf: Uint8Array | string): Buffer {
  // U+0000 encodes as the single byte 0x00 in UTF-8: the same bytes as 0x00 || utf8(leaf).
  if (typeof leaf === 'string') return hash('sha256', '\u0000' + leaf, 'buffer');
  return hash('sha256', Buffer.concat([LEAF_PREFIX, leaf]), 'buffer');
}

// One scratch buffer for 0x01 || left || right: no allocation per node (Buffer.concat was a
// third of the node hashing time in the replica's profile). Safe: hash() is synchronous.
const NODE_INPUT = Buffer.alloc(1 + 2 * HASH_SIZE);
NODE_INPUT[0] = 0x01;

/** RFC 6962 interior node hash. */
export function hashChildren(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE)
    return hash('sha256', Buffer.concat([NODE_PREFIX, left, right]), 'buffer');
  NODE_INPUT.set(left, 1);
  NODE_INPUT.set(right, 1 + HASH_SIZE);
  return hash('sha256', NODE_INPUT, 'buffer');
}

/** The largest power of two strictly below n (n >= 2): RFC 6962's split point k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** `MTH(D[n])` over leaf hashes, iteratively (no recursion depth issue on big inputs). */
export function rootFromLeafHashes(leafHashes: readonly Uint8Array[]): Buffer {
  if (leafHashes.length === 0) return EMPTY_ROOT;
  // Fold a stack of perfect subtrees left to right: the same shape as RFC 6962's recursive split.
  const stack: { size: number; hash: Buffer }[] = [];
  for (const h of leafHashes) {
    let node: { size: number; hash: Buffer } = { size: 1, hash: Buffer.from(h) };
    while (stack.length > 0 && stack[stack.length - 1]!.size === node.size) {
      const left = stack.pop()!;
      node = { size: left.size * 2, hash: hashChildren(left.hash, node.hash) };
    }
    stack.push(node);
  }
  let acc = stack.pop()!.hash;
  while (stack.length > 0) acc = hashChildren(stack.pop()!.hash, acc);
  return acc;
}

function checkSize(name: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new LogwardenError(
      'LW_LEDGER_INVALID',
      `${name}: expected a non-negative safe integer, got ${String(n)}`,
    );
  }
}

function checkHash(name: string, h: Uint8Array): void {
  if (h.length !== HASH_SIZE) {
    throw new LogwardenError(
      'LW_LEDGER_INVALID',
      `${name}: expected a ${HASH_SIZE}-byte hash, got ${h.length} bytes`,
    );
  }
}

// Tree sizes stay below 2^53, so shifts must not use 32-bit `>>`.
const half = (x: number): number => Math.floor(x / 2);
const odd = (x: number): boolean => x % 2 === 1;

/**
 * RFC 9162 §2.1.3.2: the root that an inclusion proof leads to, or a throw when the proof
 * has the wrong shape for (index, size).
 */
export function rootFromInclusionProof(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
): Buffer {
  checkSize('index', index);
  checkSize('size', size);
  if (index >= size) {
    throw new LogwardenError(
      'LW_LEDGER_INVALID',
      `inclusion proof: index ${index} is not below tree size ${size}`,
    );
  }
  checkHash('leaf hash', leafHash);
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leafHash);
  for (const [i, p] of proof.entries()) {
    checkHash(`inclusion proof[${i}]`, p);
    if (sn === 0) {
      throw new LogwardenError(
        'LW_LEDGER_INVALID',
        `inclusion proof: ${proof.length} hashes, more than the path needs`,
      );
    }
    if (odd(fn) || fn === sn) {
      r = hashChildren(p, r);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) {
    throw new LogwardenError(
      'LW_LEDGER_INVALID',
      `inclusion proof: ${proof.length} hashes, fewer than the path needs`,
    );
  }
  return r;
}

/** Throws unless `proof` shows leaf `index` with `leafHash` is in the tree (size, root). */
export function verifyInclusion(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  const got = rootFromInclusionProof(index, size, leafHash, proof);
  if (!got.equals(root)) {
    throw new LogwardenError(
      'LW_LEDGER_TAMPER',
      `inclusion proof for index ${index} in tree size ${size} leads to root ${got.toString('base64')}, not ${Buffer.from(root).toString('base64')}`,
    );
  }
}

/**
 * RFC 9162 §2.1.4.2: throws unless `proof` shows the tree (size1, root1) is a prefix of the
 * tree (size2, root2). A proof from the empty tree is meaningless and refused.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): void {
  checkSize('size1', size1);
  checkSize('size2', size2);
  if (size2 < size1) {
    throw new LogwardenError(
      'LW_LEDGER_FORK',
      `consistency: size2 ${size2} is below size1 ${size1} (rollback)`,
    );
  }
  if (size1 === 0) {
    throw new LogwardenError(
      'LW_LEDGER_INVALID',
      'consistency: a proof from the empty tree is meaningless',
    );
  }
  if (size1 === size2) {
    if (proof.length > 0) {
      throw new LogwardenError(
        'LW_LEDGER_INVALID',
        `consistency: sizes are equal (${size1}) but the proof is not empty`,
      );
    }
    if (!Buffer.from(root1).equals(root2)) {
      throw new LogwardenError(
        'LW_LEDGER_FORK',
        `consistency: size ${size1} has two different roots`,
      );
    }
    return;
  }
  if (proof.length === 0) {
    throw new LogwardenError('LW_LEDGER_INVALID', 'consistency: the proof is empty');
  }
  checkHash('root1', root1);
  checkHash('root2', root2);
  proof.forEach((p, i) => checkHash(`consistency proof[${i}]`, p));

  // Step 2: when size1 is an exact power of two, root1 is the first node of the path.
  const path = isPowerOfTwo(size1) ? [Buffer.from(root1), ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Buffer = Buffer.from(path[0]!);
  let sr = fr;
  for (const c of path.slice(1)) {
    if (sn === 0) {
      throw new LogwardenError(
        'LW_LEDGER_INVALID',
        `consistency: ${proof.length} hashes, more than the proof needs`,
      );
    }
    if (odd(fn) || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) {
    throw new LogwardenError(
      'LW_LEDGER_INVALID',
      `consistency: ${proof.length} hashes, fewer than the proof needs`,
    );
  }
  if (!fr.equals(root1)) {
    throw new LogwardenError(
      'LW_LEDGER_FORK',
      `consistency: the proof does not lead to root1 of size ${size1}`,
    );
  }
  if (!sr.equals(root2)) {
    throw new LogwardenError(
      'LW_LEDGER_FORK',
      `consistency: the proof does not lead to root2 of size ${size2}`,
    );
  }
}

/** True for 1, 2, 4, ...; exact for every safe integer (no 32-bit bit tricks). */
export function isPowerOfTwo(n: number): boolean {
  if (!Number.isSafeInteger(n) || n < 1) return false;
  let x = n;
  while (x % 2 === 0) x /= 2;
  return x === 1;
}
