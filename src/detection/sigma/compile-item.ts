/**
 * One detection item (`field|mod|mod: value(s)`) → a predicate over an event view. Everything
 * that can be decided at load is decided here, so matching is a few string calls.
 *
 * Semantics (Sigma v2 + ARCHITECTURE §8): case-insensitive unless `cased`; `null` = field missing
 * or null; `''` = empty string only; lists are OR unless `all`; a field holding an array matches
 * when any element does; numbers and booleans compare by their string form; `neq` negates the
 * whole item (so a missing field satisfies `neq`, like `not`).
 *
 * @example
 * const p = compileItem('cs-uri-query|contains', ["' or 1=1", 'union select'], {});
 * p(view) // true when the query contains either
 */
import { affixAny, compileGlob, containsAny, globShape } from './glob.js';
import type { GlobShape, StringTest } from './glob.js';
import {
  COMPARE_MODIFIERS,
  TRANSFORM_MODIFIERS,
  WILDCARD_MODIFIERS,
  applyTransform,
  isKnownModifier,
} from './modifiers.js';
import type { ChainValue, Placeholders } from './modifiers.js';
import type { SigmaString } from './sigma-string.js';
import {
  mapLiterals,
  parseSigmaString,
  withPrefixAny,
  withSuffixAny,
  wrapContains,
} from './sigma-string.js';
import { anyValue, fieldId, onValues, stringForm } from './event-view.js';
import { compileCompare } from './compare-item.js';
import type { SafeRegex } from './regex.js';
import type { SigmaEventView } from './event-view.js';
import type { YamlValue } from './yaml-source.js';

export type ViewPredicate = (view: SigmaEventView) => boolean;

export interface CompileOptions {
  readonly placeholders?: Placeholders;
  readonly maxRegexInputChars?: number;
  /** Called for each regex compiled (the engine counts which engine each uses). */
  readonly onRegex?: (re: SafeRegex) => void;
  readonly onRegexTruncate?: () => void;
}

/** Compile `key: value` of a selection map. `key` '' or starting with `|` is a keyword item. */
export function compileItem(key: string, value: YamlValue, opts: CompileOptions): ViewPredicate {
  const [rawField, ...mods] = key.split('|');
  const field = rawField === '' ? undefined : rawField!;
  for (const m of mods) {
    if (!isKnownModifier(m)) throw new Error(`unknown modifier '${m}' in '${key}'`);
  }
  const compares = mods.filter((m) => COMPARE_MODIFIERS.has(m));
  if (compares.length > 1)
    throw new Error(`'${key}' combines comparison modifiers ${compares.join(' and ')}`);
  const compare = compares[0];
  const all = mods.includes('all');
  const cased = mods.includes('cased');
  const neq = mods.includes('neq');
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    throw new Error(`'${key}' has a map as value; expected a string, number or list`);
  }
  const values: Array<string | null> = Array.isArray(value)
    ? (value as Array<string | null>)
    : [value];
  if (values.length === 0) throw new Error(`'${key}' has an empty value list`);
  for (const v of values) {
    if (typeof v === 'object' && v !== null)
      throw new Error(`'${key}' has a nested list or map in its values`);
  }
  if (compare !== undefined && mods.some((m) => TRANSFORM_MODIFIERS.has(m))) {
    const t = mods.find((m) => TRANSFORM_MODIFIERS.has(m));
    throw new Error(`modifier '${t}' cannot be combined with '${compare}' in '${key}'`);
  }
  if (
    compare !== 're' &&
    mods.some((m) => ['i', 'm', 's', 'ignorecase', 'multiline', 'dotall'].includes(m))
  ) {
    throw new Error(`regex flags in '${key}' need the 're' modifier before them`);
  }
  let pred: ViewPredicate;
  const strings = values.filter((v): v is string => v !== null);
  if (compare === undefined && strings.length > 1 && (strings.length === values.length || !all)) {
    // The common case (a list of strings): read and lowercase the field once, then run every
    // value's test on it — one field read per item instead of one per value (bench/sigma.mjs).
    let tests = strings.map((v) => stringTestFor(field, mods, v, cased, opts));
    if (!all) tests = groupedTests(strings, tests, (v) => stringChain(field, mods, v, opts), cased);
    const test: StringTest = all
      ? (s) => {
          for (const t of tests) if (!t(s)) return false;
          return true;
        }
      : (s) => {
          for (const t of tests) if (t(s)) return true;
          return false;
        };
    const stringPred = onStrings(field, cased, test);
    if (strings.length === values.length) pred = stringPred;
    else {
      const nullPred = compileValue(field, key, mods, compare, null, cased, opts);
      pred = (view) => nullPred(view) || stringPred(view);
    }
    return neq ? (view) => !pred(view) : pred;
  }
  const preds = values.map((v) => compileValue(field, key, mods, compare, v, cased, opts));
  if (preds.length === 1) pred = preds[0]!;
  else if (all) pred = (view) => preds.every((p) => p(view));
  else pred = (view) => preds.some((p) => p(view));
  if (neq) {
    const inner = pred;
    pred = (view) => !inner(view);
  }
  return pred;
}

