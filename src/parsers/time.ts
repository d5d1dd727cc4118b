/**
 * Timestamp scanners shared by the parsers. Hand-written (no Date.parse: it reads a zone-less
 * ISO string as *local* time, and it is slower). Every function returns an ISO 8601 UTC string
 * with milliseconds (`2026-11-27T09:00:00.123Z`) or undefined when the text is not a timestamp.
 *
 * Zone-less and year-less timestamps are resolved from the ParseContext and the assumption is
 * returned so the parser can record it in `attributes['time.assumed']` (e.g. `year=2026,tz=UTC`).
 */
import type { ParseContext } from './types.js';

/**
 * Month index 0-11 of a three-letter English abbreviation at `s[i..i+3)`, or -1. Reads char
 * codes instead of slicing: no allocation on the hot path (bench/parse.mjs, auth.log).
 */
export function monthAt(s: string, i: number): number {
  const a = s.charCodeAt(i);
  const b = s.charCodeAt(i + 1);
  const c = s.charCodeAt(i + 2);
  // Exact match only (first letter upper case, then lower case), like syslog writes them.
  switch (a) {
    case 74: // J
      return b === 97 && c === 110 ? 0 : b === 117 ? (c === 110 ? 5 : c === 108 ? 6 : -1) : -1; // Jan Jun Jul
    case 70: // F
      return b === 101 && c === 98 ? 1 : -1;
    case 77: // M
      return b === 97 ? (c === 114 ? 2 : c === 121 ? 4 : -1) : -1; // Mar May
    case 65: // A
      return b === 112 && c === 114 ? 3 : b === 117 && c === 103 ? 7 : -1; // Apr Aug
    case 83: // S
      return b === 101 && c === 112 ? 8 : -1;
    case 79: // O
      return b === 99 && c === 116 ? 9 : -1;
    case 78: // N
      return b === 111 && c === 118 ? 10 : -1;
    case 68: // D
      return b === 101 && c === 99 ? 11 : -1;
    default:
      return -1;
  }
}

/** Value of `n` decimal digits at `s[i..]`, or -1 when any is not a digit. */
export function digitsAt(s: string, i: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const c = s.charCodeAt(i + k) - 48;
    // `!(c >= 0)` also rejects NaN (past the end of `s`): a NaN here used to reach Date and throw
    if (!(c >= 0 && c <= 9)) return -1;
    v = v * 10 + c;
  }
  return v;
}

function validFields(mo: number, d: number, h: number, mi: number, se: number): boolean {
  return (
    mo >= 0 &&
    mo <= 11 &&
    d >= 1 &&
    d <= 31 &&
    h >= 0 &&
    h <= 23 &&
    mi >= 0 &&
    mi <= 59 &&
    se >= 0 &&
    se <= 60
  );
}

/** `+hhmm`, `-hh:mm`, `+hh` or `Z` at s[i..]: offset in minutes and the length consumed, or null. */
export function zoneAt(s: string, i: number): { minutes: number; length: number } | null {
  const c = s.charCodeAt(i);
  if (c === 90 /* Z */ || c === 122 /* z */) return { minutes: 0, length: 1 };
  if (c !== 43 && c !== 45 /* + - */) return null;
  const sign = c === 45 ? -1 : 1;
  const hh = digitsAt(s, i + 1, 2);
  if (hh < 0 || hh > 23) return null;
  let mm = 0;
  let len = 3;
  if (s.charCodeAt(i + 3) === 58 /* : */) {
    mm = digitsAt(s, i + 4, 2);
    len = 6;
  } else if (digitsAt(s, i + 3, 2) >= 0) {
    mm = digitsAt(s, i + 3, 2);
    len = 5;
  }
  if (mm < 0 || mm > 59) return null;
  return { minutes: sign * (hh * 60 + mm), length: len };
}

// ---------- zones given by name (ctx.timezone) ----------

const OFFSET_RE = /^(?:UTC|GMT)?([+-])(\d{2}):?(\d{2})$/;
const zoneFormatters = new Map<string, Intl.DateTimeFormat | null>();

/** Check a zone name once (fail at init): `UTC`, `+02:00`, `-0500` or an IANA name. */
export function isValidTimezone(tz: string): boolean {
  if (tz === 'UTC' || tz === 'Z' || tz === 'GMT' || OFFSET_RE.test(tz)) return true;
  return formatterFor(tz) !== null;
}

function formatterFor(tz: string): Intl.DateTimeFormat | null {
  let f = zoneFormatters.get(tz);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: tz,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      f = null;
    }
    zoneFormatters.set(tz, f);
  }
  return f;
}

