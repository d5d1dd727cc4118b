/**
 * A rule's `detection:` block → one predicate over an event view, compiled once at load
 * (STYLE habit 8). Selections are maps (AND of items), lists of maps (OR of maps) or lists of
 * plain values (keyword searches against the raw message); the condition combines them.
 *
 * @example
 * const d = compileDetection({ selection: { 'cs-method': 'POST' }, condition: 'selection' }, {});
 * d.match(createEventView((f) => (f === 'cs-method' ? 'post' : undefined), ['message'])) // true
 */
import { checkCondition, expandPattern, parseCondition } from './condition.js';
import type { ConditionNode } from './condition.js';
import { compileItem } from './compile-item.js';
import type { CompileOptions, ViewPredicate } from './compile-item.js';
import { createEventView } from './event-view.js';
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
  /**
   * The detection for the events whose `known` fields hold what they hold in `view`: the
   * items that read only known fields are decided on `view` and folded away. true or false
   * when that decides the rule, else the predicate over the other items. The engine's
   * dispatch plans are per (event.name, log.format, event.category), so their rules need not
   * test those again per event.
   */
  readonly specialize: (known: (field: string) => boolean, view: SigmaEventView) => Folded;
}

/** A predicate after folding: decided (true / false) or still to evaluate. */
export type Folded = ViewPredicate | boolean;

/** A selection as compiled: the OR of maps, each the AND of its items. */
type SelectionItems = ReadonlyArray<readonly ItemNode[]>;

interface ItemNode {
  readonly match: ViewPredicate;
  /** The fields the item reads; undefined for a keyword item (the keyword fields). */
  readonly reads: readonly string[] | undefined;
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
  const selections = new Map<string, SelectionItems>();
  const selReqs = new Map<string, Requirement>();
  for (const [name, body] of Object.entries(detection)) {
    if (NON_SELECTION_KEYS.has(name)) continue;
    try {
      const r = compileSelection(body, opts);
      r.fields.forEach((f) => fields.add(f));
      usesKeywords ||= r.usesKeywords;
      selections.set(name, r.items);
      selReqs.set(name, r.requirement);
    } catch (e) {
      throw new Error(`selection '${name}': ${(e as Error).message}`, { cause: e });
    }
  }
  const names = [...selections.keys()];
  const reqs: Requirement[] = [];
  const asts = (conditions as string[]).map((c) => {
    try {
      const ast = parseCondition(c);
      checkCondition(ast, names);
      reqs.push(conditionRequirement(ast, selReqs));
      return ast;
    } catch (e) {
      const msg = (e as Error).message;
      throw new Error(msg.startsWith('condition') ? msg : `condition: ${msg}`, { cause: e });
    }
  });
  const specialize = (known: (field: string) => boolean, view: SigmaEventView): Folded => {
    const folded = new Map<string, Folded>();
    for (const [name, items] of selections) folded.set(name, foldSelection(items, known, view));
    // A list of conditions (Sigma v1) is their OR.
    return anyOf(asts.map((ast) => foldCondition(ast, names, folded)));
  };
  // Nothing known: every item stays, and the view is never read.
  const whole = specialize(
    () => false,
    createEventView(() => undefined, []),
  );
  const match = typeof whole === 'boolean' ? () => whole : whole;
  return { match, fields: [...fields], usesKeywords, requirement: reqOr(reqs), specialize };
}

/** A selection with the items that read only known fields decided on `view`. */
function foldSelection(
  maps: SelectionItems,
  known: (field: string) => boolean,
  view: SigmaEventView,
): Folded {
  return anyOf(
    maps.map((items) =>
      allOf(
        items.map((it) =>
          it.reads !== undefined && it.reads.every(known) ? it.match(view) : it.match,
        ),
      ),
    ),
  );
}

/** A condition over folded selections, folded in turn (the semantics of compileCondition). */
function foldCondition(
  ast: ConditionNode,
  names: readonly string[],
  selections: ReadonlyMap<string, Folded>,
): Folded {
  const get = (n: string): Folded => selections.get(n)!;
  const fold = (n: ConditionNode): Folded => {
    switch (n.type) {
      case 'ref':
        // A bare wildcard identifier means "1 of" the matching selections (pySigma).
        return n.name.includes('*') ? anyOf(expandPattern(n.name, names).map(get)) : get(n.name);
      case 'of': {
        const parts = expandPattern(n.pattern, names).map(get);
        return n.quantifier === 'all' ? allOf(parts) : anyOf(parts);
      }
      case 'not': {
        const p = fold(n.arg);
        return typeof p === 'boolean' ? !p : (view) => !p(view);
      }
      case 'and':
        return allOf(n.args.map(fold));
      case 'or':
        return anyOf(n.args.map(fold));
    }
  };
  return fold(ast);
}

interface CompiledSelection {
  readonly items: SelectionItems;
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
      items: [[{ match: compileItem('', plain, opts), reads: undefined }]],
      fields: [],
      usesKeywords: true,
      requirement: itemRequirement('', plain, opts),
    });
  }
  return {
    items: parts.flatMap((p) => p.items),
    fields: parts.flatMap((p) => p.fields),
    usesKeywords: parts.some((p) => p.usesKeywords),
    requirement: reqOr(parts.map((p) => p.requirement)),
  };
}

function compileMap(map: { [key: string]: YamlValue }, opts: CompileOptions): CompiledSelection {
  const entries = Object.entries(map);
  if (entries.length === 0) throw new Error('is an empty map');
  const items: ItemNode[] = [];
  const reqs: Requirement[] = [];
  const fields: string[] = [];
  let usesKeywords = false;
  for (const [key, value] of entries) {
    const field = key.split('|')[0]!;
    const reads: string[] = [];
    if (field === '') usesKeywords = true;
    else {
      reads.push(field);
      // fieldref reads a second field.
      if (key.split('|').includes('fieldref'))
        for (const v of Array.isArray(value) ? value : [value])
          if (typeof v === 'string') reads.push(v);
    }
    items.push({ match: compileItem(key, value, opts), reads: field === '' ? undefined : reads });
    reqs.push(itemRequirement(key, value, opts));
    fields.push(...reads);
  }
  return { items: [items], fields, usesKeywords, requirement: reqAnd(reqs) };
}

/** AND of folded parts: false if one is, true if all are, else the predicates left (two and three, the usual counts, without a loop). */
function allOf(parts: readonly Folded[]): Folded {
  if (parts.includes(false)) return false;
  const preds = parts.filter((p): p is ViewPredicate => p !== true);
  const [a, b, c] = preds as [ViewPredicate, ViewPredicate, ViewPredicate];
  switch (preds.length) {
    case 0:
      return true;
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

/** OR of folded parts: true if one is, false if all are, else the predicates left. */
function anyOf(parts: readonly Folded[]): Folded {
  if (parts.includes(true)) return true;
  const preds = parts.filter((p): p is ViewPredicate => p !== false);
  const [a, b] = preds as [ViewPredicate, ViewPredicate];
  switch (preds.length) {
    case 0:
      return false;
    case 1:
      return a;
    case 2:
      return (view) => a(view) || b(view);
    default:
      return (view) => {
        for (const p of preds) if (p(view)) return true;
        return false;
      };
  }
}
