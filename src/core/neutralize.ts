/**
 * CWE-117 (improper output neutralization for logs): a stored string must never be able to forge
 * another log line or drive a terminal. CR, LF and every other C0/C1 control, DEL, the Unicode
 * line/paragraph separators (U+2028/2029) and the bidi embedding/override/isolate controls used by
 * "Trojan Source" (CVE-2021-42574: U+202A–202E, U+2066–2069) are escaped visibly; ANSI escape
 * sequences lose their ESC (`\x1b[31m` becomes the inert text `\x1b[31m`). Lone UTF-16 surrogates
 * are replaced with U+FFFD (String#toWellFormed) so the stored UTF-8 is valid.
 */

import { setOwn } from './own.js';

// ES2024 String methods (Node >= 20 has them; our tsconfig lib is ES2023).
declare global {
  interface String {
    isWellFormed(): boolean;
    toWellFormed(): string;
  }
}

// One test per string; the replace pass only runs on the rare strings that need it.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_G = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeChar(c: string): string {
  const named = NAMED[c];
  if (named !== undefined) return named;
  const code = c.charCodeAt(0);
  return code <= 0xff ? '\\x' + code.toString(16).padStart(2, '0') : '\\u' + code.toString(16);
}

/**
 * Result of neutralizing one string.
 *
 * @example
 * const n: Neutralized = neutralize('a\nb'); // { value: 'a\\nb', count: 1 }
 */
export interface Neutralized {
  readonly value: string;
  /** Characters escaped plus lone surrogates replaced; 0 when the string was already safe. */
  readonly count: number;
}

/**
 * Neutralize one string.
 *
 * @example
 * neutralize('admin\r\n[INFO] login ok\x1b[2J').value; // 'admin\\r\\n[INFO] login ok\\x1b[2J'
 */
export function neutralize(s: string): Neutralized {
  let value = s;
  let count = 0;
  if (!value.isWellFormed()) {
    const fixed = value.toWellFormed();
    for (let i = 0; i < fixed.length; i++)
      if (fixed.charCodeAt(i) === 0xfffd && value.charCodeAt(i) !== 0xfffd) count++;
    value = fixed;
  }
  if (UNSAFE.test(value)) {
    value = value.replace(UNSAFE_G, (c) => {
      count++;
      return escapeChar(c);
    });
  }
  return count === 0 ? { value: s, count: 0 } : { value, count };
}

/**
 * True when the string needs no neutralization (the fast path callers use first).
 *
 * @example
 * isLogSafe('plain text'); // true
 * isLogSafe('two\nlines'); // false
 */
export function isLogSafe(s: string): boolean {
  return !UNSAFE.test(s) && s.isWellFormed();
}

/**
 * Neutralize every string inside a JSON value (object keys included). Returns the same value when
 * nothing changed, so clean attributes are not copied.
 *
 * @example
 * neutralizeDeep({ 'x\n': ['a\rb'] }, counter); // { 'x\\n': ['a\\rb'] }, counter.count === 2
 */
export function neutralizeDeep(value: unknown, counter: { count: number }): unknown {
  if (typeof value === 'string') {
    if (isLogSafe(value)) return value;
    const n = neutralize(value);
    counter.count += n.count;
    return n.value;
  }
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const nv = neutralizeDeep(v, counter);
      if (nv !== v) {
        out ??= value.slice();
        out[i] = nv;
      }
    }
    return out ?? value;
  }
  const obj = value as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  for (const k of Object.keys(obj)) {
    const v = obj[k];
    const nv = neutralizeDeep(v, counter);
    const nk = isLogSafe(k) ? k : neutralize(k);
    const key = typeof nk === 'string' ? nk : nk.value;
    if (typeof nk !== 'string') counter.count += nk.count;
    if (nv !== v || key !== k) {
      out ??= { ...obj };
      if (key !== k) delete out[k];
      setOwn(out, key, nv);
    }
  }
  return out ?? value;
}
