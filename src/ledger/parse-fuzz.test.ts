/**
 * Bad input never escapes as a bare TypeError or RangeError: every parser of untrusted ledger
 * text (notes, checkpoints, vkeys, tlog-proofs, proof bundles) either accepts or throws a coded
 * LogwardenError. Inputs are random mutations of valid texts (deterministic seed).
 */
import { describe, expect, it } from 'vitest';
import { isLogwardenError } from '../core/errors.js';
import { parseCheckpoint, signCheckpoint } from './checkpoint.js';
import { generateKey, parseSignerKey, parseVerifierKey } from './keys.js';
import { hashLeaf } from './merkle.js';
import { openNote, parseNote } from './note.js';
import { verifyProofBundle } from './proof-bundle.js';
import { formatTlogProof, parseTlogProof } from './tlog-proof.js';

let seed = 0x5eed;
const rand = (n: number): number => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed % n;
};
const ALPHABET = [
  '\n',
  ' ',
  '+',
  '\u2014',
  '=',
  '/',
  'A',
  '0',
  '\r',
  '\u0000',
  'é',
  '\n\n',
  '-',
  'x',
];

function mutate(s: string): string {
  const chars = [...s];
  const edits = 1 + rand(4);
  for (let e = 0; e < edits; e++) {
    const at = rand(chars.length + 1);
    const op = rand(3);
    if (op === 0) chars.splice(at, 1);
    else if (op === 1) chars.splice(at, 0, ALPHABET[rand(ALPHABET.length)]!);
    else chars.splice(at, 1, ALPHABET[rand(ALPHABET.length)]!);
  }
  return chars.join('');
}

function onlyCodedErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!isLogwardenError(e)) throw new Error(`uncoded error: ${String(e)}`, { cause: e });
  }
}

const signer = parseSignerKey(generateKey('fuzz.test/log').skey);
const note = signCheckpoint({ origin: 'fuzz.test/log', size: 12, root: hashLeaf('r') }, signer);
const tlog = formatTlogProof({ index: 3, proof: [hashLeaf('a'), hashLeaf('b')], checkpoint: note });
const bundle = {
  format: 'logwarden-proof/v1',
  id: 'e1',
  event: '{"id":"e1"}',
  vkey: signer.verifier.vkey,
  tlog_proof: tlog,
};

describe('parsers of untrusted ledger text throw only coded errors', () => {
  it('2000 mutated notes, checkpoints, vkeys and tlog-proofs', () => {
    // The seeds are valid: mutations start from texts that parse.
    expect(openNote(note, [signer.verifier]).text).toContain('fuzz.test/log');
    expect(parseTlogProof(tlog).index).toBe(3);
    let rejected = 0;
    for (let i = 0; i < 500; i++) {
      const n = mutate(note);
      onlyCodedErrors(() => parseNote(n));
      try {
        openNote(n, [signer.verifier]);
      } catch (e) {
        if (!isLogwardenError(e)) throw e;
        rejected++;
      }
      onlyCodedErrors(() => parseCheckpoint(mutate(parseNote(note).text)));
      onlyCodedErrors(() => parseVerifierKey(mutate(signer.verifier.vkey)));
      onlyCodedErrors(() => parseTlogProof(mutate(tlog)));
    }
    // A changed signed note must not verify (a mutation may only touch the ignorable parts rarely).
    expect(rejected).toBeGreaterThan(480);
  });
  it('mutated and ill-typed proof bundles', () => {
    const values: unknown[] = [null, 1, 'x', [], {}, -1, 1e300, { a: 1 }];
    for (let i = 0; i < 300; i++) {
      const b: Record<string, unknown> = { ...bundle };
      const keys = Object.keys(b);
      const k = keys[rand(keys.length)]!;
      b[k] =
        rand(2) === 0 && typeof b[k] === 'string'
          ? mutate(b[k] as string)
          : values[rand(values.length)];
      onlyCodedErrors(() => verifyProofBundle(b));
    }
    for (const v of values) onlyCodedErrors(() => verifyProofBundle(v));
  });
});
