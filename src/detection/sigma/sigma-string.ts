/**
 * Sigma string values: wildcards and escaping exactly as pySigma (ARCHITECTURE §8).
 *
 * `*` matches any run of characters, `?` exactly one. A backslash escapes only `*`, `?` and
 * `\` itself; before any other character, or at the end of the value, it is a literal
 * backslash (so `C:\Windows\*` is the literal `C:\Windows\` followed by a wildcard).
 *
 * @example
 * parseSigmaString('a\\*b*') // [{lit:'a*b'}, '*']
 */

export type SigmaPart = string | typeof ANY_TOKEN | typeof ONE_TOKEN;

/** Wildcards are symbols so that a literal `*` can never be confused with one. */
export const ANY_TOKEN: unique symbol = Symbol('sigma.any');
export const ONE_TOKEN: unique symbol = Symbol('sigma.one');

/** Literal runs are strings; wildcards are the two tokens. Adjacent literals are merged. */
export type SigmaString = SigmaPart[];

export function parseSigmaString(s: string): SigmaString {
  const out: SigmaString = [];
  let lit = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\') {
      const n = s[i + 1];
      if (n === '*' || n === '?' || n === '\\') {
        lit += n;
        i++;
      } else {
        lit += '\\';
      }
    } else if (c === '*' || c === '?') {
      if (lit) out.push(lit);
      lit = '';
      out.push(c === '*' ? ANY_TOKEN : ONE_TOKEN);
    } else {
      lit += c;
    }
  }
  if (lit) out.push(lit);
  return out;
}

/** A plain string with no wildcards (after escape processing). */
export function plainSigmaString(s: string): SigmaString {
  return s === '' ? [] : [s];
}

export function hasWildcards(v: SigmaString): boolean {
  return v.some((p) => typeof p !== 'string');
}

/** The literal text of a wildcard-free value; throws when it has wildcards. */
export function literalText(v: SigmaString, what: string): string {
  if (hasWildcards(v)) throw new Error(`${what} cannot be applied to a value with wildcards`);
  return v.join('');
}

export function mapLiterals(v: SigmaString, f: (s: string) => string): SigmaString {
  return normalize(v.map((p) => (typeof p === 'string' ? f(p) : p)));
}

export function normalize(v: SigmaPart[]): SigmaString {
  const out: SigmaString = [];
  for (const p of v) {
    if (p === '') continue;
    const last = out[out.length - 1];
    if (typeof p === 'string' && typeof last === 'string') out[out.length - 1] = last + p;
    else out.push(p);
  }
  return out;
}

/** `contains`: wrap in `*` unless already there (pySigma does the same). */
export function wrapContains(v: SigmaString): SigmaString {
  return withSuffixAny(withPrefixAny(v));
}
export function withPrefixAny(v: SigmaString): SigmaString {
  return v[0] === ANY_TOKEN ? v : [ANY_TOKEN, ...v];
}
export function withSuffixAny(v: SigmaString): SigmaString {
  return v[v.length - 1] === ANY_TOKEN ? v : [...v, ANY_TOKEN];
}

/** Render back to Sigma syntax (escaping literals), for messages and match reports. */
export function formatSigmaString(v: SigmaString): string {
  return v
    .map((p) =>
      p === ANY_TOKEN ? '*' : p === ONE_TOKEN ? '?' : p.replace(/[\\*?]/g, (c) => '\\' + c),
    )
    .join('');
}
