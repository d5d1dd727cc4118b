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
  /** get() of the field numbered `fieldId(field)`: compiled rules number their fields once. */
  getId(id: number): unknown;
  /** lower() of the field numbered `fieldId(field)`. */
  lowerId(id: number): unknown;
  /** Field names that keyword (field-less) searches look at, in order. */
  readonly keywordFields: readonly string[];
}

const FIELD_IDS = new Map<string, number>();
const FIELD_NAMES: string[] = [];

/** A number for a Sigma field name, the same everywhere in the process (views index by it). */
export function fieldId(field: string): number {
  let id = FIELD_IDS.get(field);
  if (id === undefined) {
    id = FIELD_NAMES.length;
    FIELD_NAMES.push(field);
    FIELD_IDS.set(field, id);
  }
  return id;
}

export function createEventView(
  accessor: FieldAccessor,
  keywordFields: readonly string[],
): SigmaEventView {
  let cache: Map<string, unknown> | undefined;
  const lower = (field: string): unknown => {
    cache ??= new Map();
    if (cache.has(field)) return cache.get(field);
    const v = lowerValue(accessor(field));
    cache.set(field, v);
    return v;
  };
  return {
    get: accessor,
    lower,
    getId: (id) => accessor(FIELD_NAMES[id]!),
    lowerId: (id) => lower(FIELD_NAMES[id]!),
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
  /** By fieldId: the field's reader (resolved on first use, kept across events). */
  readonly #readers: Array<((e: Readonly<Record<string, unknown>>) => unknown) | undefined> = [];
  /** By fieldId: the value and the lowered value, and the event number each belongs to. */
  readonly #values: unknown[] = [];
  readonly #valueStamps: number[] = [];
  readonly #lowered: unknown[] = [];
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

  #reader(id: number): (e: Readonly<Record<string, unknown>>) => unknown {
    let r = this.#readers[id];
    if (r === undefined) {
      while (this.#readers.length <= id) {
        this.#readers.push(undefined);
        this.#values.push(undefined);
        this.#valueStamps.push(-1);
        this.#lowered.push(undefined);
        this.#stamps.push(-1);
      }
      r = this.#readers[id] = this.readerFor(FIELD_NAMES[id]!);
    }
    return r;
  }

  /** A bound function (callers pass `view.get` around). */
  readonly get = (field: string): unknown => this.getId(fieldId(field));

  lower(field: string): unknown {
    return this.lowerId(fieldId(field));
  }

  getId(id: number): unknown {
    const read = this.#reader(id);
    if (this.#valueStamps[id] === this.#gen) return this.#values[id];
    const v = read(this.#event);
    this.#values[id] = v;
    this.#valueStamps[id] = this.#gen;
    return v;
  }

  lowerId(id: number): unknown {
    if (this.#stamps[id] === this.#gen) return this.#lowered[id];
    const v = lowerValue(this.getId(id));
    this.#lowered[id] = v;
    this.#stamps[id] = this.#gen;
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

/**
 * Apply `test` to the field's value (any array element), or to every keyword field. `read`
 * gets the field's fieldId.
 */
export function onValues(
  field: string | undefined,
  read: (view: SigmaEventView, id: number) => unknown,
  test: (x: unknown) => boolean,
): (view: SigmaEventView) => boolean {
  if (field !== undefined) {
    const id = fieldId(field);
    return (view) => anyValue(read(view, id), test);
  }
  return (view) => {
    for (const f of view.keywordFields) if (anyValue(read(view, fieldId(f)), test)) return true;
    return false;
  };
}

export function anyValue(x: unknown, test: (x: unknown) => boolean): boolean {
  if (x === undefined || x === null) return false;
  if (Array.isArray(x)) return x.some((e) => e !== undefined && e !== null && test(e));
  return test(x);
}
