/**
 * Canonical JSON of an event: the exact bytes that are stored and hashed by the ledger
 * (ARCHITECTURE §4: leaves are never re-serialized). Rules: known fields in `EVENT_FIELDS` order,
 * `attributes` keys sorted recursively (by UTF-16 code units, like Array#sort), no whitespace,
 * absent (undefined) fields omitted. Stable across runs and Node versions because string escaping
 * is JSON.stringify's, which ECMA-262 fixes (well-formed JSON.stringify, ES2019).
 */
import type { SecurityEvent } from './event.js';
import { EVENT_FIELDS } from './event.js';
import { LogwardenError } from './errors.js';
import { setOwn } from './own.js';

// Pre-escaped `"key":` prefixes, built once (bench/core-prepare.ts: hand-rolled over the field
// table measured faster than JSON.stringify of a re-ordered copy; see docs/benchmarks.md).
const FIELD_PREFIX: ReadonlyArray<readonly [string, string]> = EVENT_FIELDS.map(
  ([name]) => [name, JSON.stringify(name) + ':'] as const,
);
const KNOWN: ReadonlySet<string> = new Set(EVENT_FIELDS.map(([name]) => name));
const FIELD_INDEX: ReadonlyMap<string, number> = new Map(
  EVENT_FIELDS.map(([name], i) => [name, i]),
);

/**
 * Serialize any JSON value with object keys sorted recursively. Non-finite numbers become null
 * (as JSON.stringify does); undefined and functions are omitted in objects and null in arrays.
 *
 * @example
 * sortedJson({ b: 1, a: [{ d: 1, c: 2 }] }); // '{"a":[{"c":2,"d":1}],"b":1}'
 */
export function sortedJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw new LogwardenError('LW_EVENT_INVALID', 'a BigInt value cannot be written as JSON');
    case 'object': {
      if (value === null) return 'null';
      const v = value as { toJSON?: () => unknown };
      if (typeof v.toJSON === 'function') return sortedJson(v.toJSON());
      if (Array.isArray(value)) {
        let s = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) s += ',';
          const item: unknown = value[i];
          s += item === undefined || typeof item === 'function' ? 'null' : sortedJson(item);
        }
        return s + ']';
      }
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj).sort();
      let s = '{';
      let first = true;
      for (const k of keys) {
        const item = obj[k];
        if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
        s += (first ? '' : ',') + JSON.stringify(k) + ':' + sortedJson(item);
        first = false;
      }
      return s + '}';
    }
    default:
      return 'null';
  }
}

/**
 * A copy of a JSON value with object keys sorted recursively, or the value itself when it is
 * already sorted (no copy). JSON.stringify of an event whose keys are in EVENT_FIELDS order and
 * whose attributes went through this is byte-identical to canonicalJson, and faster
 * (bench/core-prepare.ts): prepareEvent relies on that, and its tests check the identity.
 */
export function sortKeysDeep(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const nv = sortKeysDeep(v);
      if (nv !== v) (out ??= value.slice())[i] = nv;
    }
    return out ?? value;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  let sorted = true;
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! > keys[i]!) sorted = false;
  let changed = !sorted;
  const vals: unknown[] = [];
  for (const k of keys) {
    const nv = sortKeysDeep(obj[k]);
    if (nv !== obj[k]) changed = true;
    vals.push(nv);
  }
  if (!changed) return obj;
  const order = keys.map((k, i) => [k, vals[i]] as const);
  if (!sorted) order.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: Record<string, unknown> = {};
  for (const [k, v] of order) setOwn(out, k, v);
  return out;
}

/**
 * The canonical JSON of an event. Throws LW_EVENT_INVALID if the event carries a key the schema
 * does not know (it would otherwise be silently left out of the stored bytes).
 *
 * @example
 * canonicalJson({ time: '2026-11-27T09:00:00.000Z', id: '0190f5a8-7b7c-7cc3-8a2e-0f1e2d3c4b5a', 'event.name': 'log' });
 * // '{"id":"0190f5a8-…","time":"2026-11-27T09:00:00.000Z","event.name":"log"}'
 */
export function canonicalJson(event: SecurityEvent): string {
  const e = event as unknown as Record<string, unknown>;
  // Fast path: prepareEvent builds events in canonical key order, so walking the event's own keys
  // (about 15) beats probing all 44 schema fields (bench/core-prepare.ts). Out-of-order or unknown
  // keys fall back to the table walk, which also reports unknown fields.
  const keys = Object.keys(e);
  let s = '{';
  let written = 0;
  let last = -1;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const idx = FIELD_INDEX.get(k);
    if (idx === undefined || idx < last) return canonicalJsonSlow(e);
    last = idx;
    const v = e[k];
    if (v === undefined) continue;
    s += (written === 0 ? '' : ',') + FIELD_PREFIX[idx]![1];
    if (typeof v === 'string') s += JSON.stringify(v);
    else if (typeof v === 'number') s += Number.isFinite(v) ? String(v) : 'null';
    else s += sortedJson(v);
    written++;
  }
  return s + '}';
}

function canonicalJsonSlow(e: Record<string, unknown>): string {
  let s = '{';
  let written = 0;
  for (let i = 0; i < FIELD_PREFIX.length; i++) {
    const [name, prefix] = FIELD_PREFIX[i]!;
    const v = e[name];
    if (v === undefined) continue;
    s += (written === 0 ? '' : ',') + prefix;
    if (typeof v === 'string') s += JSON.stringify(v);
    else if (typeof v === 'number') s += Number.isFinite(v) ? String(v) : 'null';
    else s += sortedJson(v);
    written++;
  }
  const unknown = Object.keys(e).filter((k) => !KNOWN.has(k) && e[k] !== undefined);
  if (unknown.length > 0) {
    throw new LogwardenError(
      'LW_EVENT_INVALID',
      `canonicalJson: unknown field(s) ${unknown.map((k) => `'${k}'`).join(', ')}; custom data belongs under 'attributes'`,
      { details: { fields: unknown } },
    );
  }
  return s + '}';
}