/** Offset (minutes east of UTC) of zone `tz` at instant `ms`; null for an unknown zone. */
export function zoneOffsetMinutes(tz: string, ms: number): number | null {
  if (tz === 'UTC' || tz === 'Z' || tz === 'GMT') return 0;
  const m = OFFSET_RE.exec(tz);
  if (m) return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  const f = formatterFor(tz);
  if (f === null) return null;
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(ms))) p[part.type] = Number(part.value);
  const asUtc = Date.UTC(
    p.year ?? 1970,
    (p.month ?? 1) - 1,
    p.day ?? 1,
    p.hour ?? 0,
    p.minute ?? 0,
    p.second ?? 0,
  );
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000);
}

/** UTC ms of a wall-clock time in zone `tz` (two passes handle DST edges). Unknown zone: UTC. */
function wallToUtc(wallMs: number, tz: string): { ms: number; tz: string } {
  const o1 = zoneOffsetMinutes(tz, wallMs);
  if (o1 === null) return { ms: wallMs, tz: 'UTC' };
  let ms = wallMs - o1 * 60000;
  const o2 = zoneOffsetMinutes(tz, ms);
  if (o2 !== null && o2 !== o1) ms = wallMs - o2 * 60000;
  return { ms, tz };
}

export interface ResolvedTime {
  readonly iso: string;
  /** Set when a year or zone was assumed, e.g. `year=2026,tz=UTC`. */
  readonly assumed: string | undefined;
}

/**
 * A wall-clock time that lacks a zone (and maybe a year). Year: ctx.year, else the year of
 * ctx.now, rolled back one year when the result would lie more than a day after ctx.now (a
 * December line read in January). Zone: ctx.timezone, default UTC.
 */
export function resolveWallClock(
  year: number | undefined,
  month: number,
  day: number,
  h: number,
  mi: number,
  s: number,
  msec: number,
  ctx: ParseContext,
): ResolvedTime {
  const tzName = ctx.timezone ?? 'UTC';
  let y = year ?? ctx.year ?? new Date(ctx.now).getUTCFullYear();
  let r = wallToUtc(Date.UTC(y, month, day, h, mi, s, msec), tzName);
  if (year === undefined && ctx.year === undefined && r.ms > ctx.now + 86_400_000) {
    y -= 1;
    r = wallToUtc(Date.UTC(y, month, day, h, mi, s, msec), tzName);
  }
  const tzNote = r.tz === tzName ? tzName : `UTC(unknown zone ${tzName})`;
  const assumed = year === undefined ? `year=${y},tz=${tzNote}` : `tz=${tzNote}`;
  return { iso: new Date(r.ms).toISOString(), assumed };
}

// ---------- formats ----------

let clfKey = '';
let clfIso: string | undefined;

/**
 * Apache/nginx `%t` body: `27/Nov/2026:09:00:00 +0000` (26 chars; zone optional).
 * The last result is cached: consecutive access-log lines mostly share their second
 * (bench/parse.mjs: about 2x on the combined log).
 */
export function parseClfTime(s: string): string | undefined {
  if (s === clfKey) return clfIso;
  const d = digitsAt(s, 0, 2);
  const mo = monthAt(s, 3);
  const y = digitsAt(s, 7, 4);
  const h = digitsAt(s, 12, 2);
  const mi = digitsAt(s, 15, 2);
  const se = digitsAt(s, 18, 2);
  if (y < 0 || !validFields(mo, d, h, mi, se) || s.charCodeAt(2) !== 47 || s.charCodeAt(11) !== 58)
    return undefined;
  let ms = Date.UTC(y, mo, d, h, mi, se);
  if (s.length > 20) {
    const z = zoneAt(s, 21);
    if (z === null) return undefined;
    ms -= z.minutes * 60000;
  }
  const iso = new Date(ms).toISOString();
  clfKey = s;
  clfIso = iso;
  return iso;
}

/**
 * ISO 8601 / RFC 3339 at s[i..] with `T` or space, optional seconds, `.`/`,` fraction and zone.
 * Returns the time, what was assumed (zone-less input) and the length consumed.
 */
