import { describe, expect, it } from 'vitest';
import { affixAny, compileGlob, containsAny, globShape } from './glob.js';
import { ANY_TOKEN, ONE_TOKEN, parseSigmaString } from './sigma-string.js';

/** A small deterministic generator (xorshift), so a failure reproduces. */
function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

// Few distinct characters, so literals occur often; one of them outside Latin-1.
const ALPHABET = ['/', '.', 'a', 'b', 'e', 'v', '~', 'é', '\u4e2d'];
function randomString(r: () => number, max: number): string {
  let s = '';
  for (let n = Math.floor(r() * (max + 1)); n > 0; n--)
    s += ALPHABET[Math.floor(r() * ALPHABET.length)];
  return s;
}

describe('containsAny / affixAny', () => {
  it('agree with one includes / startsWith / endsWith per literal on 20,000 random strings', () => {
    const r = rng(20261127);
    for (let round = 0; round < 40; round++) {
      const lits = Array.from({ length: 4 + Math.floor(r() * 8) }, () => {
        let l = randomString(r, 4);
        while (l.length < 2) l += ALPHABET[Math.floor(r() * ALPHABET.length)];
        return l;
      });
      const contains = containsAny(lits);
      const starts = affixAny('startswith', lits);
      const ends = affixAny('endswith', lits);
      for (let k = 0; k < 500; k++) {
        const s = randomString(r, 24);
        expect(contains(s), `${JSON.stringify(lits)} in ${JSON.stringify(s)}`).toBe(
          lits.some((l) => s.includes(l)),
        );
        expect(starts(s)).toBe(lits.some((l) => s.startsWith(l)));
        expect(ends(s)).toBe(lits.some((l) => s.endsWith(l)));
      }
    }
  });

  it('finds a literal at the very start and end, and not in a shorter text', () => {
    const t = containsAny(['/.env', '/.git', 'id_rsa', '~x']);
    expect(t('/.env')).toBe(true);
    expect(t('a/b/.git')).toBe(true);
    expect(t('~x')).toBe(true);
    expect(t('/.en')).toBe(false);
    expect(t('')).toBe(false);
    expect(affixAny('endswith', ['.bak', '~', '.old', '.sql'])('')).toBe(false);
    expect(() => containsAny(['x'])).toThrow(/two characters/);
  });
});

describe('globShape', () => {
  it('names the four common shapes and nothing else', () => {
    expect(globShape(parseSigmaString('abc'))).toEqual({ op: 'equals', lit: 'abc' });
    expect(globShape([])).toEqual({ op: 'equals', lit: '' });
    expect(globShape(parseSigmaString('abc*'))).toEqual({ op: 'startswith', lit: 'abc' });
    expect(globShape(parseSigmaString('*abc'))).toEqual({ op: 'endswith', lit: 'abc' });
    expect(globShape(parseSigmaString('*abc*'))).toEqual({ op: 'contains', lit: 'abc' });
    expect(globShape(parseSigmaString('a*c'))).toBeUndefined();
    expect(globShape(parseSigmaString('a?'))).toBeUndefined();
    expect(globShape([ANY_TOKEN, ANY_TOKEN])).toBeUndefined();
    expect(globShape([ONE_TOKEN])).toBeUndefined();
    expect(compileGlob([ANY_TOKEN, ANY_TOKEN])('x')).toBe(true);
    expect(compileGlob([ANY_TOKEN])('')).toBe(true);
  });
});
