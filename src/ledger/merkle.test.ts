import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createCompactRange, compactRangeFromJSON } from './compact-range.js';
import {
  EMPTY_ROOT,
  hashChildren,
  hashLeaf,
  rootFromLeafHashes,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js';
import { consistencyProof, inclusionProof, memoryNodeReader } from './proofs.js';
import { verifySubtreeConsistency, verifySubtreeInclusion } from './subtree.js';
import { mulberry32 } from '../../test/helpers/prng.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const VECTORS = path.resolve(repoRoot, '../shared/vectors/merkle/testdata');
const haveVectors = existsSync(VECTORS);
if (!haveVectors) console.warn(`merkle vectors skipped: ${VECTORS} is absent`);

function jsonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...jsonFiles(p));
    else if (name.endsWith('.json')) out.push(p);
  }
  return out.sort();
}

const b64 = (s: string): Buffer => Buffer.from(s, 'base64');
const proofOf = (p: string[] | null): Buffer[] => (p ?? []).map(b64);

/** Run fn and report whether it threw (what `wantErr` means in the vectors). */
function fails(fn: () => void): boolean {
  try {
    fn();
    return false;
  } catch {
    return true;
  }
}

type Vector = Record<string, unknown> & { wantErr: boolean; desc: string; proof: string[] | null };
function load(kind: string): [string, Vector][] {
  if (!haveVectors) return [];
  return jsonFiles(path.join(VECTORS, kind)).map((f) => [
    path.relative(VECTORS, f),
    JSON.parse(readFileSync(f, 'utf8')) as Vector,
  ]);
}

describe('published RFC 6962 vectors (transparency-dev/merkle)', () => {
  it.skipIf(!haveVectors)(
    'vector directory holds all four kinds (skipped: ../shared absent)',
    () => {
      for (const kind of ['inclusion', 'consistency', 'subtreeinclusion', 'subtreeconsistency']) {
        expect(load(kind).length, kind).toBeGreaterThan(10);
      }
    },
  );
  it.skipIf(!haveVectors)(
    'inclusion: happy paths verify, every mutation fails (skipped: ../shared absent)',
    () => {
      for (const [name, v] of load('inclusion')) {
        const got = fails(() =>
          verifyInclusion(
            v.leafIdx as number,
            v.treeSize as number,
            b64(v.leafHash as string),
            proofOf(v.proof),
            b64(v.root as string),
          ),
        );
        expect(got, name).toBe(v.wantErr);
      }
    },
  );
  it.skipIf(!haveVectors)(
    'consistency: happy paths verify, every mutation fails (skipped: ../shared absent)',
    () => {
      for (const [name, v] of load('consistency')) {
        const got = fails(() =>
          verifyConsistency(
            v.size1 as number,
            v.size2 as number,
            proofOf(v.proof),
            b64(v.root1 as string),
            b64(v.root2 as string),
          ),
        );
        expect(got, name).toBe(v.wantErr);
      }
    },
  );
  it.skipIf(!haveVectors)('subtree inclusion (MTC draft) (skipped: ../shared absent)', () => {
    for (const [name, v] of load('subtreeinclusion')) {
      const got = fails(() =>
        verifySubtreeInclusion(
          v.leafIdx as number,
          v.start as number,
          v.end as number,
          b64(v.leafHash as string),
          proofOf(v.proof),
          b64(v.root as string),
        ),
      );
      expect(got, name).toBe(v.wantErr);
    }
  });
  it.skipIf(!haveVectors)('subtree consistency (MTC draft) (skipped: ../shared absent)', () => {
    for (const [name, v] of load('subtreeconsistency')) {
      const got = fails(() =>
        verifySubtreeConsistency(
          v.start as number,
          v.end as number,
          v.size as number,
          proofOf(v.proof),
          b64(v.root1 as string),
          b64(v.root2 as string),
        ),
      );
      expect(got, name).toBe(v.wantErr);
    }
  });
});

/** RFC 6962 §2.1 MTH, literally recursive: the reference the fast code is checked against. */
function mthReference(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return hashChildren(mthReference(leaves.slice(0, k)), mthReference(leaves.slice(k)));
}

function flipBit(proof: Buffer[], which: number, bit: number): Buffer[] {
  return proof.map((p, i) => {
    if (i !== which) return p;
    const c = Buffer.from(p);
    c[bit >> 3]! ^= 1 << (bit & 7);
    return c;
  });
}

