import { describe, expect, it } from 'vitest';
import { compileGlob } from './glob.js';
import { ANY_TOKEN, ONE_TOKEN, formatSigmaString, parseSigmaString } from './sigma-string.js';

const glob = (pattern: string) => compileGlob(parseSigmaString(pattern));

describe('Sigma string escaping (pySigma rules)', () => {
  it('treats \\*, \\? and \\\\ as escapes and every other backslash as literal', () => {
    expect(parseSigmaString('a\\*b')).toEqual(['a*b']);
    expect(parseSigmaString('a\\?b')).toEqual(['a?b']);
    expect(parseSigmaString('a\\\\b')).toEqual(['a\\b']);
    expect(parseSigmaString('C:\\Windows\\System32')).toEqual(['C:\\Windows\\System32']);
    expect(parseSigmaString('trailing\\')).toEqual(['trailing\\']);
    // An escaped backslash followed by a wildcard: literal backslash, then a real wildcard.
    expect(parseSigmaString('dir\\\\*')).toEqual(['dir\\', ANY_TOKEN]);
    expect(parseSigmaString('a?c*')).toEqual(['a', ONE_TOKEN, 'c', ANY_TOKEN]);
  });

  it('round-trips through formatSigmaString', () => {
    for (const s of ['a\\*b', '*x?y*', 'p\\\\*', 'plain']) {
      expect(parseSigmaString(formatSigmaString(parseSigmaString(s)))).toEqual(parseSigmaString(s));
    }
  });
});

describe('wildcard matching', () => {
  it('handles exact, prefix, suffix and substring shapes', () => {
    expect(glob('abc')('abc')).toBe(true);
    expect(glob('abc')('abcd')).toBe(false);
    expect(glob('abc*')('abcd')).toBe(true);
    expect(glob('*bcd')('abcd')).toBe(true);
    expect(glob('*bc*')('abcd')).toBe(true);
    expect(glob('*bc*')('abd')).toBe(false);
    expect(glob('*')('')).toBe(true);
    expect(glob('')('')).toBe(true);
    expect(glob('')('x')).toBe(false);
  });

  it('matches ? as exactly one character and * as any run', () => {
    expect(glob('a?c')('abc')).toBe(true);
    expect(glob('a?c')('ac')).toBe(false);
    expect(glob('a?c')('abbc')).toBe(false);
    expect(glob('*union*select*')('1 union all select 2')).toBe(true);
    expect(glob('*union*select*')('1 select union')).toBe(false);
    expect(glob('cat *sh_history')('cat /dev/null >.bash_history')).toBe(true);
    expect(glob('a*b*c')('abc')).toBe(true);
    expect(glob('a*b*c')('acb')).toBe(false);
    expect(glob('*?x')('x')).toBe(false);
    expect(glob('*?x')('yx')).toBe(true);
  });

  it('takes escaped wildcards literally', () => {
    expect(glob('momyshark\\?key=')('momyshark?key=')).toBe(true);
    expect(glob('momyshark\\?key=')('momysharkXkey=')).toBe(false);
    expect(glob('5\\*3')('5*3')).toBe(true);
    expect(glob('5\\*3')('523')).toBe(false);
  });

  it('agrees with a reference regex on random inputs', () => {
    // Differential check against a straightforward regex translation.
    const alphabet = 'ab*?';
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let k = 0; k < 2000; k++) {
      const pattern = Array.from({ length: 1 + rnd(6) }, () => alphabet[rnd(4)]).join('');
      const input = Array.from({ length: rnd(8) }, () => 'ab'[rnd(2)]).join('');
      const re = new RegExp('^' + pattern.replace(/\*/g, '.*').replace(/\?/g, '.') + '$', 's');
      expect(glob(pattern)(input), `${pattern} vs ${input}`).toBe(re.test(input));
    }
  });
});
