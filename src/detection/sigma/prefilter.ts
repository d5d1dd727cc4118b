/**
 * Literal prefilter: skip rules that cannot match an event without running them.
 *
 * At load, each rule gets a requirement: a set of (field, literal) pairs at least one of which
 * must occur in the event (lowercased) for the rule to have any chance, or `always` when no
 * such set can be proven (regexes, numeric comparisons, `not`-only conditions...). Literals
 * come from the values after all modifiers (windash, base64offset, expand variants included),
 * so skipping is exact: a skipped rule would have returned false.
 *
 * At run time the literals of all rules are indexed per field by their first three characters
 * (a 64 Ki-bit trigram bitmap, then a map), so one pass over each field's text finds every
 * present literal whatever the number of rules. Measured in bench/sigma.mjs: on a benign
 * request this turns ~140 rule evaluations into a handful.
 *
 * @example
 * const pf = createPrefilter([{ requirement: [{ field: 'cs-uri-query', literal: 'union' }], slot: 0 }], sources);
 * const marks = pf.candidates([view], () => view); // marks[0] === 1 only if 'union' occurs
 */
import { COMPARE_MODIFIERS } from './modifiers.js';
import type { CompileOptions } from './compile-item.js';
import { stringChain } from './compile-item.js';
import type { ConditionNode } from './condition.js';
import { expandPattern } from './condition.js';
import { fieldId } from './event-view.js';
import type { SigmaEventView } from './event-view.js';
import type { YamlValue } from './yaml-source.js';

/** `field` undefined = the keyword fields. */
export interface Anchor {
  readonly field: string | undefined;
  readonly literal: string;
}
export type Requirement = 'always' | readonly Anchor[];

const MIN_LITERAL = 3;

/** The anchor set of one detection item, or 'always'. */
export function itemRequirement(key: string, value: YamlValue, opts: CompileOptions): Requirement {
  const [rawField, ...mods] = key.split('|');
  const field = rawField === '' ? undefined : rawField;
  if (mods.includes('neq') || mods.some((m) => COMPARE_MODIFIERS.has(m))) return 'always';
  const values = Array.isArray(value) ? value : [value];
  if (values.some((v) => typeof v !== 'string')) return 'always';
  const perValue: Array<string[] | undefined> = (values as string[]).map((v) => {
    const lits = stringChain(field, mods, v, opts).map(longestLiteral);
    return lits.every((l) => l.length >= MIN_LITERAL) ? lits : undefined;
  });
  if (mods.includes('all')) {
    // Every value must match: the value with the longest shortest-literal is enough.
    const best = perValue
      .filter((x): x is string[] => x !== undefined)
      .sort((a, b) => Math.min(...b.map((l) => l.length)) - Math.min(...a.map((l) => l.length)))[0];
    return best ? best.map((literal) => ({ field, literal })) : 'always';
  }
  if (perValue.some((x) => x === undefined)) return 'always';
  return perValue.flatMap((lits) => lits!.map((literal) => ({ field, literal })));
}

function longestLiteral(s: readonly unknown[]): string {
  let best = '';
  for (const p of s) if (typeof p === 'string' && p.length > best.length) best = p;
  return best.toLowerCase();
}

/** AND: any one requirement is necessary; keep the most selective (longest shortest literal). */
export function reqAnd(reqs: readonly Requirement[]): Requirement {
  let best: Requirement = 'always';
  for (const r of reqs) {
    if (r === 'always') continue;
    if (best === 'always' || score(r) > score(best)) best = r;
  }
  return best;
}

/** OR: every branch must be anchored, and any of their anchors may be the one present. */
export function reqOr(reqs: readonly Requirement[]): Requirement {
  if (reqs.length === 0 || reqs.some((r) => r === 'always')) return 'always';
  return (reqs as ReadonlyArray<readonly Anchor[]>).flat();
}

function score(r: readonly Anchor[]): number {
  // Fewer and longer literals skip more rules.
  return Math.min(...r.map((a) => a.literal.length)) - r.length / 100;
}

export function conditionRequirement(
  ast: ConditionNode,
  selections: ReadonlyMap<string, Requirement>,
): Requirement {
  const names = [...selections.keys()];
  const of = (n: string): Requirement => selections.get(n) ?? 'always';
  switch (ast.type) {
    case 'ref':
      return ast.name.includes('*') ? reqOr(expandPattern(ast.name, names).map(of)) : of(ast.name);
    case 'of': {
      const reqs = expandPattern(ast.pattern, names).map(of);
      return ast.quantifier === 'all' ? reqAnd(reqs) : reqOr(reqs);
    }
    case 'not':
      return 'always';
    case 'and':
      return reqAnd(ast.args.map((a) => conditionRequirement(a, selections)));
    case 'or':
      return reqOr(ast.args.map((a) => conditionRequirement(a, selections)));
  }
}

interface FieldIndex {
  /** Which view (taxonomy slot) and Sigma field to read the text from. */
  readonly slot: number;
  readonly field: string;
  /** fieldId(field) */
  readonly id: number;
  readonly bitmap: Uint8Array;
  readonly byTrigram: Map<number, Candidate[]>;
}

