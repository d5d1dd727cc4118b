import { describe, expect, it } from 'vitest';
import { isLogSafe, neutralize, neutralizeDeep } from './neutralize.js';

describe('neutralize (CWE-117)', () => {
  it.each([
    ['line1\nline2', 'line1\\nline2', 1],
    ['a\r\nb', 'a\\r\\nb', 2],
    ['\x1b[31mred\x1b[0m', '\\x1b[31mred\\x1b[0m', 2],
    ['nul\x00 del\x7f c1\x85 csi\x9b', 'nul\\x00 del\\x7f c1\\x85 csi\\x9b', 4],
    ['tab\there', 'tab\\there', 1],
    ['ls\u2028ps\u2029', 'ls\\u2028ps\\u2029', 2],
    ['rlo\u202eevil\u2066x\u2069', 'rlo\\u202eevil\\u2066x\\u2069', 3],
    ['lone \ud800 surrogate', 'lone \ufffd surrogate', 1],
    ['emoji 😀 and é stay', 'emoji 😀 and é stay', 0],
  ])('%j -> %j', (input, want, count) => {
    expect(neutralize(input)).toEqual({ value: want, count });
    expect(isLogSafe(want)).toBe(true);
  });

  it('a forged log line cannot survive', () => {
    const forged = 'bob\n2026-11-27T09:00:00Z INFO authn_login_success user=admin';
    expect(neutralize(forged).value.split('\n')).toHaveLength(1);
  });

  it('walks objects and arrays, keys included, and copies only when needed', () => {
    const clean = { a: ['x', { b: 'y' }] };
    const c = { count: 0 };
    expect(neutralizeDeep(clean, c)).toBe(clean);
    const dirty = { 'k\r': ['ok', { v: 'a\nb' }], same: 1 };
    const out = neutralizeDeep(dirty, c);
    expect(out).toEqual({ 'k\\r': ['ok', { v: 'a\\nb' }], same: 1 });
    expect(dirty).toEqual({ 'k\r': ['ok', { v: 'a\nb' }], same: 1 });
    expect(c.count).toBe(2);
  });
});
