/**
 * `re` values come from rule files and run on attacker-controlled input, so a rule must not be
 * able to stall the pipeline (ARCHITECTURE §5, issue 5 "Engine").
 *
 * Choice: V8's backtracking engine with its built-in escape hatch to the linear-time engine
 * (`--enable-experimental-regexp-engine-on-excessive-backtracks`): a match attempt that exceeds
 * V8's backtrack budget (`--regexp-backtracks-before-fallback`, 50,000 by default) is re-run on
 * the automaton engine, whose cost is O(pattern × input) whatever the pattern; the result is
 * the same, only the cost is bounded. So `(a+)+$` on 50,000 `a`s ends in tens of milliseconds
 * instead of never. Why not the linear engine (`l` flag) for everything: measured here it is
 * 40-100x slower on ordinary inputs (8 µs vs 76 ns for SigmaHQ's IPFS rule on a typical URI,
 * bench/sigma.mjs), and a worker with a timeout costs a thread hop per value; re2 needs a
 * native build (~4.5 min here). Only patterns the linear engine accepts are eligible, which we
 * check at load by compiling them once with `l`. Its limits, handled below:
 * - no `i` flag in Node 20's linear engine (and the fallback only happens when the regex as
 *   compiled is linear-capable): case-insensitive patterns are rewritten so every letter
 *   becomes a two-case class (`a` → `[aA]`, `[a-f]` → `[a-fA-F]`);
 * - no backreferences, lookaround or large counted repeats: such a pattern runs on the plain
 *   backtracking engine only when a static check shows at most one unbounded quantifier (cost
 *   at most quadratic), and on at most `maxInputChars` of the value (the cut is counted);
 *   anything else fails to load with the reason.
 *
 * Setting V8 flags at run time is allowed for flags that only add behaviour; these two enable
 * the `l` flag and the fallback, and change no result of any regex.
 *
 * @example
 * const r = compileSigmaRegex('(?i)union\\s+select', {});
 * r.engine // 'backtracking-linear-fallback'
 * r.test('1 UNION  SELECT 2') // true
 */
import { setFlagsFromString } from 'node:v8';

let linearAvailable = false;
try {
  setFlagsFromString('--enable-experimental-regexp-engine');
  setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
  linearAvailable = new RegExp('a', 'l' as string).test('a');
} catch {
  linearAvailable = false;
}

/** True when V8's linear-time engine is usable in this process. */
export function linearEngineAvailable(): boolean {
  return linearAvailable;
}

export interface RegexFlags {
  readonly i?: boolean;
  readonly m?: boolean;
  readonly s?: boolean;
}

export interface SafeRegex {
  /** Search anywhere in the value (Sigma `re` is unanchored). */
  test(value: string): boolean;
  /**
   * `backtracking-linear-fallback`: V8 switches to the linear engine past its backtrack budget;
   * `backtracking-capped`: not linear-capable, statically checked, input cut to maxInputChars.
   */
  readonly engine: 'backtracking-linear-fallback' | 'backtracking-capped';
  readonly source: string;
  readonly flags: string;
}

export interface RegexOptions {
  /** Backtracking fallback only: longest prefix of a value that is searched. Default 8192. */
  readonly maxInputChars?: number;
  /** Called when a value was cut to `maxInputChars` (counted by the engine). */
  readonly onTruncate?: () => void;
}