interface Candidate {
  readonly literal: string;
  /** Its length - 1 and last character code: checked before startsWith. */
  readonly last: number;
  readonly lastCode: number;
  readonly rules: number[];
}

export interface Prefilter {
  /**
   * Marks (1) the rules whose requirement is met; `always` rules are always 1. The array is
   * reused by the next call: read it before.
   */
  candidates(
    views: ReadonlyArray<SigmaEventView | undefined>,
    makeView: (slot: number) => SigmaEventView,
  ): Uint8Array;
}

export interface PrefilterEntry {
  readonly requirement: Requirement;
  /** Index of the view (one per taxonomy) the rule reads. */
  readonly slot: number;
}

export interface PrefilterSources {
  /** Canonical source of a Sigma field in a slot: equal keys read the same text, scanned once. */
  keyOf(slot: number, field: string): string;
  keywordFieldsOf(slot: number): readonly string[];
}

const trigram = (s: string, i: number): number =>
  ((s.charCodeAt(i) & 0xffff) * 961 +
    (s.charCodeAt(i + 1) & 0xffff) * 31 +
    (s.charCodeAt(i + 2) & 0xffff)) >>>
  0;

export function createPrefilter(
  entries: readonly PrefilterEntry[],
  sources: PrefilterSources,
): Prefilter {
  const base = new Uint8Array(entries.length);
  // canonical source → where to read it, and literal → rules
  const byKey = new Map<string, { slot: number; field: string; lits: Map<string, number[]> }>();
  const add = (slot: number, field: string, literal: string, rule: number): void => {
    const key = sources.keyOf(slot, field);
    let e = byKey.get(key);
    if (!e) byKey.set(key, (e = { slot, field, lits: new Map() }));
    const list = e.lits.get(literal) ?? [];
    if (!list.includes(rule)) list.push(rule);
    e.lits.set(literal, list);
  };
  entries.forEach((entry, i) => {
    const r = entry.requirement;
    if (r === 'always') {
      base[i] = 1;
      return;
    }
    for (const a of r) {
      if (a.field !== undefined) add(entry.slot, a.field, a.literal, i);
      // A keyword anchor may be found in any of the keyword fields.
      else for (const f of sources.keywordFieldsOf(entry.slot)) add(entry.slot, f, a.literal, i);
    }
  });
  const indexes: FieldIndex[] = [];
  for (const { slot, field, lits } of byKey.values()) {
    const bitmap = new Uint8Array(8192); // 65,536 bits
    const byTrigram = new Map<number, Candidate[]>();
    for (const [literal, rules] of lits) {
      const h = trigram(literal, 0);
      bitmap[(h & 0xffff) >>> 3]! |= 1 << (h & 7);
      const list = byTrigram.get(h) ?? [];
      const last = literal.length - 1;
      list.push({ literal, last, lastCode: literal.charCodeAt(last), rules });
      byTrigram.set(h, list);
    }
    indexes.push({ slot, field, id: fieldId(field), bitmap, byTrigram });
  }
  const scan = (text: string, ix: FieldIndex, marks: Uint8Array): void => {
    const { bitmap, byTrigram } = ix;
    const n = text.length;
    if (n < 3) return;
    // Rolling trigram: one charCodeAt per position.
    let c0 = text.charCodeAt(0);
    let c1 = text.charCodeAt(1);
    for (let p = 0; p + 2 < n; p++) {
      const c2 = text.charCodeAt(p + 2);
      const h = (c0 * 961 + c1 * 31 + c2) >>> 0;
      c0 = c1;
      c1 = c2;
      if ((bitmap[(h & 0xffff) >>> 3]! & (1 << (h & 7))) === 0) continue;
      const cands = byTrigram.get(h);
      if (!cands) continue;
      for (const c of cands)
        if (text.charCodeAt(p + c.last) === c.lastCode && text.startsWith(c.literal, p))
          for (const r of c.rules) marks[r] = 1;
    }
  };
  const scanValue = (v: unknown, ix: FieldIndex, marks: Uint8Array): void => {
    if (typeof v === 'string') scan(v, ix, marks);
    else if (Array.isArray(v)) for (const e of v) scanValue(e, ix, marks);
  };
  const marks = new Uint8Array(entries.length);
  // The texts the marks were computed from: an event whose indexed texts are the same strings
  // as the previous one's (an sshd log's event names, say) gets the same marks without a scan.
  const texts: unknown[] = indexes.map(() => undefined);
  const now: unknown[] = indexes.map(() => undefined);
  let computed = false;
  return {
    candidates(views, makeView) {
      // One buffer, refilled per event: the marks are read before the next event comes.
      let same = computed;
      for (let i = 0; i < indexes.length; i++) {
        const ix = indexes[i]!;
        const view = views[ix.slot] ?? makeView(ix.slot);
        const v = view.lowerId(ix.id);
        now[i] = v;
        if (v !== texts[i]) same = false;
      }
      if (same) return marks;
      marks.set(base);
      for (let i = 0; i < indexes.length; i++) {
        scanValue(now[i], indexes[i]!, marks);
        texts[i] = now[i];
      }
      computed = true;
      return marks;
    },
  };
}
