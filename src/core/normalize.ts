/**
 * Field normalizers. Each returns the normalized value or a string saying what was wrong (the
 * caller adds the field name). Pure and allocation-light: ingest runs every event through them.
 */

import type { Norm } from './norm.js';
import { describe, fail } from './norm.js';

export type { Norm } from './norm.js';
export { describeValue } from './norm.js';
export { canonicalIp, normalizeAddress } from './ip.js';

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;
const CANONICAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const MIN_MS = Date.UTC(1970, 0, 1);
const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * Epoch ms from a time string (RFC 3339) — used by normalizeTime and by parsers.
 *
 * @example
 * parseRfc3339('1970-01-01T00:00:01+00:00'); // { ok: true, value: 1000 }
 */
export function parseRfc3339(s: string): Norm<number> {
  const m = RFC3339.exec(s);
  if (m === null)
    return fail(`expected an RFC 3339 time like 2026-11-27T09:00:00Z, got ${describe(s)}`);
  const y = +m[1]!,
    mo = +m[2]!,
    d = +m[3]!,
    h = +m[4]!,
    mi = +m[5]!;
  let sec = +m[6]!;
  if (mo < 1 || mo > 12) return fail(`month ${m[2]} is out of range in ${describe(s)}`);
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const dim = mo === 2 && !leap ? 28 : DAYS[mo - 1]!;
  if (d < 1 || d > dim) return fail(`day ${m[3]} does not exist in ${y}-${m[2]} (${describe(s)})`);
  if (h > 23 || mi > 59 || sec > 60) return fail(`time of day is out of range in ${describe(s)}`);
  // A leap second (RFC 3339 §5.7) cannot be represented in epoch ms: keep it in the same second.
  let frac = m[7] === undefined ? 0 : Math.floor(+(m[7] + '000').slice(0, 3));
  if (sec === 60) {
    sec = 59;
    frac = 999;
  }
  let offset = 0;
  if (m[8] === undefined && m[9] !== undefined) {
    const oh = +m[10]!,
      om = +m[11]!;
    if (oh > 23 || om > 59) return fail(`UTC offset is out of range in ${describe(s)}`);
    offset = (oh * 60 + om) * 60_000 * (m[9] === '-' ? -1 : 1);
  }
  return { ok: true, value: Date.UTC(y, mo - 1, d, h, mi, sec, frac) - offset };
}

/** The last canonical time string normalizeTime accepted, and its (never mutated) result. */
let lastCanonical: string | undefined;
let lastCanonicalResult: Norm<string> = { ok: true, value: '' };

/**
 * Normalize a time to UTC RFC 3339 with milliseconds (`2026-11-27T09:00:00.000Z`). Accepts RFC
 * 3339 strings (any offset, any fraction length, `T`, `t` or space), epoch milliseconds and epoch
 * seconds (numbers below 1e11 are seconds: 1e11 ms is 1973, 1e11 s is year 5138), and
 * digit-only strings of either. Impossible dates (Feb 30, month 13) are errors.
 *
 * @example
 * normalizeTime('2026-11-27T10:00:00+01:00'); // { ok: true, value: '2026-11-27T09:00:00.000Z' }
 * normalizeTime(1764234000); // epoch seconds
 */
export function normalizeTime(v: unknown): Norm<string> {
  let ms: number;
  if (typeof v === 'string') {
    // Consecutive events of a log file or a batch mostly share their time string: the last one
    // that passed is remembered (bench/import.mjs, prepare profile).
    if (v === lastCanonical) return lastCanonicalResult;
    if (CANONICAL_TIME.test(v)) {
      // Fast path for what the SDK sends; the round trip still rejects impossible dates.
      const t = Date.parse(v);
      if (Number.isFinite(t) && new Date(t).toISOString() === v) {
        lastCanonical = v;
        lastCanonicalResult = { ok: true, value: v };
        return lastCanonicalResult;
      }
    }
    if (/^\d{9,17}(\.\d+)?$/.test(v)) return normalizeTime(Number(v));
    const p = parseRfc3339(v);
    if (!p.ok) return p;
    ms = p.value;
  } else if (typeof v === 'number') {
    if (!Number.isFinite(v) || v < 0)
      return fail(`expected an epoch time >= 0, got ${describe(v)}`);
    ms = v < 1e11 ? Math.floor(v * 1000) : Math.floor(v);
  } else {
    return fail(`expected an RFC 3339 string or epoch number, got ${describe(v)}`);
  }
  if (ms < MIN_MS || ms > MAX_MS) return fail(`time ${describe(v)} is outside 1970..9999`);
  return { ok: true, value: new Date(ms).toISOString() };
}

// RFC 9110 §5.6.2 token.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,32}$/;

/**
 * Upper-case an HTTP method and check it is an RFC 9110 token.
 *
 * @example
 * normalizeMethod('propfind'); // { ok: true, value: 'PROPFIND' }
 */
export function normalizeMethod(v: string): Norm<string> {
  if (!TOKEN.test(v))
    return fail(`expected an HTTP method token (RFC 9110 §9), got ${describe(v)}`);
  return { ok: true, value: v.toUpperCase() };
}

/**
 * Split a URL or request target into path and query (fragment dropped: clients never send it).
 *
 * @example
 * splitUrl('https://shop.example:8443/cart?id=7#top');
 * // { path: '/cart', query: 'id=7', host: 'shop.example', port: 8443 }
 */
export function splitUrl(v: string): {
  path: string;
  query?: string;
  host?: string;
  port?: number;
} {
  let rest = v;
  let host: string | undefined, port: number | undefined;
  const abs = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)/.exec(v);
  if (abs !== null) {
    const authority = abs[2]!.replace(/^[^@]*@/, '');
    const hp = /^(\[[^\]]+\]|[^:]*)(?::(\d{1,5}))?$/.exec(authority);
    if (hp !== null) {
      host = hp[1]!.replace(/^\[|\]$/g, '').toLowerCase();
      if (hp[2] !== undefined) port = +hp[2];
    }
    rest = v.slice(abs[0].length);
    if (rest === '' || rest[0] === '?' || rest[0] === '#') rest = '/' + rest;
  }
  const hash = rest.indexOf('#');
  if (hash !== -1 && abs !== null) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  const out: { path: string; query?: string; host?: string; port?: number } = {
    path: q === -1 ? rest : rest.slice(0, q),
  };
  if (q !== -1) out.query = rest.slice(q + 1);
  if (host !== undefined && host !== '') out.host = host;
  if (port !== undefined) out.port = port;
  return out;
}

/** An integer in [min, max], from a number or a digit string (parsers hand over strings). */
export function normalizeInt(v: unknown, min: number, max: number): Norm<number> {
  const n = typeof v === 'string' && /^-?\d{1,16}$/.test(v) ? +v : v;
  if (typeof n !== 'number' || !Number.isInteger(n))
    return fail(`expected an integer, got ${describe(v)}`);
  if (n < min || n > max) return fail(`expected an integer in ${min}..${max}, got ${n}`);
  return { ok: true, value: n };
}

/** A finite number >= 0, from a number or a numeric string. */
export function normalizeNonNegative(v: unknown): Norm<number> {
  const n = typeof v === 'string' && /^\d+(\.\d+)?$/.test(v) ? +v : v;
  if (typeof n !== 'number' || !Number.isFinite(n))
    return fail(`expected a number, got ${describe(v)}`);
  if (n < 0) return fail(`expected a number >= 0, got ${n}`);
  return { ok: true, value: n };
}
