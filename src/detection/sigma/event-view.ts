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
