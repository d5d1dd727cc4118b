/**
 * Server-side request forgery and remote file inclusion: both are "a parameter carries a URL the
 * server will fetch". SSRF when the URL points inside (loopback, private ranges, cloud metadata,
 * in any IPv4 spelling) or uses a scheme a web client never needs (gopher, dict, ...); RFI when a
 * URL is given to an include-like parameter, names a bare IP host, or ends in `?` (which turns the
 * extension the application appends into a query string).
 */
import { excerptAround } from './excerpt.js';
import { round } from './sqli.js';
import { classifyHost, findUrl } from './url-host.js';
import type { Detector, FieldValue, Finding } from './types.js';

/** Schemes used to reach non-HTTP services through an HTTP fetcher (gopher:// to Redis, dict:// to memcached...). */
const ODD_SCHEMES = new Set([
  'gopher',
  'dict',
  'ldap',
  'ldaps',
  'tftp',
  'sftp',
  'netdoc',
  'imap',
  'imaps',
  'pop3',
  'pop3s',
  'smtp',
  'smtps',
  'telnet',
  'ssh',
  'mysql',
  'redis',
  'mongodb',
  'postgres',
  'postgresql',
  'memcache',
  'memcached',
  'rtsp',
  'smb',
  'nfs',
  'jdbc',
  'ws',
  'wss',
]);
/** Schemes that do not open a network connection to their "host". */
const NON_NETWORK_SCHEMES = new Set([
  'javascript',
  'vbscript',
  'data',
  'mailto',
  'tel',
  'sms',
  'about',
  'blob',
  'urn',
  'cid',
  'mid',
]);
const WEB_SCHEMES = new Set(['http', 'https', 'ftp', 'ftps']);
/** Parameter names that commonly carry a URL to fetch (OWASP SSRF prevention cheat sheet examples). */
const URLISH_NAME =
  /(?:^|[_.\-[])(?:url|uri|link|dest|destination|redirect|target|host|hostname|server|domain|site|feed|proxy|callback|endpoint|webhook|image|img|src|source|fetch|load|remote|next|return|continue|window|to|out|view|path)s?(?:$|[_.\-\]])/;
/** Parameter names an application includes as a file or template (CRS 931110 idea). */
const INCLUDE_NAME =
  /include|require|(?:^|[_.[])(?:inc|file|filename|page|template|tpl|path|dir|folder|root|module|mod|conf|config|cfg|lang|language|theme|skin|doc|document|load|layout|view)(?:$|[_.\]])|absolute_path|base_?path|basedir/;

function fieldName(f: FieldValue): string {
  const c = f.field.indexOf(':');
  return c >= 0 ? f.field.slice(c + 1).toLowerCase() : '';
}

/** SSRF detector (parameter values, cookies, non-standard headers, bodies). */
export const detectSsrf: Detector = (f: FieldValue, out: Finding[]) => {
  if (f.kind === 'path' || f.kind === 'ua') return;
  const v = f.value;
  if (v.length < 3) return;
  const u = v.indexOf(':') > 0 ? findUrl(v) : undefined;
  let score = 0;
  let rule = '';
  if (u) {
    const k = classifyHost(u.host);
    if (k === 'metadata') {
      score = 1;
      rule = 'ssrf.cloud-metadata';
    } else if (
      k === 'internal' &&
      // any network scheme reaches the host (acap://, irc://, rtmp:// too); not script/data URLs
      !NON_NETWORK_SCHEMES.has(u.scheme)
    ) {
      score = 0.9;
      rule = 'ssrf.internal-host';
    } else if (
      ODD_SCHEMES.has(u.scheme) &&
      u.host.length > 0 &&
      (u.index === 0 || URLISH_NAME.test(fieldName(f)))
    ) {
      score = 0.8;
      rule = 'ssrf.unusual-scheme';
    }
    if (score === 0 && v.indexOf('@') > u.index) {
      // parser confusion: several authorities (`http://a:80 &@b:80# @127.0.0.1:22/`); any `@host`
      // after the scheme that is internal is where some parser will connect
      const re = /@\s{0,8}([a-z0-9.[\]:-]{1,64})/g;
      let m: RegExpExecArray | null;
      for (let n = 0; n < 16 && (m = re.exec(v)) !== null; n++) {
        const h = (m[1] as string).startsWith('[')
          ? (m[1] as string)
          : ((m[1] as string).split(':')[0] ?? '');
        const k2 = classifyHost(h);
        if (k2 === 'metadata' || k2 === 'internal') {
          score = k2 === 'metadata' ? 1 : 0.8;
          rule = k2 === 'metadata' ? 'ssrf.cloud-metadata' : 'ssrf.internal-host';
          break;
        }
      }
    }
  } else if (URLISH_NAME.test(fieldName(f))) {
    // no scheme: `url=localhost/`, `url=169.254.169.254/latest`
    const host = /^[a-z0-9.[\]:_-]{1,255}/.exec(v)?.[0] ?? '';
    const h = host.startsWith('[') ? host : (host.split(':')[0] ?? '');
    const k = h ? classifyHost(h) : 'name';
    if (k === 'metadata') {
      score = 1;
      rule = 'ssrf.cloud-metadata';
    } else if (k === 'internal') {
      score = 0.8;
      rule = 'ssrf.internal-host';
    }
  }
  if (score > 0)
    out.push({
      class: 'ssrf',
      rule,
      field: f.field,
      excerpt: excerptAround(v, u?.index ?? 0),
      score: round(score),
    });
};

const TRAILING_Q = /^(?:https?|ftps?|file|php|data|jar|zip|phar|expect)(?::[^?]{0,2048})?\?+$/;

/** RFI detector. */
export const detectRfi: Detector = (f: FieldValue, out: Finding[]) => {
  const v = f.value;
  if (v.indexOf(':') < 0 && v.indexOf('?') < 0) return;
  let score = 0;
  let rule = '';
  let at = 0;
  const hit = (s: number, r: string, a: number): void => {
    if (s > score) {
      score = s;
      rule = r;
      at = a;
    }
  };
  if (f.kind === 'path') {
    const m = /\/(?:https?|ftps?|file):\/{0,3}[a-z0-9]/.exec(v);
    if (m) hit(0.7, 'rfi.url-in-path', m.index);
  } else if (f.kind !== 'ua') {
    if (TRAILING_Q.test(v)) hit(0.9, 'rfi.trailing-question', 0);
    // `jar:http://...!/`, `url:file://...`: Java URL handlers that fetch or unpack remote content
    const nested = /(?:^|[^a-z])(?:jar|url):[a-z]{2,10}:/.exec(v);
    if (nested) hit(0.8, 'rfi.nested-scheme', nested.index);
    const u = findUrl(v);
    if (u) {
      if (WEB_SCHEMES.has(u.scheme)) {
        const k = classifyHost(u.host);
        if (k === 'public' && u.index === 0) hit(0.8, 'rfi.url-ip-host', u.index);
        if (INCLUDE_NAME.test(fieldName(f)) && u.index === 0)
          hit(0.8, 'rfi.include-param', u.index);
        if (/(?:\?|%00|\0)$/.test(v) && u.index === 0) hit(0.9, 'rfi.trailing-question', u.index);
      }
    }
  }
  if (score >= 0.6)
    out.push({
      class: 'rfi',
      rule,
      field: f.field,
      excerpt: excerptAround(v, at),
      score: round(score),
    });
};
