/**
 * Host classification for SSRF: is a host name or address internal (loopback, private, link-local,
 * cloud metadata)? IPv4 is parsed as inet_aton does (RFC 3986 §7.4 warns about it): 1 to 4 parts,
 * each decimal, octal (leading 0) or hex (0x), the last part filling the remaining bytes — so
 * `2130706433`, `0x7f000001`, `0177.1` and `127.1` are all 127.0.0.1.
 */

export type HostKind = 'metadata' | 'internal' | 'public' | 'name';

function parsePart(p: string): number | undefined {
  if (p === '') return undefined;
  if (/^0x[0-9a-f]*$/.test(p)) {
    // overlong hex wraps like a 32-bit register in some parsers: keep the low 32 bits
    const h = p.slice(2);
    return h === '' ? 0 : parseInt(h.slice(-8), 16);
  }
  if (/^0[0-7]+$/.test(p)) return parseInt(p, 8);
  if (/^[0-9]+$/.test(p)) return p.length > 15 ? undefined : Number(p);
  return undefined;
}

/** inet_aton-style IPv4 parse; undefined when `h` is not an IPv4 literal in any spelling. */
export function parseIpv4(h: string): number | undefined {
  const parts = h.split('.');
  if (parts.length > 4 || parts.length === 0) return undefined;
  const nums: number[] = [];
  for (const p of parts) {
    const v = parsePart(p);
    if (v === undefined) return undefined;
    nums.push(v);
  }
  const last = nums.pop() as number;
  let addr = 0;
  for (let i = 0; i < nums.length; i++) {
    if ((nums[i] as number) > 255) return undefined;
    addr = addr * 256 + (nums[i] as number);
  }
  const rest = 4 - nums.length;
  const max = 256 ** rest;
  return addr * max + (last % max);
}

function classifyV4(a: number): HostKind {
  const o1 = Math.floor(a / 16777216) % 256;
  const o2 = Math.floor(a / 65536) % 256;
  if (o1 === 169 && o2 === 254)
    return Math.floor(a / 256) % 256 === 169 && a % 256 === 254 ? 'metadata' : 'internal';
  // 100.100.100.200: Alibaba Cloud metadata
  if (o1 === 100 && o2 === 100 && a % 65536 === 100 * 256 + 200) return 'metadata';
  if (o1 === 127 || o1 === 10 || o1 === 0) return 'internal';
  if (o1 === 192 && o2 === 168) return 'internal';
  if (o1 === 172 && o2 >= 16 && o2 <= 31) return 'internal';
  if (o1 === 100 && o2 >= 64 && o2 <= 127) return 'internal'; // CGNAT, RFC 6598
  return 'public';
}

const METADATA_NAMES =
  /^(?:metadata(?:\.google\.internal)?|instance-data(?:\.ec2\.internal)?|metadata\.azure\.com|169\.254\.169\.254\.nip\.io)$/;
const INTERNAL_NAMES =
  /(?:^|\.)(?:localhost\d?|localdomain\d?|local|internal|intranet|corp|home\.arpa|lan|svc|cluster\.local|lvh\.me|localtest\.me|vcap\.me|nip\.io|xip\.io|sslip\.io|127\.0\.0\.1\.[a-z]+)$|^localhost\d?\.|^(?:kubernetes|kubernetes\.default|gateway\.docker\.internal|host\.docker\.internal|ip6-localhost|ip6-loopback|burpcollaborator)$/;

/** Last labels that only resolve inside a network (RFC 6762 .local, RFC 8375 home.arpa, common private zones). */
const INTERNAL_TLDS = new Set([
  'localhost',
  'localdomain',
  'local',
  'internal',
  'intranet',
  'corp',
  'arpa',
  'lan',
  'svc',
  'home',
]);
/** Public zones that map names to internal addresses on purpose (lvh.me, nip.io, ...): check them fully. */
const SUSPECT_TLDS = new Set(['me', 'io']);
const METADATA_HINT = /metadata|instance-data|kubernetes|docker|localhost|127\.0\.0\.1/;