/**
 * The tests of a list of values (any matches), with the values of one common shape grouped
 * into one test: exact values into one Set lookup (SigmaHQ's user-agent lists hold a hundred
 * of them, bench/sigma.mjs) or a loop of comparisons; four or more `contains` values into one
 * pass over the text (containsAny), `startswith` / `endswith` ones into a lookup by their
 * first / last character (affixAny).
 */
function groupedTests(
  strings: readonly string[],
  tests: readonly StringTest[],
  chainOf: (v: string) => SigmaString[],
  cased: boolean,
): StringTest[] {
  // Per shape, the literals of the values that have only that shape, and those values' tests.
  const groups = new Map<GlobShape['op'], { lits: string[]; tests: StringTest[] }>();
  const out: StringTest[] = [];
  strings.forEach((v, i) => {
    const shapes = chainOf(v).map((c) => globShape(caseFolded(c, cased)));
    const op = shapes[0]?.op;
    const fits = (g: GlobShape | undefined): boolean =>
      g !== undefined && g.op === op && g.lit.length >= (op === 'contains' ? 2 : 1);
    if (op === undefined || !shapes.every(fits)) {
      out.push(tests[i]!);
      return;
    }
    let g = groups.get(op);
    if (g === undefined) groups.set(op, (g = { lits: [], tests: [] }));
    for (const x of shapes) g.lits.push(x!.lit);
    g.tests.push(tests[i]!);
  });
  for (const [op, g] of groups) {
    const lits = g.lits;
    if (op === 'equals') {
      const exact = new Set(lits);
      out.unshift(exact.size > 4 ? (s) => exact.has(s) : (s) => lits.includes(s));
    } else if (lits.length >= 4)
      out.unshift(op === 'contains' ? containsAny(lits) : affixAny(op, lits));
    else out.push(...g.tests);
  }
  return out;
}

function compileValue(
  field: string | undefined,
  key: string,
  mods: string[],
  compare: string | undefined,
  v: string | null,
  cased: boolean,
  opts: CompileOptions,
): ViewPredicate {
  if (v === null) {
    if (
      compare !== undefined ||
      mods.some((m) => WILDCARD_MODIFIERS.has(m) || TRANSFORM_MODIFIERS.has(m))
    ) {
      throw new Error(`'${key}' compares with null, which only plain 'field: null' can do`);
    }
    if (field === undefined) throw new Error(`keyword search '${key}' cannot be null`);
    const id = fieldId(field);
    return (view) => {
      const x = view.getId(id);
      return x === undefined || x === null;
    };
  }
  if (compare !== undefined) return compileCompare(field, key, mods, compare, v, cased, opts);
  return compileStringValue(field, mods, v, cased, opts);
}

