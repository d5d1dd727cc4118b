/**
 * prepareEvent: the one path from untrusted input to a storable event (ARCHITECTURE §2-3).
 * Steps: type checks per field -> normalization -> defaults from the vocabulary -> id -> limits ->
 * redaction -> CWE-117 neutralization -> canonical JSON. Redaction runs before neutralization so
 * patterns see the original text (a neutralized "\n" would otherwise glue two words into one
 * redacted value); the redaction markers themselves contain nothing to neutralize.
 */
import type { LogSource, SecurityEvent, Severity } from './event.js';
import { EVENT_FIELDS, SEVERITY_NUMBER } from './event.js';
import { checkAttributes, exceedsBytes } from './attributes.js';
import { uuidv7 } from './ids.js';
import { isLogSafe, neutralize, neutralizeDeep } from './neutralize.js';
import type { Redactor } from './redact.js';
import { createRedactor } from './redact.js';
import { sortKeysDeep } from './serialize.js';
import type { FieldError } from './validate.js';
import { FIELD_HANDLERS, unknownFieldError } from './validate.js';
import { lookupEvent } from './vocabulary.js';

export type { FieldError } from './validate.js';

/**
 * Size limits applied to one event.
 *
 * @example
 * prepareEvent(input, { source: 'api', limits: { maxItemBytes: 16_384 } });
 */
export interface PrepareLimits {
  /** Serialized event (canonical JSON) in bytes. */
  readonly maxItemBytes: number;
  /** Top-level fields plus attribute leaves. */
  readonly maxFields: number;
  /** Nesting depth inside `attributes`. */
  readonly maxDepth: number;
  /** Any one string, in UTF-8 bytes. */
  readonly maxStringBytes: number;
  /** Canonical JSON of `attributes`, in bytes. */
  readonly maxAttributesBytes: number;
}

/**
 * The limits used when none are given: 64 KiB per event, 256 fields, depth 8, 32 KiB per string,
 * 16 KiB of attributes.
 *
 * @example
 * const limits = { ...DEFAULT_LIMITS, maxItemBytes: 131_072 };
 */
export const DEFAULT_LIMITS: PrepareLimits = {
  maxItemBytes: 65_536,
  maxFields: 256,
  maxDepth: 8,
  maxStringBytes: 32_768,
  maxAttributesBytes: 16_384,
};

/**
 * Options of prepareEvent.
 *
 * @example
 * const opts: PrepareOptions = { source: 'token:shop', logSource: 'http', now: Date.now() };
 */
export interface PrepareOptions {
  /** Name of the source it arrived through (token name, file path...), stored beside the event. */
  readonly source: string;
  /** Sets `log.source` (overrides what the sender claimed: provenance is ours to say). */
  readonly logSource?: LogSource;
  /** Clock for `observed_time` (epoch ms); default Date.now(). */
  readonly now?: number;
  /** Default: one shared `createRedactor()` with the built-in lists. */
  readonly redactor?: Redactor;
  readonly limits?: Partial<PrepareLimits>;
  /** Id generator for events without one; default uuidv7. */
  readonly newId?: () => string;
}

/**
 * Identical to storage's PreparedEvent (core must not import storage).
 *
 * @example
 * const r = prepareEvent(input, opts);
 * if (r.ok) await store.append([r.prepared]); // a PreparedEventCore is a PreparedEvent
 */
export interface PreparedEventCore {
  readonly event: SecurityEvent;
  /** Canonical JSON of `event`: these exact bytes are stored and hashed. */
  readonly body: string;
  readonly source: string;
}

/**
 * The outcome of prepareEvent: the prepared event with what was redacted and how many characters
 * were neutralized, or every field error.
 *
 * @example
 * const r: PrepareResult = prepareEvent({ 'event.name': 'log' }, { source: 's' });
 * if (!r.ok) for (const e of r.errors) console.log(`${e.field}: ${e.reason}`);
 */
