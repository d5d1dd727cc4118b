/**
 * A rule's `detection:` block → one predicate over an event view, compiled once at load
 * (STYLE habit 8). Selections are maps (AND of items), lists of maps (OR of maps) or lists of
 * plain values (keyword searches against the raw message); the condition combines them.
 *
 * @example
 * const d = compileDetection({ selection: { 'cs-method': 'POST' }, condition: 'selection' }, {});
 * d.match(createEventView((f) => (f === 'cs-method' ? 'post' : undefined), ['message'])) // true
 */
import { compileCondition, parseCondition } from './condition.js';
import { compileItem } from './compile-item.js';
import type { CompileOptions, ViewPredicate } from './compile-item.js';
import type { SigmaEventView } from './event-view.js';
import { isYamlMap } from './yaml-source.js';
import type { YamlValue } from './yaml-source.js';
import { conditionRequirement, itemRequirement, reqAnd, reqOr } from './prefilter.js';
import type { Requirement } from './prefilter.js';

export type { CompileOptions } from './compile-item.js';

export interface CompiledDetection {
  readonly match: (view: SigmaEventView) => boolean;
  readonly fields: readonly string[];
  readonly usesKeywords: boolean;
  /** Literals at least one of which must be present for a match (see prefilter.ts). */
  readonly requirement: Requirement;
}

const NON_SELECTION_KEYS = new Set(['condition', 'timeframe']);

export function compileDetection(
  detection: YamlValue | undefined,
  opts: CompileOptions,
): CompiledDetection {
  if (!isYamlMap(detection))
    throw new Error("'detection' must be a map of selections and a condition");
  const cond = detection['condition'];
  if (cond === undefined || cond === null) throw new Error("'detection' has no 'condition'");
  const conditions = Array.isArray(cond) ? cond : [cond];
  if (conditions.length === 0 || conditions.some((c) => typeof c !== 'string')) {
    throw new Error("'detection.condition' must be a string (or a list of strings)");
  }
  const fields = new Set<string>();
  let usesKeywords = false;
  const selections = new Map<string, ViewPredicate>();
  const selReqs = new Map<string, Requirement>();
  for (const [name, body] of Object.entries(detection)) {
    if (NON_SELECTION_KEYS.has(name)) continue;
    try {
      const r = compileSelection(body, opts);
      r.fields.forEach((f) => fields.add(f));
      usesKeywords ||= r.usesKeywords;
      selections.set(name, r.match);
      selReqs.set(name, r.requirement);
    } catch (e) {
      throw new Error(`selection '${name}': ${(e as Error).message}`, { cause: e });
    }
  }
  const reqs: Requirement[] = [];
  const preds = (conditions as string[]).map((c) => {
    try {
      const ast = parseCondition(c);
      const pred = compileCondition(ast, selections);
      reqs.push(conditionRequirement(ast, selReqs));
      return pred;
    } catch (e) {
      const msg = (e as Error).message;
      throw new Error(msg.startsWith('condition') ? msg : `condition: ${msg}`, { cause: e });
    }
  });
  // A list of conditions (Sigma v1) is their OR.
  const match: ViewPredicate =
    preds.length === 1 ? preds[0]! : (view) => preds.some((p) => p(view));
  return { match, fields: [...fields], usesKeywords, requirement: reqOr(reqs) };
}

interface CompiledSelection {
  readonly match: ViewPredicate;
  readonly fields: string[];
  readonly usesKeywords: boolean;
  readonly requirement: Requirement;
}

function compileSelection(body: YamlValue, opts: CompileOptions): CompiledSelection {
  if (isYamlMap(body)) return compileMap(body, opts);
  if (body === null) throw new Error('is empty');
  const items = Array.isArray(body) ? body : [body];
  if (items.length === 0) throw new Error('is an empty list');
  const maps = items.filter(isYamlMap);
  const plain = items.filter((x) => !isYamlMap(x));
  const parts: CompiledSelection[] = maps.map((m) => compileMap(m, opts));
  if (plain.length > 0) {
    if (plain.some((x) => Array.isArray(x))) throw new Error('has a nested list');
    // A list of plain values is a keyword search: any of them in the raw message.
    parts.push({
      match: compileItem('', plain, opts),
      fields: [],
      usesKeywords: true,
      requirement: itemRequirement('', plain, opts),
    });
  }
  const preds = parts.map((p) => p.match);
  return {
    match: preds.length === 1 ? preds[0]! : (view) => preds.some((p) => p(view)),
    fields: parts.flatMap((p) => p.fields),
    usesKeywords: parts.some((p) => p.usesKeywords),
    requirement: reqOr(parts.map((p) => p.requirement)),
  };
}

function compileMap(map: { [key: string]: YamlValue }, opts: CompileOptions): CompiledSelection {
  const entries = Object.entries(map);
  if (entries.length === 0) throw new Error('is an empty map');
  const preds: ViewPredicate[] = [];
  const reqs: Requirement[] = [];
  const fields: string[] = [];
  let usesKeywords = false;
  for (const [key, value] of entries) {
    preds.push(compileItem(key, value, opts));
    reqs.push(itemRequirement(key, value, opts));
    const field = key.split('|')[0]!;
    if (field === '') usesKeywords = true;
    else {
      fields.push(field);
      // fieldref reads a second field.
      if (key.split('|').includes('fieldref'))
        for (const v of Array.isArray(value) ? value : [value])
          if (typeof v === 'string') fields.push(v);
    }
  }
  return { match: allOf(preds), fields, usesKeywords, requirement: reqAnd(reqs) };
}

/** AND of a map's items; two and three items, the usual counts, without a loop. */
function allOf(preds: readonly ViewPredicate[]): ViewPredicate {
  const [a, b, c] = preds as [ViewPredicate, ViewPredicate, ViewPredicate];
  switch (preds.length) {
    case 1:
      return a;
    case 2:
      return (view) => a(view) && b(view);
    case 3:
      return (view) => a(view) && b(view) && c(view);
    default:
      return (view) => {
        for (const p of preds) if (!p(view)) return false;
        return true;
      };
  }
}