function compileStringValue(
  field: string | undefined,
  mods: string[],
  raw: string,
  cased: boolean,
  opts: CompileOptions,
): ViewPredicate {
  const chain = stringChain(field, mods, raw, opts);
  const shape = chain.length === 1 ? globShape(caseFolded(chain[0]!, cased)) : undefined;
  if (field !== undefined && shape?.op === 'equals') {
    // The commonest item (`event.name: x`): the comparison inline, no test function called.
    const id = fieldId(field);
    const lit = shape.lit;
    const slow = stringTest((s) => s === lit);
    return cased
      ? (view) => {
          const x = view.getId(id);
          return typeof x === 'string' ? x === lit : anyValue(x, slow);
        }
      : (view) => {
          const x = view.lowerId(id);
          return typeof x === 'string' ? x === lit : anyValue(x, slow);
        };
  }
  return onStrings(field, cased, chainTest(chain, cased));
}

/** `test` of the string form of a value (false for values without one). */
function stringTest(test: StringTest): (x: unknown) => boolean {
  return (x) => {
    const s = stringForm(x);
    return s !== undefined && test(s);
  };
}

const readRaw = (view: SigmaEventView, id: number): unknown => view.getId(id);
const readLower = (view: SigmaEventView, id: number): unknown => view.lowerId(id);

/**
 * `test` on the field's text (lowercased unless cased), any array element, or any keyword
 * field. A string value, the usual case, is tested without going through anyValue and
 * stringForm (bench/scan.mjs --parts, auth.log).
 */
function onStrings(field: string | undefined, cased: boolean, test: StringTest): ViewPredicate {
  const slow = stringTest(test);
  if (field === undefined) return onValues(undefined, cased ? readRaw : readLower, slow);
  const id = fieldId(field);
  return cased
    ? (view) => {
        const x = view.getId(id);
        return typeof x === 'string' ? test(x) : anyValue(x, slow);
      }
    : (view) => {
        const x = view.lowerId(id);
        return typeof x === 'string' ? test(x) : anyValue(x, slow);
      };
}

function caseFolded(s: SigmaString, cased: boolean): SigmaString {
  return cased ? s : mapLiterals(s, (t) => t.toLowerCase());
}

/** One string value through its modifier chain → the Sigma strings it stands for (OR). */
export function stringChain(
  field: string | undefined,
  mods: readonly string[],
  raw: string,
  opts: CompileOptions,
): SigmaString[] {
  let chain: ChainValue[] = [{ s: parseSigmaString(raw), bytes: false }];
  let placed = false;
  for (const m of mods) {
    if (TRANSFORM_MODIFIERS.has(m)) chain = applyTransform(m, chain, opts.placeholders ?? {});
    else if (m === 'contains') chain = chain.map((c) => ({ ...c, s: wrapContains(c.s) }));
    else if (m === 'startswith') chain = chain.map((c) => ({ ...c, s: withSuffixAny(c.s) }));
    else if (m === 'endswith') chain = chain.map((c) => ({ ...c, s: withPrefixAny(c.s) }));
    if (WILDCARD_MODIFIERS.has(m)) placed = true;
  }
  // Keyword searches look for the value anywhere in the raw message (full-text semantics).
  if (field === undefined && !placed) chain = chain.map((c) => ({ ...c, s: wrapContains(c.s) }));
  return chain.map((c) => c.s);
}

/** One string value → a test on the (lowercased unless cased) field text. */
function stringTestFor(
  field: string | undefined,
  mods: string[],
  raw: string,
  cased: boolean,
  opts: CompileOptions,
): StringTest {
  return chainTest(stringChain(field, mods, raw, opts), cased);
}

/** The test of a value's Sigma strings (any of them matches). */
function chainTest(chain: readonly SigmaString[], cased: boolean): StringTest {
  const tests: StringTest[] = chain.map((s) => compileGlob(caseFolded(s, cased)));
  return tests.length === 1 ? tests[0]! : (s) => tests.some((t) => t(s));
}
