import { describe, expect, it } from 'vitest';
import { compileCondition, parseCondition } from './condition.js';

/** Selections are named booleans for these tests: the event is the set of true names. */
function evalCond(cond: string, names: string[], trueOnes: string[]): boolean {
  const sel = new Map(names.map((n) => [n, (x: Set<string>) => x.has(n)]));
  return compileCondition(parseCondition(cond), sel)(new Set(trueOnes));
}

describe('condition grammar', () => {
  it('binds not tighter than and, and tighter than or', () => {
    const n = ['a', 'b', 'c'];
    // a or b and c = a or (b and c)
    expect(evalCond('a or b and c', n, ['a'])).toBe(true);
    expect(evalCond('a or b and c', n, ['b'])).toBe(false);
    // not a and b = (not a) and b
    expect(evalCond('not a and b', n, ['b'])).toBe(true);
    expect(evalCond('not a and b', n, ['a', 'b'])).toBe(false);
    expect(evalCond('not (a and b)', n, ['a'])).toBe(true);
    expect(evalCond('(a or b) and c', n, ['a'])).toBe(false);
    expect(evalCond('(a or b) and c', n, ['a', 'c'])).toBe(true);
    expect(evalCond('not not a', n, ['a'])).toBe(true);
    expect(evalCond('A OR b', ['A', 'b'], ['b'])).toBe(true);
  });

  it('supports 1 of / any of / all of with wildcards and them (without _names)', () => {
    const n = ['sel_a', 'sel_b', 'filter_x', '_helper'];
    expect(evalCond('1 of sel_*', n, ['sel_b'])).toBe(true);
    expect(evalCond('any of sel_*', n, ['sel_b'])).toBe(true);
    expect(evalCond('all of sel_*', n, ['sel_b'])).toBe(false);
    expect(evalCond('all of sel_*', n, ['sel_a', 'sel_b'])).toBe(true);
    expect(evalCond('all of sel_* and not 1 of filter_*', n, ['sel_a', 'sel_b', 'filter_x'])).toBe(
      false,
    );
    expect(evalCond('1 of them', n, ['_helper'])).toBe(false);
    expect(evalCond('1 of them', n, ['filter_x'])).toBe(true);
    expect(evalCond('all of them', n, ['sel_a', 'sel_b', 'filter_x'])).toBe(true);
    expect(evalCond('sel_*', n, ['sel_a'])).toBe(true);
  });

  it('names missing selections and patterns that match nothing', () => {
    expect(() => evalCond('sel and sel2', ['sel'], [])).toThrow(
      "condition references missing selection 'sel2'",
    );
    expect(() => evalCond('1 of filter_*', ['sel'], [])).toThrow(
      /'1 of filter_\*' matches no selection/,
    );
  });

  it('says where a syntax error is', () => {
    expect(() => parseCondition('sel and (a or b')).toThrow(
      /expected '\)' to close the '\(' at column 9/,
    );
    expect(() => parseCondition('sel and')).toThrow(/found the end/);
    expect(() => parseCondition('sel b')).toThrow(/unexpected 'b' .*column 5/s);
    expect(() => parseCondition('2 of sel*')).toThrow(/use '1 of', 'any of' or 'all of'/);
    expect(() => parseCondition('selection | count() by ip > 5')).toThrow(
      /legacy aggregation.*column 11/s,
    );
    expect(() => parseCondition('sel & b')).toThrow(/unexpected character '&' at column 5/);
  });
});
