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

export function compileGlob(v: SigmaString): StringTest {
  if (v.length === 0) return (s) => s === '';
  const anyCount = v.filter((p) => p === ANY_TOKEN).length;
  const hasOne = v.includes(ONE_TOKEN);
  if (!hasOne) {
    if (anyCount === 0) {
      const lit = v[0] as string;
      return (s) => s === lit;
    }
    if (v.length === 1) return () => true;
    if (v.length === 2 && anyCount === 1) {
      if (v[0] === ANY_TOKEN) {
        const lit = v[1] as string;
        return (s) => s.endsWith(lit);
      }
      const lit = v[0] as string;
      return (s) => s.startsWith(lit);
    }
    if (v.length === 3 && anyCount === 2 && v[0] === ANY_TOKEN && v[2] === ANY_TOKEN) {
      const lit = v[1] as string;
      return (s) => s.includes(lit);
    }
  }
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
