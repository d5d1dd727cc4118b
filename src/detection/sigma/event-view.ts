/**
 * What a compiled rule sees of an event: an accessor by Sigma field name (after field mapping)
 * plus per-event caches, so a value that twenty rules compare case-insensitively is lowercased
 * once (measured in bench/sigma.mjs).
 *
 * @example
 * const view = createEventView((f) => ({ 'cs-method': 'GET' })[f], ['message']);
 * view.lower('cs-method') // 'get'
 */

/** Returns the value of a Sigma field for one event, or undefined when it is absent. */
export type FieldAccessor = (field: string) => unknown;

export interface SigmaEventView {
  get(field: string): unknown;
  /** The value with every string lowercased (arrays element-wise); cached per event. */
  lower(field: string): unknown;
  /** Field names that keyword (field-less) searches look at, in order. */
  readonly keywordFields: readonly string[];
}

export function createEventView(
  accessor: FieldAccessor,
  keywordFields: readonly string[],
): SigmaEventView {
  let cache: Map<string, unknown> | undefined;
  return {
    get: accessor,
    lower(field: string): unknown {
      cache ??= new Map();
      if (cache.has(field)) return cache.get(field);
      const v = lowerValue(accessor(field));
      cache.set(field, v);
      return v;
    },
    keywordFields,
  };
}

/**
 * A view reused event after event (the engine keeps one per taxonomy group of a dispatch plan):
 * `reset(event)` points it at the next event and forgets the lowercased values, without
 * allocating. A rule's view is only valid until the next reset: read it during the match.
 */
export class ReusableEventView implements SigmaEventView {
  #event: Readonly<Record<string, unknown>> = {};
  /** Field → slot in the arrays below (assigned on first use, kept across events). */
  readonly #slots = new Map<string, number>();
  readonly #readers: Array<(e: Readonly<Record<string, unknown>>) => unknown> = [];
  readonly #lowered: unknown[] = [];
  /** Event number each slot's lowered value belongs to. */
  readonly #stamps: number[] = [];
  #gen = 0;
  readonly keywordFields: readonly string[];

  constructor(
    private readonly readerFor: (
      field: string,
    ) => (e: Readonly<Record<string, unknown>>) => unknown,
    keywordFields: readonly string[],
  ) {
    this.keywordFields = keywordFields;
  }

  reset(event: Readonly<Record<string, unknown>>): void {
    this.#event = event;
    this.#gen++;
  }

  #slot(field: string): number {
    let i = this.#slots.get(field);
    if (i === undefined) {
      i = this.#readers.length;
      this.#readers.push(this.readerFor(field));
      this.#lowered.push(undefined);
      this.#stamps.push(-1);
      this.#slots.set(field, i);
    }
    return i;
  }

  /** A bound function (callers pass `view.get` around). */
  readonly get = (field: string): unknown => this.#readers[this.#slot(field)]!(this.#event);

  lower(field: string): unknown {
    const i = this.#slot(field);
    if (this.#stamps[i] === this.#gen) return this.#lowered[i];
    const v = lowerValue(this.#readers[i]!(this.#event));
    this.#lowered[i] = v;
    this.#stamps[i] = this.#gen;
    return v;
  }
}

/** What a correlation reads of a field's value: the string form of it (of its first element). */
export function inputValue(v: unknown): string | undefined {
  return stringForm(Array.isArray(v) ? v[0] : v);
}

function lowerValue(v: unknown): unknown {
  if (typeof v === 'string') return v.toLowerCase();
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint')
    return String(v).toLowerCase();
  if (Array.isArray(v)) return v.map(lowerValue);
  return v;
}

/** The string form Sigma compares: numbers and booleans by their text; objects never match. */
export function stringForm(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return undefined;
}

/** Apply `test` to the field's value (any array element), or to every keyword field. */
export function onValues(
  field: string | undefined,
  read: (view: SigmaEventView, f: string) => unknown,
  test: (x: unknown) => boolean,
): (view: SigmaEventView) => boolean {
  if (field !== undefined) return (view) => anyValue(read(view, field), test);
  return (view) => {
    for (const f of view.keywordFields) if (anyValue(read(view, f), test)) return true;
    return false;
  };
}

export function anyValue(x: unknown, test: (x: unknown) => boolean): boolean {
  if (x === undefined || x === null) return false;
  if (Array.isArray(x)) return x.some((e) => e !== undefined && e !== null && test(e));
  return test(x);
}
