/**
 * Matching of a parsed Sigma string against a value, without building a RegExp: the common
 * shapes (exact, prefix, suffix, substring) become one string method call, and the general
 * case is a segment scan that is O(value × pattern) in the worst case, so a rule's wildcards
 * can never backtrack exponentially on attacker-controlled input.
 *
 * @example
 * compileGlob(parseSigmaString('*union*select*'))('1 union all select 2') // true
 */
import { ANY_TOKEN, ONE_TOKEN } from './sigma-string.js';
import type { SigmaString } from './sigma-string.js';

export type StringTest = (s: string) => boolean;

/** Segment between two `*`: literal runs and single-character wildcards. */
type Segment = Array<string | typeof ONE_TOKEN>;

/** The common shapes of a Sigma string: one literal compared whole, at the start, at the end or anywhere. */
export interface GlobShape {
  readonly op: 'equals' | 'startswith' | 'endswith' | 'contains';
  readonly lit: string;
}

/** The shape of `v` when it is one of the common ones (`x`, `x*`, `*x`, `*x*`), else undefined. */
export function globShape(v: SigmaString): GlobShape | undefined {
  if (v.length === 0) return { op: 'equals', lit: '' };
  const [a, b, c] = v;
  if (v.length === 1 && typeof a === 'string') return { op: 'equals', lit: a };
  if (v.length === 2 && a === ANY_TOKEN && typeof b === 'string') return { op: 'endswith', lit: b };
  if (v.length === 2 && typeof a === 'string' && b === ANY_TOKEN)
    return { op: 'startswith', lit: a };
  if (v.length === 3 && a === ANY_TOKEN && typeof b === 'string' && c === ANY_TOKEN)
    return { op: 'contains', lit: b };
  return undefined;
}

/**
 * Whether any of `lits` (each at least two characters long) occurs in a string, in one pass:
 * at each position a 64 Ki-bit bitmap of the literals' first two characters says whether any
 * can start there. One call instead of one `includes` per literal: a URL path against a list
 * of forty dotfiles (bench/scan.mjs --parts, access.log).
 */
export function containsAny(lits: readonly string[]): StringTest {
  const bitmap = new Uint8Array(8192);
  const byPair = new Map<number, string[]>();
  for (const lit of lits) {
    if (lit.length < 2) throw new Error(`containsAny: '${lit}' is shorter than two characters`);
    const h = pairAt(lit, 0);
    bitmap[h >>> 3]! |= 1 << (h & 7);
    const list = byPair.get(h) ?? [];
    list.push(lit);
    byPair.set(h, list);
  }
  return (s) => {
    for (let p = 0, n = s.length - 1; p < n; p++) {
      const h = pairAt(s, p);
      if ((bitmap[h >>> 3]! & (1 << (h & 7))) === 0) continue;
      for (const lit of byPair.get(h)!) if (s.startsWith(lit, p)) return true;
    }
    return false;
  };
}

/** 16 bits of the two characters at s[p..p+2). */
const pairAt = (s: string, p: number): number =>
  ((s.charCodeAt(p) << 7) ^ s.charCodeAt(p + 1)) & 0xffff;

/**
 * Whether a string starts (or ends) with any of `lits` (each at least one character long):
 * only the literals with its first (last) character are tried.
 */
export function affixAny(op: 'startswith' | 'endswith', lits: readonly string[]): StringTest {
  const start = op === 'startswith';
  const byChar = new Map<number, string[]>();
  for (const lit of lits) {
    if (lit.length === 0) throw new Error('affixAny: an empty literal');
    const c = lit.charCodeAt(start ? 0 : lit.length - 1);
    const list = byChar.get(c) ?? [];
    list.push(lit);
    byChar.set(c, list);
  }
  return start
    ? (s) => {
        const list = byChar.get(s.charCodeAt(0));
        if (list !== undefined) for (const lit of list) if (s.startsWith(lit)) return true;
        return false;
      }
    : (s) => {
        const list = byChar.get(s.charCodeAt(s.length - 1));
        if (list !== undefined) for (const lit of list) if (s.endsWith(lit)) return true;
        return false;
      };
}

export function compileGlob(v: SigmaString): StringTest {
  const shape = globShape(v);
  if (shape !== undefined) {
    const lit = shape.lit;
    switch (shape.op) {
      case 'equals':
        return (s) => s === lit;
      case 'startswith':
        return (s) => s.startsWith(lit);
      case 'endswith':
        return (s) => s.endsWith(lit);
      case 'contains':
        return (s) => s.includes(lit);
    }
  }
  if (v.length === 1 && v[0] === ANY_TOKEN) return () => true;
  // General case: split on `*` into segments; the first is anchored at the start and the last
  // at the end; the middle ones are found leftmost (optimal for `*`-separated globs).
  const segments: Segment[] = [[]];
  for (const p of v) {
    if (p === ANY_TOKEN) segments.push([]);
    else segments[segments.length - 1]!.push(p);
  }
  const lens = segments.map(segLength);
  const minLen = lens.reduce((a, b) => a + b, 0);
  if (segments.length === 1) {
    const seg = segments[0]!;
    return (s) => s.length === minLen && segAt(seg, s, 0);
  }
  const first = segments[0]!;
  const last = segments[segments.length - 1]!;
  const middle = segments.slice(1, -1);
  const lastLen = lens[lens.length - 1]!;
  return (s) => {
    if (s.length < minLen) return false;
    if (!segAt(first, s, 0)) return false;
    let pos = lens[0]!;
    const end = s.length - lastLen;
    for (const seg of middle) {
      const found = segFind(seg, s, pos, end);
      if (found < 0) return false;
      pos = found + segLength(seg);
    }
    return pos <= end && segAt(last, s, end);
  };
}

function segLength(seg: Segment): number {
  let n = 0;
  for (const p of seg) n += p === ONE_TOKEN ? 1 : p.length;
  return n;
}

function segAt(seg: Segment, s: string, at: number): boolean {
  let pos = at;
  for (const p of seg) {
    if (p === ONE_TOKEN) {
      if (pos >= s.length) return false;
      pos++;
    } else {
      if (!s.startsWith(p, pos)) return false;
      pos += p.length;
    }
  }
  return true;
}

/** Leftmost position >= from where seg matches and ends at or before `end`; -1 if none. */
function segFind(seg: Segment, s: string, from: number, end: number): number {
  const len = segLength(seg);
  const firstLit = seg[0] !== ONE_TOKEN && seg.length > 0 ? (seg[0] as string) : undefined;
  for (let i = from; i + len <= end; i++) {
    if (firstLit !== undefined) {
      const j = s.indexOf(firstLit, i);
      if (j < 0 || j + len > end) return -1;
      i = j;
    }
    if (segAt(seg, s, i)) return i;
  }
  return -1;
}