export type PrepareResult =
  | { ok: true; prepared: PreparedEventCore; redactions: string[]; neutralized: number }
  | { ok: false; errors: FieldError[] };

let defaultRedactor: Redactor | undefined;
// Callers pass the same limits object for every event: merge it with the defaults once.
const resolved = new WeakMap<Partial<PrepareLimits>, PrepareLimits>();
function resolveLimits(l: Partial<PrepareLimits>): PrepareLimits {
  let r = resolved.get(l);
  if (r === undefined) {
    const m: { -readonly [K in keyof PrepareLimits]: number } = { ...DEFAULT_LIMITS };
    for (const [k, v] of Object.entries(l) as Array<[keyof PrepareLimits, number | undefined]>) {
      if (v !== undefined) m[k] = v;
    }
    r = m;
    resolved.set(l, r);
  }
  return r;
}
/** Position of each schema field in the canonical order. */
const FIELD_POSITION: ReadonlyMap<string, number> = new Map(
  EVENT_FIELDS.map(([field], i) => [field as string, i]),
);
/** Scratch array of present field positions, reused by every call (prepareEvent is synchronous). */
const order: number[] = [];
let lastNowMs = NaN;
let lastNowIso = '';

/**
 * Validate, normalize, redact, neutralize and serialize one event. Never throws on bad input:
 * every problem comes back as a FieldError naming the field. The input is not modified.
 *
 * @example
 * const r = prepareEvent({ 'event.name': 'authn_login_fail', 'user.id': 'joebob1' }, { source: 'app' });
 * if (r.ok) store.append([r.prepared]); else console.log(r.errors); // [{ field, reason }]
 */
