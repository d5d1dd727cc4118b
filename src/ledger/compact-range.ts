/**
 * An incremental Merkle tree frontier ("compact range" [0, size) in transparency-dev terms):
 * the roots of the perfect subtrees that make up the tree, one per set bit of `size`. Appending
 * a leaf hash is O(log n) amortized O(1) node hashes and the root is O(log n): the checkpointer
 * never rehashes history.
 *
 * @example
 * const cr = createCompactRange();
 * cr.append(hashLeaf('{"id":"a"}'));
 * cr.root(); // MTH of the one leaf
 * const again = compactRangeFromJSON(cr.toJSON());
 */
import { LogwardenError } from '../core/errors.js';
import { EMPTY_ROOT, HASH_SIZE, hashChildren } from './merkle.js';

/** Called for every perfect subtree completed by an append, leaves included (level 0). */
export type NodeVisitor = (level: number, index: number, hash: Buffer) => void;

export interface CompactRangeJSON {
  readonly size: number;
  /** Base64 hashes of the frontier, largest subtree first. */
  readonly hashes: readonly string[];
}

export interface CompactRange {
  readonly size: number;
  append(leafHash: Uint8Array, visit?: NodeVisitor): void;
  /** MTH(D[size]). */
  root(): Buffer;
  /** Frontier hashes, largest (leftmost) subtree first. */
  frontier(): readonly Buffer[];
  toJSON(): CompactRangeJSON;
}

function popcount(n: number): number {
  let c = 0;
  for (let x = n; x > 0; x = Math.floor(x / 2)) c += x % 2;
  return c;
}

class Range implements CompactRange {
  #size: number;
  // Frontier with the level of each entry, largest first.
  #hashes: Buffer[];
  #levels: number[];

  constructor(size: number, hashes: Buffer[]) {
    this.#size = size;
    this.#hashes = hashes;
    this.#levels = [];
    for (let level = 52; level >= 0; level--)
      if (Math.floor(size / 2 ** level) % 2 === 1) this.#levels.push(level);
  }

  get size(): number {
    return this.#size;
  }

  append(leafHash: Uint8Array, visit?: NodeVisitor): void {
    if (leafHash.length !== HASH_SIZE) {
      throw new LogwardenError(
        'LW_LEDGER_INVALID',
        `compact range: leaf hash of ${leafHash.length} bytes, expected ${HASH_SIZE}`,
      );
    }
    let hash: Buffer = Buffer.isBuffer(leafHash) ? leafHash : Buffer.from(leafHash);
    let level = 0;
    let index = this.#size;
    visit?.(0, index, hash);
    while (this.#levels.length > 0 && this.#levels[this.#levels.length - 1] === level) {
      this.#levels.pop();
      hash = hashChildren(this.#hashes.pop()!, hash);
      level++;
      index = Math.floor(index / 2);
      visit?.(level, index, hash);
    }
    this.#hashes.push(hash);
    this.#levels.push(level);
    this.#size++;
  }

  root(): Buffer {
    if (this.#hashes.length === 0) return EMPTY_ROOT;
    let acc = this.#hashes[this.#hashes.length - 1]!;
    for (let i = this.#hashes.length - 2; i >= 0; i--) acc = hashChildren(this.#hashes[i]!, acc);
    return acc;
  }

  frontier(): readonly Buffer[] {
    return [...this.#hashes];
  }

  toJSON(): CompactRangeJSON {
    return { size: this.#size, hashes: this.#hashes.map((h) => h.toString('base64')) };
  }
}

export function createCompactRange(): CompactRange {
  return new Range(0, []);
}

/** Rebuild from a frontier (largest subtree first); throws when its shape does not fit `size`. */
export function compactRangeFromFrontier(
  size: number,
  hashes: readonly Uint8Array[],
): CompactRange {
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new LogwardenError(
      'LW_LEDGER_INVALID',
      `compact range: size ${String(size)} is not a non-negative integer`,
    );
  }
  if (hashes.length !== popcount(size)) {
    throw new LogwardenError(
      'LW_LEDGER_INVALID',
      `compact range: size ${size} needs ${popcount(size)} frontier hashes, got ${hashes.length}`,
    );
  }
  hashes.forEach((h, i) => {
    if (h.length !== HASH_SIZE)
      throw new LogwardenError(
        'LW_LEDGER_INVALID',
        `compact range: hashes[${i}] is not ${HASH_SIZE} bytes`,
      );
  });
  return new Range(
    size,
    hashes.map((h) => Buffer.from(h)),
  );
}

export function compactRangeFromJSON(json: CompactRangeJSON): CompactRange {
  if (typeof json !== 'object' || json === null || !Array.isArray(json.hashes)) {
    throw new LogwardenError('LW_LEDGER_INVALID', 'compact range: expected {size, hashes[]}');
  }
  return compactRangeFromFrontier(
    json.size,
    json.hashes.map((h) => Buffer.from(h, 'base64')),
  );
}
