/**
 * Field normalizers. Each returns the normalized value or a string saying what was wrong (the
 * caller adds the field name). Pure and allocation-light: ingest runs every event through them.
 */

/**
 * A normalizer result: `{ ok: true, value }` or the reason it failed.
 *
 * @example
 * const r: Norm<string> = normalizeMethod('get'); // { ok: true, value: 'GET' }
 */
export type Norm<T> = { ok: true; value: T } | { ok: false; reason: string };
const fail = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

const describe = (v: unknown): string => {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `'${v.length > 40 ? v.slice(0, 40) + '…' : v}'`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
};
export { describe as describeValue };

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
    if (CANONICAL_TIME.test(v)) {
      // Fast path for what the SDK sends; the round trip still rejects impossible dates.
      const t = Date.parse(v);
      if (Number.isFinite(t) && new Date(t).toISOString() === v) return { ok: true, value: v };
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

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function parseIpv4(s: string): number[] | null {
  // Leading zeros are read as decimal, as glibc inet_pton does ("010" is 10, never octal 8).
  const m = IPV4.exec(s);
  if (m === null) return null;
  const out = [+m[1]!, +m[2]!, +m[3]!, +m[4]!];
  return out[0]! > 255 || out[1]! > 255 || out[2]! > 255 || out[3]! > 255 ? null : out;
}

function parseIpv6(input: string): number[] | null {
  let s = input;
  if (s.length < 2 || s.length > 45) return null;
  let tail: number[] = [];
  const lastColon = s.lastIndexOf(':');
  if (s.indexOf('.', lastColon) !== -1) {
    const v4 = parseIpv4(s.slice(lastColon + 1));
    if (v4 === null) return null;
    tail = [(v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!];
    // Keep a "::" right before the IPv4 part ("::ffff:1.2.3.4" -> "::ffff"; "1::1.2.3.4" -> "1::").
    const prefix = s.slice(0, lastColon + 1);
    s = prefix.endsWith('::') ? prefix : prefix.slice(0, -1);
  }
  const dbl = s.indexOf('::');
  if (dbl !== -1 && s.indexOf('::', dbl + 1) !== -1) return null;
  const parse = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const want = 8 - tail.length;
  if (dbl === -1) {
    const all = parse(s);
    if (all === null || all.length !== want) return null;
    return [...all, ...tail];
  }
  const head = parse(s.slice(0, dbl));
  const rest = parse(s.slice(dbl + 2));
  if (head === null || rest === null || head.length + rest.length > want - 1) return null;
  return [
    ...head,
    ...new Array<number>(want - head.length - rest.length).fill(0),
    ...rest,
    ...tail,
  ];
}

/** RFC 5952 text form: lowercase, no leading zeros, the longest run (>= 2) of zero groups as `::`. */
function formatIpv6(g: number[]): string {
  let best = -1,
    bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((n) => n.toString(16));
  if (best === -1) return hex.join(':');
  return hex.slice(0, best).join(':') + '::' + hex.slice(best + bestLen).join(':');
}

/**
 * Parse and canonicalize an IP address: IPv4 dotted decimal, IPv6 per RFC 5952 (IPv4-mapped
 * `::ffff:a.b.c.d` becomes the IPv4 address), zone ids kept. Returns null when `s` is not an IP.
 *
 * @example
 * canonicalIp('2001:DB8:0:0:0:0:0:1'); // '2001:db8::1'
 * canonicalIp('::ffff:192.0.2.7'); // '192.0.2.7'
 */
export function canonicalIp(s: string): string | null {
  if (s.indexOf(':') === -1) {
    const v4 = parseIpv4(s);
    if (v4 === null) return null;
    const canon = v4.join('.');
    return canon === s ? s : canon;
  }
  let zone = '';
  const pct = s.indexOf('%');
  let body = s;
  if (pct !== -1) {
    zone = s.slice(pct);
    body = s.slice(0, pct);
    if (!/^%[A-Za-z0-9_.-]{1,32}$/.test(zone)) return null;
  }
  const g = parseIpv6(body);
  if (g === null) return null;
  if (
    g[0] === 0 &&
    g[1] === 0 &&
    g[2] === 0 &&
    g[3] === 0 &&
    g[4] === 0 &&
    g[5] === 0xffff &&
    zone === ''
  ) {
    return `${g[6]! >> 8}.${g[6]! & 0xff}.${g[7]! >> 8}.${g[7]! & 0xff}`;
  }
  return formatIpv6(g) + zone;
}

const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62}))*\.?$/;
// A name whose last label is all digits is a malformed IPv4 address, not a host (WHATWG URL
// "ends in a number"): "256.1.1.1" and "1.2.3" are errors, not host names.
const isHostname = (s: string): boolean => HOSTNAME.test(s) && !/(?:^|\.)\d+\.?$/.test(s);

/**
 * Normalize a network address: an IP (canonical), `ip:port` or `[v6]:port` (port split out), or
 * a host name (kept, lower-cased). Anything else is an error.
 *
 * @example
 * normalizeAddress('[2001:db8::1]:8443'); // { ok: true, value: { address: '2001:db8::1', port: 8443 } }
 */
export function normalizeAddress(v: string): Norm<{ address: string; port?: number; ip: boolean }> {
  const ip = canonicalIp(v);
  if (ip !== null) return { ok: true, value: { address: ip, ip: true } };
  let host: string | undefined, portText: string | undefined;
  const br = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(v);
  if (br !== null) {
    host = br[1]!;
    portText = br[2];
  } else {
    const m = /^([^:]+):(\d{1,5})$/.exec(v);
    if (m !== null) {
      host = m[1]!;
      portText = m[2];
    }
  }
  if (host !== undefined) {
    const hip = canonicalIp(host);
    const port = portText === undefined ? undefined : +portText;
    if (port !== undefined && port > 65535)
      return fail(`port ${port} is out of range 0..65535 in ${describe(v)}`);
    if (hip !== null)
      return {
        ok: true,
        value: port === undefined ? { address: hip, ip: true } : { address: hip, port, ip: true },
      };
    if (br === null && isHostname(host))
      return {
        ok: true,
        value:
          port === undefined
            ? { address: host.toLowerCase(), ip: false }
            : { address: host.toLowerCase(), port, ip: false },
      };
    return fail(`expected an IP address, IP:port or host name, got ${describe(v)}`);
  }
  if (isHostname(v)) return { ok: true, value: { address: v.toLowerCase(), ip: false } };
  return fail(`expected an IP address, IP:port or host name, got ${describe(v)}`);
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
