/**
 * Apache / nginx access logs: Common Log Format, Combined, their vhost-prefixed variants
 * (`%v`, `%v:%p`, Debian's `vhost_combined`, bunkerweb's `host ip - id - [...]`), Nginx Proxy
 * Manager's proxy-host format (`log.format: npm_proxy`) and trailing
 * extras (nginx `$request_time`, Apache `%D`, Traefik `12ms`, `rt=0.123`, extra quoted fields).
 *
 * A hand-written scanner (indexOf over the line, no regex on the hot path): bench/parse.mjs
 * measured it against an anchored regex at roughly 2x. Quoted fields honour Apache's `\"`
 * escape; nginx's `\x22` needs no special case.
 *
 * @example
 * accessLogParser.parse('203.0.113.9 - bob [27/Nov/2026:09:00:00 +0000] "GET /a?x=1 HTTP/1.1" 200 5 "-" "curl/8"', { now: Date.now() });
 * // { 'event.name': 'http_request', 'http.request.method': 'GET', 'url.path': '/a', 'url.query': 'x=1', ... }
 */
import { applyRequest, splitHostPort } from './fields.js';
import { parseClfTime } from './time.js';
import type { LineParser, ParseContext, ParsedEvent } from './types.js';

/** Index of the closing quote of a field opened at `open` (s[open] === '"'), or -1. */
export function closingQuote(s: string, open: number): number {
  let i = s.indexOf('"', open + 1);
  while (i > 0) {
    // An odd number of backslashes before the quote escapes it (Apache writes \" and \\).
    let b = 0;
    for (let k = i - 1; k > open && s.charCodeAt(k) === 92; k--) b++;
    if ((b & 1) === 0) return i;
    i = s.indexOf('"', i + 1);
  }
  return -1;
}

/** Undo Apache's `\"` and `\\` escapes (nginx's `\xHH` are kept as logged). */
function unescapeQuoted(s: string): string {
  if (s.indexOf('\\') < 0) return s;
  return s.replace(/\\(["\\])/g, '$1');
}

function dashToUndef(s: string): string | undefined {
  return s === '-' || s === '' ? undefined : s;
}

function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Parse trailing extras after the user agent: durations and extra fields. */
function applyExtras(ev: ParsedEvent, s: string, from: number): void {
  let i = from;
  let durMs: number | undefined;
  let durRank = 0; // 4: `12ms`, 3: rt=/request_time=, 2: float seconds, 1: integer microseconds
  const extra: string[] = [];
  const n = s.length;
  while (i < n) {
    while (i < n && s.charCodeAt(i) === 32) i++;
    if (i >= n) break;
    if (s.charCodeAt(i) === 34) {
      const e = closingQuote(s, i);
      if (e < 0) {
        extra.push(s.slice(i));
        break;
      }
      extra.push(unescapeQuoted(s.slice(i + 1, e)));
      i = e + 1;
      continue;
    }
    let e = s.indexOf(' ', i);
    if (e < 0) e = n;
    const tok = s.slice(i, e);
    i = e;
    const eq = tok.indexOf('=');
    let val = tok;
    let rank = 0;
    if (eq > 0) {
      const key = tok.slice(0, eq);
      val = tok.slice(eq + 1).replace(/^"|"$/g, '');
      if (key === 'rt' || key === 'request_time' || key === 'rtime') rank = 3;
      else {
        extra.push(tok);
        continue;
      }
    }
    if (rank === 0 && val.endsWith('ms') && isDigits(val.slice(0, -2))) {
      if (durRank < 4) {
        durMs = Number(val.slice(0, -2));
        durRank = 4;
      }
      continue;
    }
    const dot = val.indexOf('.');
    if (dot > 0 && isDigits(val.slice(0, dot)) && isDigits(val.slice(dot + 1))) {
      const r = rank || 2;
      if (durRank < r) {
        durMs = Number(val) * 1000;
        durRank = r;
      }
      continue;
    }
    if (isDigits(val)) {
      const r = rank === 3 ? 3 : 1;
      if (durRank <= r) {
        // rt= without a dot is seconds; a bare integer is Apache %D (microseconds).
        durMs = r === 3 ? Number(val) * 1000 : Number(val) / 1000;
        durRank = r;
      }
      extra.push(val);
      continue;
    }
    extra.push(tok);
  }
  if (durMs !== undefined) ev['http.server.duration_ms'] = Math.round(durMs * 1000) / 1000;
  if (extra.length > 0) (ev.attributes ??= {})['access.extra'] = extra;
}

/**
 * Nginx Proxy Manager's proxy-host format:
 * `[time] $upstream_cache_status $upstream_status $status - $request_method $scheme $host "$request_uri"
 * [Client $remote_addr] [Length $body_bytes_sent] [Gzip $gzip_ratio] [Sent-to $server] "$ua" "$referer"`
 * (empty variables leave fewer tokens, so the status is the last number before the `-`).
 */
const NPM_PROXY =
  /^\[([^\]]{20,32})\] ((?:\S+ )*?)- ([A-Z][A-Z_-]{0,19}) (\S+) (\S+) "((?:[^"\\]|\\.)*)" \[Client ([^\]\s]+)\](?: \[Length (\d+)\])?((?: \[[^\]]*\])*)(?: "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)")?/;