export function prepareEvent(input: unknown, opts: PrepareOptions): PrepareResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    const got = input === null ? 'null' : Array.isArray(input) ? 'an array' : typeof input;
    return {
      ok: false,
      errors: [{ field: '(event)', reason: `expected a JSON object, got ${got}` }],
    };
  }
  const limits = opts.limits === undefined ? DEFAULT_LIMITS : resolveLimits(opts.limits);
  const errors: FieldError[] = [];
  const out: Record<string, unknown> = {};
  const split: Record<string, unknown> = {};
  const src = input as Record<string, unknown>;
  let fields = 0;
  const keys = Object.keys(src);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const v = src[key];
    if (v === undefined || v === null) continue;
    fields++;
    const handler = FIELD_HANDLERS.get(key);
    if (handler === undefined) errors.push(unknownFieldError(key, v));
    else handler(v, out, errors, key, split);
  }
  // Values split out of another field fill only what the sender did not give explicitly.
  for (const key in split) out[key] ??= split[key];

  const name = out['event.name'] as string | undefined;
  if (name === undefined && !errors.some((e) => e.field === 'event.name')) {
    errors.push({
      field: 'event.name',
      reason: 'required: an OWASP vocabulary name (e.g. authn_login_fail) or a custom name',
    });
  }
  const info = name === undefined ? undefined : lookupEvent(name);
  if (info !== undefined) {
    const cat = out['event.category'];
    if (cat === undefined) out['event.category'] = info.category;
    else if (info.vocabulary && cat !== info.category) {
      errors.push({
        field: 'event.category',
        reason: `'${String(cat)}' contradicts vocabulary event '${name}' (category '${info.category}')`,
      });
    }
    out.severity ??= info.level;
    if (info.outcome !== undefined) out['event.outcome'] ??= info.outcome;
  }
  out.severity ??= 'INFO';
  out.severity_number ??= SEVERITY_NUMBER[out.severity as Severity];

  if (out.attributes !== undefined) {
    const checked = checkAttributes(out.attributes as Record<string, unknown>, limits, errors);
    out.attributes = checked.value;
    fields += checked.leaves;
  }
  if (fields > limits.maxFields)
    errors.push({
      field: '(event)',
      reason: `${fields} fields (top-level plus attribute leaves) exceed the limit of ${limits.maxFields}`,
    });
  if (errors.length > 0) return { ok: false, errors };

  const nowMs = opts.now ?? Date.now();
  out.id ??= (opts.newId ?? uuidv7)();
  // Batches share one clock reading: format it once (bench/core-prepare.ts).
  if (nowMs !== lastNowMs) {
    lastNowMs = nowMs;
    lastNowIso = new Date(nowMs).toISOString();
  }
  out.observed_time = lastNowIso;
  out.time ??= out.observed_time;
  if (opts.logSource !== undefined) out['log.source'] = opts.logSource;

  const redactor = opts.redactor ?? (defaultRedactor ??= createRedactor());
  const redactions = redactor.redactEvent(out as unknown as SecurityEvent);

  if (redactions.length > 0) {
    const prior = (out['log.redactions'] as string[] | undefined) ?? [];
    out['log.redactions'] = [...prior, ...redactions.filter((r) => !prior.includes(r))];
  }

  // One pass: neutralize (CWE-117) and rebuild in canonical key order, which keeps one object
  // shape per field set for every consumer and lets canonicalJson take its fast path.
  // Only the fields present are visited, in canonical order: an event has 10-20 of the ~60
  // fields, and probing every absent one cost more than sorting the present positions
  // (bench/import.mjs profile of prepareEvent). Keys that are not schema fields are not stored.
  const counter = { count: 0 };
  const event: Record<string, unknown> = {};
  const present = order;
  present.length = 0;
  for (const key in out) {
    const pos = FIELD_POSITION.get(key);
    if (pos === undefined || out[key] === undefined) continue;
    // Insertion sort: few elements, mostly in order already.
    let j = present.length;
    while (j > 0 && present[j - 1]! > pos) {
      present[j] = present[j - 1]!;
      j--;
    }
    present[j] = pos;
  }
  for (let i = 0; i < present.length; i++) {
    const field = EVENT_FIELDS[present[i]!]![0];
    let v = out[field];
    if (typeof v === 'string') {
      if (v.length * 3 > limits.maxStringBytes && exceedsBytes(v, limits.maxStringBytes)) {
        errors.push({ field, reason: `string longer than ${limits.maxStringBytes} bytes` });
      }
      if (!isLogSafe(v)) {
        const n = neutralize(v);
        v = n.value;
        counter.count += n.count;
      }
    } else if (field === 'attributes') v = sortKeysDeep(neutralizeDeep(v, counter));
    else if (typeof v === 'object' && v !== null) v = neutralizeDeep(v, counter);
    event[field] = v;
  }
  if (errors.length > 0) return { ok: false, errors };
  // Keys in EVENT_FIELDS order and attributes sorted: JSON.stringify writes canonicalJson's
  // bytes, measurably faster (bench/core-prepare.ts; identity checked in prepare.test.ts).
  const body = JSON.stringify(event);
  if (exceedsBytes(body, limits.maxItemBytes)) {
    return {
      ok: false,
      errors: [
        {
          field: '(event)',
          reason: `event is ${Buffer.byteLength(body)} bytes once serialized; the limit is ${limits.maxItemBytes}`,
        },
      ],
    };
  }
  // UTF-8 takes at most 3 bytes per UTF-16 unit: a short body cannot hold oversized attributes.
  if (event.attributes !== undefined && body.length * 3 > limits.maxAttributesBytes) {
    // `attributes` is the last field, and no earlier value can contain an unescaped `"attributes":`.
    const attrJson = body.slice(body.indexOf('"attributes":') + 13, -1);
    if (exceedsBytes(attrJson, limits.maxAttributesBytes)) {
      return {
        ok: false,
        errors: [
          {
            field: 'attributes',
            reason: `attributes are ${Buffer.byteLength(attrJson)} bytes once serialized; the limit is ${limits.maxAttributesBytes}`,
          },
        ],
      };
    }
  }
  return {
    ok: true,
    prepared: { event: event as unknown as SecurityEvent, body, source: opts.source },
    redactions,
    neutralized: counter.count,
  };
}
