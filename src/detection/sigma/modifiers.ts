/**
 * Sigma value modifiers (specification v2, appendix "Modifiers"): the names we know, which of
 * them transform values, and the transformations themselves. Transformations run left to right
 * in the order the rule writes them, as in pySigma (`|utf16le|base64offset|contains`).
 *
 * @example
 * base64offset(plainSigmaString('http://')) // ['aHR0cDovL', 'h0dHA6Ly', 'odHRwOi8v'] (as SigmaStrings)
 */
import { hasWildcards, mapLiterals, parseSigmaString, plainSigmaString } from './sigma-string.js';
import type { SigmaString } from './sigma-string.js';

/** Modifiers that transform each value into one or more values. */
export const TRANSFORM_MODIFIERS = new Set([
  'base64',
  'base64offset',
  'utf16le',
  'utf16be',
  'utf16',
  'wide',
  'windash',
  'expand',
]);
/** Modifiers that choose how a value is compared (at most one of these per item). */
export const COMPARE_MODIFIERS = new Set([
  're',
  'cidr',
  'exists',
  'fieldref',
  'gt',
  'gte',
  'lt',
  'lte',
]);
/** Wildcard placement modifiers (string comparison). */
export const WILDCARD_MODIFIERS = new Set(['contains', 'startswith', 'endswith']);
/** Flags: list semantics, case, negation, regex sub-modifiers (short and long names as pySigma). */
export const FLAG_MODIFIERS = new Set([
  'all',
  'cased',
  'neq',
  'i',
  'm',
  's',
  'ignorecase',
  'multiline',
  'dotall',
]);

export function isKnownModifier(m: string): boolean {
  return (
    TRANSFORM_MODIFIERS.has(m) ||
    COMPARE_MODIFIERS.has(m) ||
    WILDCARD_MODIFIERS.has(m) ||
    FLAG_MODIFIERS.has(m)
  );
}

/**
 * A value in the transformation chain. `bytes` means the literal parts hold one byte per
 * character (latin1) after a UTF-16 encoding, waiting for a base64 step.
 */
export interface ChainValue {
  readonly s: SigmaString;
  readonly bytes: boolean;
}

export type Placeholders = Readonly<Record<string, string | readonly string[]>>;

const DASHES = ['-', '/', '\u2013', '\u2014', '\u2015'];
// pySigma's windash pattern: a `-` or `/` that starts a word (not preceded by a word character,
// followed by one), so ` -enc` and `/c` vary but `a-b` and `C:/x` stay.
const WINDASH_RE = /\B[-/]\b/g;

export function applyTransform(
  name: string,
  values: ChainValue[],
  placeholders: Placeholders,
): ChainValue[] {
  const out: ChainValue[] = [];
  for (const v of values) {
    switch (name) {
      case 'base64':
        out.push({ s: plainSigmaString(toBuffer(v, 'base64').toString('base64')), bytes: false });
        break;
      case 'base64offset':
        for (const s of base64offset(toBuffer(v, 'base64offset')))
          out.push({ s: plainSigmaString(s), bytes: false });
        break;
      case 'utf16le':
      case 'wide':
        out.push({
          s: mapLiterals(v.s, (t) => Buffer.from(t, 'utf16le').toString('latin1')),
          bytes: true,
        });
        break;
      case 'utf16be':
        out.push({ s: mapLiterals(v.s, (t) => utf16be(t).toString('latin1')), bytes: true });
        break;
      case 'utf16': {
        // BOM (FF FE) then little-endian, as pySigma; the BOM goes before the first literal.
        const enc = mapLiterals(v.s, (t) => Buffer.from(t, 'utf16le').toString('latin1'));
        out.push({
          s:
            typeof enc[0] === 'string'
              ? ['\xff\xfe' + enc[0], ...enc.slice(1)]
              : ['\xff\xfe', ...enc],
          bytes: true,
        });
        break;
      }
      case 'windash': {
        const seen = new Set<string>();
        for (const d of DASHES) {
          const s = mapLiterals(v.s, (t) => t.replace(WINDASH_RE, d));
          const key = JSON.stringify(
            s.map((p) => (typeof p === 'string' ? p : String(p.description))),
          );
          if (!seen.has(key)) {
            seen.add(key);
            out.push({ s, bytes: v.bytes });
          }
        }
        break;
      }
      case 'expand':
        for (const s of expand(v.s, placeholders)) out.push({ s, bytes: v.bytes });
        break;
      default:
        throw new Error(`internal: ${name} is not a transform`);
    }
  }
  return out;
}

function toBuffer(v: ChainValue, modifier: string): Buffer {
  if (hasWildcards(v.s))
    throw new Error(`modifier '${modifier}' cannot encode a value with wildcards`);
  const text = v.s.join('');
  return v.bytes ? Buffer.from(text, 'latin1') : Buffer.from(text, 'utf8');
}

function utf16be(t: string): Buffer {
  const b = Buffer.from(t, 'utf16le');
  return b.swap16();
}

/**
 * The three base64 renderings of `value` at byte offsets 0, 1 and 2 inside a longer encoded
 * blob, with the characters that depend on neighbouring bytes cut off (pySigma's
 * SigmaBase64OffsetModifier: start offsets 0, 2, 3; end cut by (len + i) mod 3).
 */
export function base64offset(value: Buffer): string[] {
  const startOffsets = [0, 2, 3];
  const endOffsets = [undefined, -3, -2];
  const out: string[] = [];
  for (let i = 0; i < 3; i++) {
    const enc = Buffer.concat([Buffer.alloc(i, 0x20), value]).toString('base64');
    out.push(enc.slice(startOffsets[i], endOffsets[(value.length + i) % 3]));
  }
  return out;
}

const PLACEHOLDER_RE = /%([A-Za-z0-9_.-]+)%/g;

/** Replace `%name%` placeholders by each configured value (cartesian product over several). */
function expand(v: SigmaString, placeholders: Placeholders): SigmaString[] {
  let results: SigmaString[] = [[]];
  for (const part of v) {
    if (typeof part !== 'string') {
      results = results.map((r) => [...r, part]);
      continue;
    }
    const pieces: Array<string | string[]> = [];
    let last = 0;
    for (const m of part.matchAll(PLACEHOLDER_RE)) {
      pieces.push(part.slice(last, m.index));
      const name = m[1]!;
      const value = Object.prototype.hasOwnProperty.call(placeholders, name)
        ? placeholders[name]
        : undefined;
      if (value === undefined)
        throw new Error(`placeholder '%${name}%' has no value (give it in placeholders)`);
      const list = typeof value === 'string' ? [value] : [...value];
      if (list.length === 0) throw new Error(`placeholder '%${name}%' has an empty value list`);
      pieces.push(list);
      last = m.index + m[0].length;
    }
    pieces.push(part.slice(last));
    for (const piece of pieces) {
      if (typeof piece === 'string') {
        results = results.map((r) => [...r, piece]);
      } else {
        // Placeholder values are Sigma strings themselves: their wildcards count.
        results = results.flatMap((r) => piece.map((val) => [...r, ...parseSigmaString(val)]));
      }
    }
  }
  return results.map((r) => mapLiterals(r, (t) => t));
}

/** Names of the placeholders a value uses (for load errors and rule listings). */
export function placeholderNames(raw: string): string[] {
  return [...raw.matchAll(PLACEHOLDER_RE)].map((m) => m[1]!);
}
