import { describe, expect, it } from 'vitest';
import { signCheckpoint } from './checkpoint.js';
import { verifyAdvance } from './advance.js';
import { generateKey, parseSignerKey } from './keys.js';
import { hashLeaf, rootFromLeafHashes } from './merkle.js';
import { consistencyProof, memoryNodeReader } from './proofs.js';

const ORIGIN = 'logs.test/advance';
const log = parseSignerKey(generateKey(ORIGIN).skey);
const leaves = Array.from({ length: 50 }, (_, i) => hashLeaf(`e${i}`));
const forked = [
  ...leaves.slice(0, 30),
  ...Array.from({ length: 20 }, (_, i) => hashLeaf(`other${i}`)),
];
const note = (ls: Buffer[], n: number): string =>
  signCheckpoint({ origin: ORIGIN, size: n, root: rootFromLeafHashes(ls.slice(0, n)) }, log);
const held = { size: 40, root: rootFromLeafHashes(leaves.slice(0, 40)) };
const base = { logKeys: [log.verifier], origin: ORIGIN };

describe('verifyAdvance (what a replica checks before cosigning)', () => {
  it('accepts the first checkpoint and a consistent growth', () => {
    expect(verifyAdvance({ ...base, note: note(leaves, 40), proof: [] }).size).toBe(40);
    const proof = consistencyProof(memoryNodeReader(leaves), 40, 50);
    expect(verifyAdvance({ ...base, note: note(leaves, 50), held, proof }).size).toBe(50);
  });
  it('refuses a fork, a rollback, a proof from another history and a foreign origin', () => {
    const forkProof = consistencyProof(memoryNodeReader(forked), 40, 50);
    expect(() =>
      verifyAdvance({ ...base, note: note(forked, 50), held, proof: forkProof }),
    ).toThrow(expect.objectContaining({ code: 'LW_LEDGER_FORK' }));
    expect(() => verifyAdvance({ ...base, note: note(leaves, 39), held, proof: [] })).toThrow(
      /rollback/,
    );
    const proof = consistencyProof(memoryNodeReader(leaves), 40, 50);
    expect(() => verifyAdvance({ ...base, note: note(forked, 50), held, proof })).toThrow(
      expect.objectContaining({ code: 'LW_LEDGER_FORK' }),
    );
    expect(() =>
      verifyAdvance({ ...base, origin: 'other/log', note: note(leaves, 50), held, proof }),
    ).toThrow(/not the expected/);
  });
});