export function parseIsoAt(
  s: string,
  i: number,
  ctx: ParseContext,
): { iso: string; assumed: string | undefined; length: number } | null {
  const y = digitsAt(s, i, 4);
  const mo = digitsAt(s, i + 5, 2) - 1;
  const d = digitsAt(s, i + 8, 2);
  const sep = s.charCodeAt(i + 10);
  if (
    y < 0 ||
    s.charCodeAt(i + 4) !== 45 ||
    s.charCodeAt(i + 7) !== 45 ||
    (sep !== 84 && sep !== 32 && sep !== 116)
  )
    return null;
  const h = digitsAt(s, i + 11, 2);
  const mi = digitsAt(s, i + 14, 2);
  if (s.charCodeAt(i + 13) !== 58) return null;
  let p = i + 16;
  let se = 0;
  if (s.charCodeAt(p) === 58) {
    se = digitsAt(s, p + 1, 2);
    p += 3;
  }
  if (!validFields(mo, d, h, mi, se)) return null;
  let msec = 0;
  const fc = s.charCodeAt(p);
  if (fc === 46 || fc === 44) {
    let q = p + 1;
    let scale = 100;
    while (q < s.length) {
      const c = s.charCodeAt(q) - 48;
      if (c < 0 || c > 9) break;
      msec += c * scale;
      scale /= 10;
      q++;
    }
    if (q === p + 1) return null;
    msec = Math.floor(msec);
    p = q;
  }
  let z = zoneAt(s, p);
  // `2021-09-28 09:22:18.536 UTC`, `[2022-06-29 14:06:40 +1000]`: a zone after one space.
  if (z === null && s.charCodeAt(p) === 32) {
    if (s.startsWith('UTC', p + 1) || s.startsWith('GMT', p + 1)) {
      const after = s.charCodeAt(p + 4);
      if (Number.isNaN(after) || after === 32 || after === 93 || after === 58)
        z = { minutes: 0, length: 4 };
    } else {
      const z2 = zoneAt(s, p + 1);
      if (z2 !== null && z2.length >= 5) z = { minutes: z2.minutes, length: z2.length + 1 };
    }
  }
  if (z === null) {
    const r = resolveWallClock(y, mo, d, h, mi, se, msec, ctx);
    return { iso: r.iso, assumed: r.assumed, length: p - i };
  }
  const ms = Date.UTC(y, mo, d, h, mi, se, msec) - z.minutes * 60000;
  return { iso: new Date(ms).toISOString(), assumed: undefined, length: p + z.length - i };
}

/** A whole string that is an ISO timestamp (JSON `time` fields). */
export function parseIso(
  s: string,
  ctx: ParseContext,
): { iso: string; assumed: string | undefined } | null {
  const r = parseIsoAt(s, 0, ctx);
  return r !== null && r.length === s.length ? r : null;
}

// The first 15 characters of the last timestamp resolved (a 0 never starts a valid one).
const sysKey = new Uint16Array(15);
let sysCtx: ParseContext | undefined;
let sysRes: ResolvedTime | undefined;

/** s[0..15) equals sysKey (compared from the end: the seconds change first). */
function sameSyslogSecond(s: string): boolean {
  for (let k = 14; k >= 0; k--) if (s.charCodeAt(k) !== sysKey[k]) return false;
  return true;
}

/**
 * Classic syslog `Nov 27 09:00:00` (day space-padded or not; 15 chars) at s[0..]. Cached per
 * (text, ctx): a busy auth.log repeats its second many times.
 */
export function parseSyslogTime(s: string, ctx: ParseContext): ResolvedTime | undefined {
  if (ctx === sysCtx && s.length >= 15 && sameSyslogSecond(s)) return sysRes;
  const mo = monthAt(s, 0);
  const d1 = s.charCodeAt(4) === 32 ? 0 : digitsAt(s, 4, 1);
  const d2 = digitsAt(s, 5, 1);
  const h = digitsAt(s, 7, 2);
  const mi = digitsAt(s, 10, 2);
  const se = digitsAt(s, 13, 2);
  const day = d1 * 10 + d2;
  if (
    s.charCodeAt(3) !== 32 ||
    d1 < 0 ||
    d2 < 0 ||
    s.charCodeAt(9) !== 58 ||
    !validFields(mo, day, h, mi, se)
  )
    return undefined;
  const r = resolveWallClock(undefined, mo, day, h, mi, se, 0, ctx);
  for (let k = 0; k < 15; k++) sysKey[k] = s.charCodeAt(k);
  sysCtx = ctx;
  sysRes = r;
  return r;
}

/** Epoch number to ISO: seconds (with fraction), milliseconds or nanoseconds, by magnitude. */
export function epochToIso(n: number): string | undefined {
  if (!Number.isFinite(n) || n <= 0) return undefined;
  let ms: number;
  if (n < 1e11) ms = n * 1000;
  else if (n < 1e14) ms = n;
  else if (n < 1e17) ms = n / 1000;
  else ms = n / 1e6;
  const d = new Date(Math.floor(ms));
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}