/** Compile a Sigma `re` value; throws an Error with the reason when it cannot be used safely. */
export function compileSigmaRegex(
  pattern: string,
  flags: RegexFlags,
  opts: RegexOptions = {},
): SafeRegex {
  let src = pattern;
  let i = flags.i === true;
  let m = flags.m === true;
  let s = flags.s === true;
  // A leading inline flag group such as `(?i)` (common in SigmaHQ rules, a PCRE-ism JS lacks).
  const inline = /^\(\?([ims]+)\)/.exec(src);
  if (inline) {
    src = src.slice(inline[0].length);
    i ||= inline[1]!.includes('i');
    m ||= inline[1]!.includes('m');
    s ||= inline[1]!.includes('s');
  }
  src = src.replace(/\(\?P</g, '(?<'); // Python named groups
  let base = (m ? 'm' : '') + (s ? 's' : '');
  try {
    new RegExp(src, base + (i ? 'i' : ''));
  } catch (e) {
    throw new Error(`invalid regular expression /${pattern}/: ${(e as Error).message}`);
  }
  if (linearAvailable) {
    const linearSrc = i ? caseFoldPattern(src) : src;
    try {
      new RegExp(linearSrc, base + 'l'); // proves the pattern is linear-capable
      const re = new RegExp(linearSrc, base);
      return {
        test: (v) => re.test(v),
        engine: 'backtracking-linear-fallback',
        source: linearSrc,
        flags: re.flags,
      };
    } catch {
      // Backreferences or lookaround: fall through to the guarded backtracking engine.
    }
  }
  const unbounded = countUnboundedQuantifiers(src);
  if (unbounded > 1) {
    throw new Error(
      `regular expression /${pattern}/ cannot run on the linear-time engine` +
        (linearAvailable ? ' (backreference or lookaround)' : ' (engine unavailable)') +
        ` and has ${unbounded} unbounded quantifiers: refused, it could backtrack for minutes on hostile input`,
    );
  }
  base += i ? 'i' : '';
  const re = new RegExp(src, base);
  const cap = opts.maxInputChars ?? 8192;
  const onTruncate = opts.onTruncate;
  return {
    test: (v) => {
      if (v.length > cap) {
        onTruncate?.();
        return re.test(v.slice(0, cap));
      }
      return re.test(v);
    },
    engine: 'backtracking-capped',
    source: src,
    flags: re.flags,
  };
}

/**
 * Rewrite a pattern so it matches case-insensitively without the `i` flag: letters outside
 * escapes become two-case classes. Escapes (`\w`, `\x41`, `\p{L}`, `\k<n>`) are copied intact
 * and group names are never touched.
 */
export function caseFoldPattern(src: string): string {
  let out = '';
  let k = 0;
  while (k < src.length) {
    const c = src[k]!;
    if (c === '\\') {
      const end = escapeEnd(src, k);
      const ch = escapedLetter(src.slice(k, end));
      out += ch === undefined ? src.slice(k, end) : `[${ch.toLowerCase()}${ch.toUpperCase()}]`;
      k = end;
    } else if (c === '[') {
      const [cls, end] = foldClass(src, k);
      out += cls;
      k = end;
    } else if (c === '(' && src.startsWith('(?<', k) && src[k + 3] !== '=' && src[k + 3] !== '!') {
      const end = src.indexOf('>', k);
      out += src.slice(k, end + 1);
      k = end + 1;
    } else {
      const lo = c.toLowerCase();
      const up = c.toUpperCase();
      out += lo !== up && lo.length === 1 && up.length === 1 ? `[${lo}${up}]` : c;
      k++;
    }
  }
  return out;
}

/** The letter a `\xHH` or `\uHHHH` escape stands for, when it has two cases. */
function escapedLetter(esc: string): string | undefined {
  const m = /^\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4}))$/.exec(esc);
  if (!m) return undefined;
  const ch = String.fromCharCode(parseInt(m[1] ?? m[2]!, 16));
  const lo = ch.toLowerCase();
  const up = ch.toUpperCase();
  return lo !== up && lo.length === 1 && up.length === 1 ? ch : undefined;
}

function escapeEnd(src: string, k: number): number {
  const n = src[k + 1];
  if (n === undefined) return k + 1;
  if (n === 'x') return k + 4;
  if (n === 'c') return k + 3;
  if (n === 'u') return src[k + 2] === '{' ? src.indexOf('}', k) + 1 || src.length : k + 6;
  if ((n === 'p' || n === 'P') && src[k + 2] === '{') return src.indexOf('}', k) + 1 || src.length;
  if (n === 'k' && src[k + 2] === '<') return src.indexOf('>', k) + 1 || src.length;
  return k + 2;
}

function foldClass(src: string, start: number): [string, number] {
  let k = start + 1;
  let out = '[';
  if (src[k] === '^') {
    out += '^';
    k++;
  }
  let extra = '';
  while (k < src.length && src[k] !== ']') {
    const c = src[k]!;
    if (c === '\\') {
      const end = escapeEnd(src, k);
      const ch = escapedLetter(src.slice(k, end));
      out += src.slice(k, end);
      if (ch !== undefined) extra += ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase();
      k = end;
      continue;
    }
    if (
      src[k + 1] === '-' &&
      src[k + 2] !== undefined &&
      src[k + 2] !== ']' &&
      src[k + 2] !== '\\'
    ) {
      const a = c;
      const b = src[k + 2]!;
      out += `${a}-${b}`;
      if (/[a-z]/.test(a) && /[a-z]/.test(b)) extra += `${a.toUpperCase()}-${b.toUpperCase()}`;
      else if (/[A-Z]/.test(a) && /[A-Z]/.test(b)) extra += `${a.toLowerCase()}-${b.toLowerCase()}`;
      k += 3;
      continue;
    }
    out += c;
    const lo = c.toLowerCase();
    const up = c.toUpperCase();
    if (lo !== up && lo.length === 1 && up.length === 1) extra += c === lo ? up : lo;
    k++;
  }
  return [out + extra + ']', k + 1];
}

/** Count `*`, `+`, `{n,}` and wide `{n,m}` quantifiers outside classes and escapes. */
export function countUnboundedQuantifiers(src: string): number {
  let n = 0;
  for (let k = 0; k < src.length; k++) {
    const c = src[k];
    if (c === '\\') {
      k = escapeEnd(src, k) - 1;
    } else if (c === '[') {
      k = foldClass(src, k)[1] - 1;
    } else if (c === '*' || c === '+') {
      n++;
    } else if (c === '{') {
      const q = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(k));
      if (q && q[2] !== undefined && (q[3] === '' || Number(q[3]) - Number(q[1]) > 16)) n++;
    }
  }
  return n;
}
