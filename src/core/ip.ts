/**
 * IP addresses and network addresses: parsing and canonical text (RFC 5952 for IPv6; IPv4-mapped
 * IPv6 shown as IPv4), `ip:port` / `[v6]:port` splitting, host names.
 */
import type { Norm } from './norm.js';
import { describe, fail } from './norm.js';

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
