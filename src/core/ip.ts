/**
 * IP addresses and network addresses, parsed in one place for every layer: canonical text of a
 * logged address (RFC 5952 for IPv6; IPv4-mapped IPv6 shown as IPv4), `ip:port` / `[v6]:port`
 * splitting and host names (canonicalIp, normalizeAddress: lenient, for data), and addresses and
 * CIDRs as bytes for filters and configuration (parseIp, parseCidr, inCidr, formatIp: strict,
 * as node:net's isIP). Pure (no node:net) so every layer can use it.
 */
import type { Norm } from './norm.js';
import { describe, fail } from './norm.js';

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * The four octets, or null. Lenient: leading zeros are read as decimal ("010" is 10, never octal
 * 8), for addresses found in logs. Strict: a leading zero is refused as ambiguous (octal in some
 * parsers), as node:net's isIP does, for addresses an operator or a query wrote.
 */
function parseIpv4(s: string, strict = false): number[] | null {
  const m = IPV4.exec(s);
  if (m === null) return null;
  if (strict)
    for (let i = 1; i <= 4; i++) if (m[i]!.length > 1 && m[i]!.startsWith('0')) return null;
  const out = [+m[1]!, +m[2]!, +m[3]!, +m[4]!];
  return out[0]! > 255 || out[1]! > 255 || out[2]! > 255 || out[3]! > 255 ? null : out;
}

/** The eight 16-bit groups, or null (an embedded IPv4 tail parsed as parseIpv4 with `strict`). */
function parseIpv6(input: string, strict = false): number[] | null {
  let s = input;
  if (s.length < 2 || s.length > 45) return null;
  let tail: number[] = [];
  const lastColon = s.lastIndexOf(':');
  if (s.indexOf('.', lastColon) !== -1) {
    const v4 = parseIpv4(s.slice(lastColon + 1), strict);
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
export const isHostname = (s: string): boolean => HOSTNAME.test(s) && !/(?:^|\.)\d+\.?$/.test(s);

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

/** An IPv4 (4 bytes) or IPv6 (16 bytes) address. */
export interface IpAddress {
  readonly version: 4 | 6;
  readonly bytes: readonly number[];
}

/** A network: its address with the host bits zeroed, and the prefix length. */
export interface IpNetwork extends IpAddress {
  readonly prefix: number;
}

/**
 * Parse an address (no zone id, no brackets, no leading zeros in IPv4 parts): undefined when
 * it is not one. Accepts exactly what node:net's isIP accepts.
 *
 * @example
 * parseIp('2001:db8::1'); // { version: 6, bytes: [0x20, 0x01, 0x0d, 0xb8, 0, ..., 1] }
 */
export function parseIp(text: string): IpAddress | undefined {
  if (text.indexOf(':') === -1) {
    const v4 = parseIpv4(text, true);
    return v4 === null ? undefined : { version: 4, bytes: v4 };
  }
  const g = parseIpv6(text, true);
  if (g === null) return undefined;
  const bytes: number[] = [];
  for (const n of g) bytes.push(n >> 8, n & 0xff);
  return { version: 6, bytes };
}

/**
 * Parse `addr/prefix`; host bits are zeroed. Undefined when malformed or the prefix is out of
 * range (0..32, 0..128).
 *
 * @example
 * inCidr(parseIp('10.1.2.3')!, parseCidr('10.0.0.0/8')!); // true
 */
export function parseCidr(text: string): IpNetwork | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIp(text.slice(0, slash));
  const p = text.slice(slash + 1);
  if (ip === undefined || !/^\d{1,3}$/.test(p)) return undefined;
  const prefix = Number(p);
  if (prefix > ip.bytes.length * 8) return undefined;
  const bytes = ip.bytes.map((b, i) => {
    const keep = Math.max(0, Math.min(8, prefix - i * 8));
    return b & ((0xff << (8 - keep)) & 0xff);
  });
  return { version: ip.version, bytes, prefix };
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (::ffff:a.b.c.d), if it is one. */
function unmapV4(ip: IpAddress): IpAddress {
  if (ip.version !== 6) return ip;
  const b = ip.bytes;
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return ip;
  if (b[10] !== 0xff || b[11] !== 0xff) return ip;
  return { version: 4, bytes: b.slice(12) };
}

/** True when the address is inside the network; IPv4-mapped IPv6 addresses match IPv4 networks. */
export function inCidr(addr: IpAddress, net: IpNetwork): boolean {
  const a = net.version === 4 ? unmapV4(addr) : addr;
  if (a.version !== net.version) return false;
  let bits = net.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((a.bytes[i] as number) & mask) !== (net.bytes[i] as number)) return false;
  }
  return true;
}

/**
 * RFC 5952 text form; an IPv4-mapped address is written `::ffff:a.b.c.d` (canonicalIp, for
 * logged addresses, writes it as the IPv4 address instead).
 */
export function formatIp(ip: IpAddress): string {
  if (ip.version === 4) return ip.bytes.join('.');
  const mapped = unmapV4(ip);
  if (mapped.version === 4) return `::ffff:${mapped.bytes.join('.')}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2)
    groups.push(((ip.bytes[i] as number) << 8) | (ip.bytes[i + 1] as number));
  return formatIpv6(groups);
}