/** Classify a host (already lower-case, no port, no brackets stripped yet). */
export function classifyHost(host: string): HostKind {
  // backslashes inside a host (`\\l\\o\\c\\a\\l...`) are dropped or read as separators by lenient parsers
  let h = host.trim();
  if (h.indexOf('\\') >= 0) h = h.replace(/\\/g, '');
  if (h.endsWith('.')) h = h.slice(0, -1);
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.indexOf(':') >= 0) {
    // IPv6: embedded IPv4 (::ffff:1.2.3.4, 0:0:0:0:0:0:169.254.169.254), loopback, ULA, link-local
    const tail = h.slice(h.lastIndexOf(':') + 1);
    if (tail.indexOf('.') >= 0) {
      const a = parseIpv4(tail);
      return a === undefined ? 'public' : classifyV4(a);
    }
    if (/^::ffff:[0-9a-f]{1,4}:[0-9a-f]{1,4}$/.test(h)) {
      const [hi, lo] = h.slice(7).split(':');
      return classifyV4(parseInt(hi as string, 16) * 65536 + parseInt(lo as string, 16));
    }
    if (h === '::' || h === '::1' || /^(?:0{1,4}:){7}0{0,3}[01]$/.test(h)) return 'internal';
    if (h.startsWith('fd00:ec2::254')) return 'metadata';
    if (/^f[cd][0-9a-f]{0,2}:|^fe[89ab][0-9a-f]?:/.test(h)) return 'internal';
    return 'public';
  }
  if (/^[0-9a-fx.]+$/.test(h) && /^[0-9]/.test(h)) {
    const a = parseIpv4(h);
    if (a !== undefined && a <= 0xffffffff) return classifyV4(a);
  }
  // Names: compare the last labels with suffix sets instead of scanning with one big regex
  // (bench/patterns.mjs: the regex was a visible share of benign Referer inspection).
  const dot1 = h.lastIndexOf('.');
  // `localhost4.localdomain4` (Red Hat /etc/hosts): compare without trailing digits
  const tld = (dot1 >= 0 ? h.slice(dot1 + 1) : h).replace(/\d+$/, '');
  if (
    !INTERNAL_TLDS.has(tld) &&
    !SUSPECT_TLDS.has(tld) &&
    !/^[0-9]/.test(tld) &&
    dot1 >= 0 &&
    !METADATA_HINT.test(h)
  )
    return 'name';
  if (METADATA_NAMES.test(h)) return 'metadata';
  if (INTERNAL_NAMES.test(h)) return 'internal';
  return 'name';
}

export interface UrlParts {
  scheme: string;
  host: string;
  /** `user@` present before the host (credential / parser-confusion trick). */
  userinfo: boolean;
  rest: string;
  index: number;
}

/**
 * Find the first `scheme:` URL in `v` and split it. Accepts `scheme://host`, and `scheme:host`
 * (no slashes) which lenient parsers also accept. Bounded: a scheme is 2-16 characters.
 */
export function findUrl(v: string): UrlParts | undefined {
  const m = /(?:^|[^a-z0-9+.-])([a-z][a-z0-9+.-]{1,15}):(\/{0,3})/.exec(v);
  if (!m) return undefined;
  const start = m.index + m[0].length;
  let end = start;
  while (end < v.length && end - start < 512) {
    const c = v.charCodeAt(end);
    if (
      c === 47 ||
      c === 63 ||
      c === 35 ||
      c <= 32 ||
      c === 92 ||
      c === 34 ||
      c === 39 ||
      c === 60 ||
      c === 62
    )
      break;
    end++;
  }
  let authority = v.slice(start, end);
  const at = authority.lastIndexOf('@');
  const userinfo = at >= 0;
  if (userinfo) authority = authority.slice(at + 1);
  let host = authority;
  if (host.startsWith('[')) {
    const close = host.indexOf(']');
    host = close > 0 ? host.slice(0, close + 1) : host;
  } else if (host.indexOf(':') >= 0) host = host.slice(0, host.indexOf(':'));
  return { scheme: m[1] as string, host, userinfo, rest: v.slice(end, end + 256), index: m.index };
}
