/**
 * IPv4/IPv6 text to bytes and back, for CIDR filters. Pure (no node:net) so the search layer
 * stays free of I/O modules. Text form follows RFC 5952 §4 (lower case, longest run of zero
 * groups compressed, IPv4-mapped addresses as `::ffff:a.b.c.d`).
 *
 * @example
 * parseIp('2001:db8::1'); // { version: 6, bytes: [0x20, 0x01, 0x0d, 0xb8, 0, ..., 1] }
 * inCidr(parseIp('10.1.2.3')!, parseCidr('10.0.0.0/8')!); // true
 */

export interface IpAddress {
  readonly version: 4 | 6;
  readonly bytes: readonly number[];
}

export interface IpNetwork extends IpAddress {
  readonly prefix: number;
}

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function parseV4(text: string): number[] | undefined {
  const m = V4.exec(text);
  if (m === null) return undefined;
  const out: number[] = [];
  for (let i = 1; i <= 4; i++) {
    const part = m[i] as string;
    // Leading zeros are ambiguous (octal in some parsers): refuse them rather than guess.
    if (part.length > 1 && part.startsWith('0')) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

function parseGroups(text: string): number[] | undefined {
  if (text === '') return [];
  const out: number[] = [];
  for (const g of text.split(':')) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    const n = parseInt(g, 16);
    out.push(n >> 8, n & 0xff);
  }
  return out;
}

function parseV6(input: string): number[] | undefined {
  let text = input;
  // An embedded IPv4 tail (::ffff:192.0.2.1) is rewritten as its two hex groups.
  const lastColon = text.lastIndexOf(':');
  const tailText = text.slice(lastColon + 1);
  if (tailText.includes('.')) {
    const v4 = parseV4(tailText);
    if (v4 === undefined) return undefined;
    const [a, b, c, d] = v4 as [number, number, number, number];
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0] as string);
  const rest = halves.length === 2 ? parseGroups(halves[1] as string) : [];
  if (head === undefined || rest === undefined) return undefined;
  const have = head.length + rest.length;
  if (halves.length === 1) return have === 16 ? head : undefined;
  // '::' stands for at least one zero group (RFC 4291 §2.2).
  if (have > 14) return undefined;
  return [...head, ...new Array<number>(16 - have).fill(0), ...rest];
}

/** Parse an address (no zone id, no brackets); undefined when it is not one. */
export function parseIp(text: string): IpAddress | undefined {
  if (text.includes(':')) {
    const bytes = parseV6(text);
    return bytes === undefined ? undefined : { version: 6, bytes };
  }
  const bytes = parseV4(text);
  return bytes === undefined ? undefined : { version: 4, bytes };
}

/** Parse `addr/prefix`; host bits are zeroed. Undefined when malformed or prefix out of range. */
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

/** RFC 5952 text form. */
export function formatIp(ip: IpAddress): string {
  if (ip.version === 4) return ip.bytes.join('.');
  const mapped = unmapV4(ip);
  if (mapped.version === 4) return `::ffff:${mapped.bytes.join('.')}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2)
    groups.push(((ip.bytes[i] as number) << 8) | (ip.bytes[i + 1] as number));
  // Longest run of two or more zero groups; the first one on ties (RFC 5952 §4.2.3).
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}
