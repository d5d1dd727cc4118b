import { describe, expect, it } from 'vitest';
import {
  caseFoldPattern,
  compileSigmaRegex,
  countUnboundedQuantifiers,
  linearEngineAvailable,
} from './regex.js';

describe('Sigma re values', () => {
  it('compiles linear-capable patterns for the linear fallback (hostile input: see sigma-regex-redos.test.ts)', () => {
    expect(linearEngineAvailable()).toBe(true);
    const re = compileSigmaRegex('(a+)+$', {});
    expect(re.engine).toBe('backtracking-linear-fallback');
    // The pattern as compiled is accepted by the linear engine, so V8 can fall back to it.
    expect(() => new RegExp(re.source, re.flags + 'l')).not.toThrow();
    expect(compileSigmaRegex('(?i)ipfs\\.io', {}).engine).toBe('backtracking-linear-fallback');
    expect(re.test('aaa')).toBe(true);
  });

  it('is case-sensitive by default, (?i) and |i make it insensitive', () => {
    expect(compileSigmaRegex('union\\s+select', {}).test('UNION SELECT')).toBe(false);
    expect(compileSigmaRegex('(?i)union\\s+select', {}).test('UNION  Select')).toBe(true);
    expect(compileSigmaRegex('union\\s+select', { i: true }).test('Union select')).toBe(true);
  });

  it('searches anywhere, and honours m and s', () => {
    expect(compileSigmaRegex('b+c', {}).test('aabbcc')).toBe(true);
    expect(compileSigmaRegex('^b', {}).test('a\nb')).toBe(false);
    expect(compileSigmaRegex('^b', { m: true }).test('a\nb')).toBe(true);
    expect(compileSigmaRegex('a.b', {}).test('a\nb')).toBe(false);
    expect(compileSigmaRegex('a.b', { s: true }).test('a\nb')).toBe(true);
  });

  it('case folding agrees with the native i flag', () => {
    const patterns = [
      '[\\x41-\\x43]',
      '\\u0061',
      'abc',
      '[a-f]+x',
      '[^a-z]Z',
      '\\w+Q',
      '(?<Name>ab)c',
      '\\x41b',
      '[A-Z][0-9]',
      'é',
      'x{2,3}Y',
      '\\bFoo\\b',
    ];
    const inputs = [
      'ABC',
      'abc',
      'FEDX',
      'fedx',
      '1z',
      '!Z',
      '!z',
      'abcq',
      'ABC',
      'Ab',
      'ab',
      'a1',
      'Q7',
      'É',
      'xxy',
      'XXY',
      'foo',
      'a FOO b',
    ];
    for (const p of patterns) {
      const folded = new RegExp(caseFoldPattern(p));
      const native = new RegExp(p, 'i');
      for (const s of inputs) expect(folded.test(s), `/${p}/ on ${s}`).toBe(native.test(s));
    }
  });

  it('runs backreferences on the capped backtracking engine and refuses them with nested quantifiers', () => {
    const ok = compileSigmaRegex('(ab)\\1', {});
    expect(ok.engine).toBe('backtracking-capped');
    expect(ok.test('xxababyy')).toBe(true);
    expect(() => compileSigmaRegex('(a+)+\\1', {})).toThrow(/unbounded quantifiers: refused/);
    expect(() => compileSigmaRegex('(?<=x)a.*b.*c', {})).toThrow(/lookaround/);
  });

  it('counts only unbounded quantifiers', () => {
    expect(countUnboundedQuantifiers('a{1,3}b?c')).toBe(0);
    expect(countUnboundedQuantifiers('a+[*+]\\*b{2,}')).toBe(2);
  });

  it('cuts long values on the fallback engine and reports it', () => {
    let cuts = 0;
    const re = compileSigmaRegex('(?=z)z', {}, { maxInputChars: 10, onTruncate: () => cuts++ });
    expect(re.test('a'.repeat(20) + 'z')).toBe(false);
    expect(cuts).toBe(1);
  });

  it('names the bad pattern', () => {
    expect(() => compileSigmaRegex('(unclosed', {})).toThrow(
      /invalid regular expression \/\(unclosed\//,
    );
  });
});