function parseNpmProxyLine(line: string): ParsedEvent | null {
  if (line.length > 16384) return null; // the regex stays linear, but only on bounded text
  const m = NPM_PROXY.exec(line);
  if (m === null) return null;
  const time = parseClfTime(m[1]!);
  if (time === undefined) return null;
  const ev: ParsedEvent = {
    'event.name': 'http_request',
    time,
    'log.format': 'npm_proxy',
    'log.original': line,
    'client.address': m[7]!,
    'http.request.method': m[3]!,
  };
  const uri = m[6]!;
  const q = uri.indexOf('?');
  ev['url.path'] = q < 0 ? uri : uri.slice(0, q);
  if (q >= 0) ev['url.query'] = uri.slice(q + 1);
  const statuses = m[2]!.split(' ').filter((t) => t.length === 3 && isDigits(t));
  if (statuses.length > 0) ev['http.response.status_code'] = Number(statuses[statuses.length - 1]);
  if (m[8] !== undefined) ev['http.response.body.bytes'] = Number(m[8]);
  if (m[5] !== '-') ev['host.name'] = m[5];
  const ua = m[10] === undefined ? undefined : dashToUndef(unescapeQuoted(m[10]));
  const ref = m[11] === undefined ? undefined : dashToUndef(unescapeQuoted(m[11]));
  if (ua !== undefined) ev['user_agent.original'] = ua;
  if (ref !== undefined) ev['http.request.referrer'] = ref;
  (ev.attributes ??= {})['url.scheme'] = m[4];
  return ev;
}

export function parseAccessLine(line: string, _ctx: ParseContext): ParsedEvent | null {
  if (line.charCodeAt(0) === 91 /* [ */) return parseNpmProxyLine(line);
  const lb = line.indexOf(' [');
  if (lb < 5) return null;
  const rb = line.indexOf('] "', lb + 2);
  if (rb < 0 || rb - lb > 40) return null;
  const time = parseClfTime(line.slice(lb + 2, rb));
  if (time === undefined) return null;
  // Prefix: [vhost[:port]] client ident user  (bunkerweb: vhost client - reqid - ). The common
  // three-token form is read with indexOf, without splitting (one array less per line).
  const s1 = line.indexOf(' ');
  const s2 = line.indexOf(' ', s1 + 1);
  if (s1 <= 0 || s2 < 0 || s2 >= lb) return null;
  let pre: string[] | undefined;
  let client: string;
  let user: string;
  if (line.indexOf(' ', s2 + 1) === lb) {
    client = line.slice(0, s1);
    user = line.slice(s2 + 1, lb);
  } else {
    pre = line.slice(0, lb).split(' ');
    if (pre.length > 6) return null;
    client = pre[1]!;
    user = pre[pre.length - 1]!;
  }
  const off = pre === undefined ? 0 : pre.length - 3;
  const qs = rb + 2;
  const qe = closingQuote(line, qs);
  if (qe < 0) return null;
  // status and bytes
  let p = qe + 1;
  if (line.charCodeAt(p) !== 32) return null;
  let e = line.indexOf(' ', p + 1);
  if (e < 0) e = line.length;
  const statusText = line.slice(p + 1, e);
  if (!(statusText === '-' || (statusText.length === 3 && isDigits(statusText)))) return null;
  p = e;
  let bytesText: string | undefined;
  if (p < line.length) {
    e = line.indexOf(' ', p + 1);
    if (e < 0) e = line.length;
    bytesText = line.slice(p + 1, e);
    if (!(bytesText === '-' || isDigits(bytesText))) return null;
    p = e;
  }
  const ev: ParsedEvent = {
    'event.name': 'http_request',
    time,
    'log.format': 'common',
    'log.original': line,
    'client.address': client,
  };
  const u = dashToUndef(user);
  if (u !== undefined) ev['user.name'] = u;
  if (pre !== undefined) {
    const hp = splitHostPort(pre[0]!);
    if (hp.host !== '-') ev['host.name'] = hp.host;
    if (hp.port !== undefined) ev['server.port'] = hp.port;
    if (off > 1) (ev.attributes ??= {})['access.prefix'] = pre.slice(2, pre.length - 1).join(' ');
  }
  applyRequest(ev, unescapeQuoted(line.slice(qs + 1, qe)));
  if (statusText !== '-') ev['http.response.status_code'] = Number(statusText);
  if (bytesText !== undefined && bytesText !== '-')
    ev['http.response.body.bytes'] = Number(bytesText);
  // Combined: "referrer" "user agent"
  if (line.charCodeAt(p) === 32 && line.charCodeAt(p + 1) === 34) {
    const re = closingQuote(line, p + 1);
    if (re > 0 && line.charCodeAt(re + 1) === 32 && line.charCodeAt(re + 2) === 34) {
      const ue = closingQuote(line, re + 2);
      if (ue > 0) {
        const ref = dashToUndef(unescapeQuoted(line.slice(p + 2, re)));
        const ua = dashToUndef(unescapeQuoted(line.slice(re + 3, ue)));
        if (ref !== undefined) ev['http.request.referrer'] = ref;
        if (ua !== undefined) ev['user_agent.original'] = ua;
        ev['log.format'] = 'combined';
        p = ue + 1;
      }
    }
  }
  if (off > 0) ev['log.format'] = `vhost_${ev['log.format']}`;
  if (p < line.length) applyExtras(ev, line, p);
  return ev;
}

export const accessLogParser: LineParser = { name: 'access', parse: parseAccessLine };