describe('hashing', () => {
  it('matches RFC 6962 test values: empty tree and the empty leaf', () => {
    expect(EMPTY_ROOT.toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(hashLeaf('').toString('hex')).toBe(
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    );
  });
  it('rootFromLeafHashes and the compact range agree with the recursive definition for sizes 0..300', () => {
    const leaves: Buffer[] = [];
    const cr = createCompactRange();
    for (let n = 0; n <= 300; n++) {
      expect(rootFromLeafHashes(leaves).equals(mthReference(leaves)), `size ${n}`).toBe(true);
      expect(cr.root().equals(mthReference(leaves)), `compact ${n}`).toBe(true);
      const h = hashLeaf(`leaf ${n}`);
      leaves.push(h);
      cr.append(h);
    }
  });
  it('compact range survives JSON and reports each completed node', () => {
    const cr = createCompactRange();
    const seen: string[] = [];
    for (let i = 0; i < 6; i++)
      cr.append(hashLeaf(String(i)), (level, index) => seen.push(`${level}/${index}`));
    expect(seen).toEqual(['0/0', '0/1', '1/0', '0/2', '0/3', '1/1', '2/0', '0/4', '0/5', '1/2']);
    const again = compactRangeFromJSON(JSON.parse(JSON.stringify(cr.toJSON())));
    again.append(hashLeaf('6'));
    cr.append(hashLeaf('6'));
    expect(again.root().equals(cr.root())).toBe(true);
    expect(() => compactRangeFromJSON({ size: 7, hashes: [] })).toThrow(/needs 3 frontier hashes/);
  });
});

describe('property: generated proofs verify, any single-bit mutation fails', () => {
  const rand = mulberry32(0x10c3a7);
  const leaves = Array.from({ length: 2000 }, (_, i) => hashLeaf(`event ${i}`));
  const read = memoryNodeReader(leaves);
  const roots = new Map<number, Buffer>();
  const rootAt = (n: number): Buffer => {
    let r = roots.get(n);
    if (!r) roots.set(n, (r = rootFromLeafHashes(leaves.slice(0, n))));
    return r;
  };

  it('inclusion over 150 random (index, size) pairs with size in 1..2000', () => {
    for (let t = 0; t < 150; t++) {
      const size = 1 + Math.floor(rand() * 2000);
      const index = Math.floor(rand() * size);
      const proof = inclusionProof(read, index, size);
      const root = rootAt(size);
      expect(() => verifyInclusion(index, size, leaves[index]!, proof, root)).not.toThrow();
      if (proof.length > 0) {
        const which = Math.floor(rand() * proof.length);
        const bit = Math.floor(rand() * 256);
        expect(
          fails(() =>
            verifyInclusion(index, size, leaves[index]!, flipBit(proof, which, bit), root),
          ),
          `bit ${bit}`,
        ).toBe(true);
      }
      const leafBit = Math.floor(rand() * 256);
      expect(
        fails(() =>
          verifyInclusion(index, size, flipBit([leaves[index]!], 0, leafBit)[0]!, proof, root),
        ),
      ).toBe(true);
      expect(
        fails(() => verifyInclusion(index, size, leaves[index]!, [...proof, root], root)),
      ).toBe(true);
      if (size > 1)
        expect(
          fails(() => verifyInclusion((index + 1) % size, size, leaves[index]!, proof, root)),
        ).toBe(true);
    }
  });

  it('consistency over 150 random pairs m <= n with n in 1..2000', () => {
    for (let t = 0; t < 150; t++) {
      const n = 1 + Math.floor(rand() * 2000);
      const m = 1 + Math.floor(rand() * n);
      const proof = consistencyProof(read, m, n);
      expect(
        () => verifyConsistency(m, n, proof, rootAt(m), rootAt(n)),
        `${m}->${n}`,
      ).not.toThrow();
      if (proof.length > 0) {
        const which = Math.floor(rand() * proof.length);
        const bit = Math.floor(rand() * 256);
        expect(
          fails(() => verifyConsistency(m, n, flipBit(proof, which, bit), rootAt(m), rootAt(n))),
          `${m}->${n} bit ${bit}`,
        ).toBe(true);
        expect(fails(() => verifyConsistency(m, n, proof.slice(1), rootAt(m), rootAt(n)))).toBe(
          true,
        );
      }
      expect(
        fails(() =>
          verifyConsistency(
            m,
            n,
            proof,
            flipBit([rootAt(m)], 0, Math.floor(rand() * 256))[0]!,
            rootAt(n),
          ),
        ),
      ).toBe(true);
      expect(
        fails(() =>
          verifyConsistency(
            m,
            n,
            proof,
            rootAt(m),
            flipBit([rootAt(n)], 0, Math.floor(rand() * 256))[0]!,
          ),
        ),
      ).toBe(true);
      if (m > 1 && m < n)
        expect(fails(() => verifyConsistency(m - 1, n, proof, rootAt(m - 1), rootAt(n)))).toBe(
          true,
        );
    }
  });

  it('every single-bit mutation of one proof fails (exhaustive over one case)', () => {
    const proof = consistencyProof(read, 700, 1999);
    for (let which = 0; which < proof.length; which++) {
      for (let bit = 0; bit < 256; bit++) {
        expect(
          fails(() =>
            verifyConsistency(700, 1999, flipBit(proof, which, bit), rootAt(700), rootAt(1999)),
          ),
        ).toBe(true);
      }
    }
  });
});
