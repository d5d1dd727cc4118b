/**
 * Proof generation (RFC 9162 §2.1.3.1 PATH and §2.1.4.1 SUBPROOF) from a {@link NodeReader}:
 * a function returning the hash of one perfect, aligned subtree. A ledger of millions of
 * entries answers from its stored tiles (tiles.ts) with O(log n) reads, never rehashing history.
 *
 * @example
 * const read = memoryNodeReader(leafHashes);
 * const proof = inclusionProof(read, 5, leafHashes.length);
 */
import { LogwardenError } from '../core/errors.js';
import { EMPTY_ROOT, hashChildren, rootFromLeafHashes, splitPoint } from './merkle.js';

/** Hash of leaves [index * 2^level, (index + 1) * 2^level): a perfect subtree. */
export type NodeReader = (level: number, index: number) => Buffer;

/**
 * MTH(D[lo:hi]) for a range that RFC 6962's recursion can produce (lo a multiple of the
 * smallest power of two >= hi - lo), from the perfect subtrees that tile it left to right.
 */
export function rangeHash(read: NodeReader, lo: number, hi: number): Buffer {
  if (hi <= lo) return EMPTY_ROOT;
  const parts: Buffer[] = [];
  let at = lo;
  while (at < hi) {
    let level = 0;
    while (at % 2 ** (level + 1) === 0 && at + 2 ** (level + 1) <= hi) level++;
    parts.push(read(level, at / 2 ** level));
    at += 2 ** level;
  }
  let acc = parts.pop()!;
  while (parts.length > 0) acc = hashChildren(parts.pop()!, acc);
  return acc;
}

function checkArgs(what: string, a: number, b: number): void {
  if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || a < 0) {
    throw new LogwardenError(
      'LW_LEDGER_INVALID',
      `${what}: bad arguments ${String(a)}, ${String(b)}`,
    );
  }
}

/** RFC 9162 §2.1.3.1 PATH(index, D[size]): sibling hashes from the leaf upward. */
export function inclusionProof(read: NodeReader, index: number, size: number): Buffer[] {
  checkArgs('inclusion proof', index, size);
  if (index >= size) {
    throw new LogwardenError(
      'LW_LEDGER_INVALID',
      `inclusion proof: index ${index} is not below tree size ${size}`,
    );
  }
  const topDown: Buffer[] = [];
  let lo = 0;
  let hi = size;
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (index - lo < k) {
      topDown.push(rangeHash(read, lo + k, hi));
      hi = lo + k;
    } else {
      topDown.push(rangeHash(read, lo, lo + k));
      lo += k;
    }
  }
  return topDown.reverse();
}

/** RFC 9162 §2.1.4.1 PROOF(m, D[n]); empty for m = n, refused for m = 0 (meaningless). */
export function consistencyProof(read: NodeReader, m: number, n: number): Buffer[] {
  checkArgs('consistency proof', m, n);
  if (m === 0 || m > n) {
    throw new LogwardenError(
      'LW_LEDGER_INVALID',
      `consistency proof: need 0 < size1 <= size2, got ${m} and ${n}`,
    );
  }
  const topDown: Buffer[] = [];
  let lo = 0;
  let hi = n;
  let complete = true; // SUBPROOF's b: the old tree is exactly this subtree's left edge
  for (;;) {
    if (m - lo === hi - lo) {
      if (!complete) topDown.push(rangeHash(read, lo, hi));
      break;
    }
    const k = splitPoint(hi - lo);
    if (m - lo <= k) {
      topDown.push(rangeHash(read, lo + k, hi));
      hi = lo + k;
    } else {
      topDown.push(rangeHash(read, lo, lo + k));
      lo += k;
      complete = false;
    }
  }
  return topDown.reverse();
}

/** A reader over leaf hashes held in memory (tests, small trees, a replica's batch). */
export function memoryNodeReader(leafHashes: readonly Uint8Array[]): NodeReader {
  return (level, index) => {
    const lo = index * 2 ** level;
    const hi = lo + 2 ** level;
    if (hi > leafHashes.length) {
      throw new LogwardenError(
        'LW_LEDGER_INVALID',
        `node (${level}, ${index}) is beyond ${leafHashes.length} leaves`,
      );
    }
    return rootFromLeafHashes(leafHashes.slice(lo, hi));
  };
}
