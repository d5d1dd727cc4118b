/**
 * Web server error logs: nginx (`2026/11/27 09:00:00 [error] 12#12: *5 msg, client: ..., request: "..."`)
 * and Apache httpd 2.2/2.4 (`[Fri Nov 27 09:00:00.123456 2026] [core:error] [pid 1:tid 2] [client 1.2.3.4:5] AH00126: msg`).
 * Both write local time without a zone: the context's zone is assumed and recorded.
 * Authentication and rate-limit messages become vocabulary events; everything else is a `log`
 * with its level, client and request.
 */
import type { Severity } from '../core/event.js';
import { applyRequest, noteAssumed, splitHostPort } from './fields.js';
import { digitsAt, monthAt, resolveWallClock } from './time.js';
import type { LineParser, ParseContext, ParsedEvent } from './types.js';

const LEVEL: Readonly<Record<string, Severity>> = {
  debug: 'DEBUG',
  info: 'INFO',
  notice: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  crit: 'CRITICAL',
  alert: 'CRITICAL',
  emerg: 'CRITICAL',
};

function fail(ev: ParsedEvent, reason: string, user: string | undefined): void {
  ev['event.name'] = 'authn_login_fail';
  ev['event.outcome'] = 'failure';
  ev['event.reason'] = reason;
  if (user) ev['user.name'] = user;
}

const NGINX_TAIL =
  /, (client|server|request|upstream|host|referrer|subrequest|login): ("(?:[^"\\]|\\.)*"|[^,]*)/g;

export function parseNginxErrorLine(line: string, ctx: ParseContext): ParsedEvent | null {
  const y = digitsAt(line, 0, 4);
  if (
    y < 0 ||
    line.charCodeAt(4) !== 47 ||
    line.charCodeAt(7) !== 47 ||
    line.charCodeAt(10) !== 32 ||
    line.charCodeAt(19) !== 32
  )
    return null;
  const mo = digitsAt(line, 5, 2) - 1;
  const d = digitsAt(line, 8, 2);
  const h = digitsAt(line, 11, 2);
  const mi = digitsAt(line, 14, 2);
  const s = digitsAt(line, 17, 2);
  if (
    mo < 0 ||
    mo > 11 ||
    d < 1 ||
    d > 31 ||
    h < 0 ||
    h > 23 ||
    mi < 0 ||
    mi > 59 ||
    s < 0 ||
    s > 60
  )
    return null;
  if (line.charCodeAt(20) !== 91) return null;
  const lb = line.indexOf('] ', 21);
  if (lb < 0 || lb > 30) return null;
  const level = line.slice(21, lb);
  const sev = LEVEL[level];
  if (sev === undefined) return null;
  const t = resolveWallClock(y, mo, d, h, mi, s, 0, ctx);
  const ev: ParsedEvent = {
    'event.name': 'log',
    time: t.iso,
    severity: sev,
    'log.format': 'nginx_error',
    'log.original': line,
  };
  noteAssumed(ev, t.assumed);
  let rest = line.slice(lb + 2);
  const pm = /^(\d+)#(\d+): (?:\*(\d+) )?/.exec(rest);
  const a = (ev.attributes ??= {});
  a['log.level'] = level;
  if (pm) {
    a['process.pid'] = Number(pm[1]);
    if (pm[3] !== undefined) a['nginx.connection'] = Number(pm[3]);
    rest = rest.slice(pm[0].length);
  }
  // Context pairs follow the message; the message itself may quote attacker data, so they are
  // read from the last `, client: ` on.
  const ci = rest.lastIndexOf(', client: ');
  const msg = ci >= 0 ? rest.slice(0, ci) : rest;
  ev.message = msg;
  if (ci >= 0) {
    for (const m of rest.slice(ci).matchAll(NGINX_TAIL)) {
      const raw = m[2]!;
      const v = raw.startsWith('"') ? raw.slice(1, -1) : raw;
      if (v === '') continue;
      // The mail proxy writes `client: 192.0.2.1 using starttls`.
      if (m[1] === 'client') ev['client.address'] = v.split(' ', 1)[0];
      else if (m[1] === 'login') ev['user.name'] = v;
      else if (m[1] === 'server') ev['server.address'] = v;
      else if (m[1] === 'request') applyRequest(ev, v);
      else if (m[1] === 'host') ev['host.name'] = v;
      else if (m[1] === 'referrer') ev['http.request.referrer'] = v;
      else a[`nginx.${m[1]}`] = v;
    }
  }
  let m: RegExpExecArray | null;
  if (
    (m = /^limiting (?:requests|connections)(?:, excess: ([\d.]+))? by zone "([^"]*)"/.exec(msg))
  ) {
    ev['event.name'] = 'excess_rate_limit_exceeded';
    ev['event.outcome'] = 'failure';
    a['nginx.limit_zone'] = m[2];
    if (m[1] !== undefined) a['nginx.excess'] = Number(m[1]);
  } else if ((m = /^user "([^"]*)" was not found in "/.exec(msg))) fail(ev, 'invalid_user', m[1]);
  else if ((m = /^user "([^"]*)": password mismatch/.exec(msg))) fail(ev, 'wrong_password', m[1]);
  else if (/^client login failed\b/.test(msg)) fail(ev, 'mail_login_failed', ev['user.name']);
  else if (/^access forbidden by rule/.test(msg)) {
    ev['event.name'] = 'authz_fail';
    ev['event.outcome'] = 'failure';
    ev['event.reason'] = 'forbidden_by_rule';
  }
  return ev;
}

const WEEKDAYS = new Set(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']);

export function parseApacheErrorLine(line: string, ctx: ParseContext): ParsedEvent | null {
  // [Www Mmm dd HH:MM:SS[.uuuuuu] yyyy]
  if (line.charCodeAt(0) !== 91 || !WEEKDAYS.has(line.slice(1, 4)) || line.charCodeAt(4) !== 32)
    return null;
  const mo = monthAt(line, 5);
  const d = digitsAt(line, 9, 2);
  const h = digitsAt(line, 12, 2);
  const mi = digitsAt(line, 15, 2);
  const s = digitsAt(line, 18, 2);
  if (mo < 0 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60)
    return null;
  let p = 20;
  let usec = 0;
  if (line.charCodeAt(p) === 46) {
    const e = line.indexOf(' ', p);
    usec = Number(
      line
        .slice(p + 1, e)
        .padEnd(6, '0')
        .slice(0, 6),
    );
    // `.a528126`: not a fraction; a NaN here made Date throw (found by mutating corpus lines)
    if (Number.isNaN(usec)) return null;
    p = e;
  }
  const y = digitsAt(line, p + 1, 4);
  if (y < 0 || line.charCodeAt(p + 5) !== 93) return null;
  p += 6;
  const t = resolveWallClock(y, mo, d, h, mi, s, Math.floor(usec / 1000), ctx);
  const ev: ParsedEvent = {
    'event.name': 'log',
    time: t.iso,
    'log.format': 'apache_error',
    'log.original': line,
  };
  noteAssumed(ev, t.assumed);
  const a = (ev.attributes ??= {});
  // Bracketed fields: [module:level] or [level], [pid N:tid M], [client ADDR[:port]]
  for (;;) {
    while (line.charCodeAt(p) === 32) p++;
    if (line.charCodeAt(p) !== 91) break;
    const e = line.indexOf(']', p);
    if (e < 0) break;
    const f = line.slice(p + 1, e);
    if (f.startsWith('client ')) {
      const hp = splitHostPort(f.slice(7));
      ev['client.address'] = hp.host;
      if (hp.port !== undefined) ev['client.port'] = hp.port;
    } else if (f.startsWith('pid ')) {
      const pm = /^pid (\d+)/.exec(f);
      if (pm) a['process.pid'] = Number(pm[1]);
    } else if (/^[\w:]+$/.test(f) && ev.severity === undefined) {
      const c = f.lastIndexOf(':');
      const level = c >= 0 ? f.slice(c + 1) : f;
      const sev = LEVEL[level] ?? (level.startsWith('trace') ? 'DEBUG' : undefined);
      if (sev === undefined) break;
      ev.severity = sev;
      a['log.level'] = level;
      if (c >= 0) a['apache.module'] = f.slice(0, c);
    } else break;
    p = e + 1;
  }
  if (ev.severity === undefined) return null;
  let msg = line.slice(p);
  const code = /^(AH\d{5}): /.exec(msg);
  if (code) {
    a['apache.code'] = code[1];
    msg = msg.slice(code[0].length);
  }
  const ri = msg.lastIndexOf(', referer: ');
  if (ri >= 0) {
    ev['http.request.referrer'] = msg.slice(ri + 11);
    msg = msg.slice(0, ri);
  }
  ev.message = msg;
  let m: RegExpExecArray | null;
  if ((m = /^user (.*?): authentication failure for "([^"]*)": (.*)$/.exec(msg))) {
    fail(
      ev,
      m[3] === 'Password Mismatch' ? 'wrong_password' : m[3]!.toLowerCase().replace(/\s+/g, '_'),
      m[1],
    );
    ev['url.path'] = m[2];
  } else if ((m = /^user (.*?) not found: (\S*)/.exec(msg))) {
    fail(ev, 'invalid_user', m[1]);
    ev['url.path'] = m[2];
  } else if ((m = /^client denied by server configuration: (\S*)/.exec(msg))) {
    ev['event.name'] = 'authz_fail';
    ev['event.outcome'] = 'failure';
    ev['event.reason'] = 'denied_by_configuration';
    a.resource = m[1];
  }
  return ev;
}

export const nginxErrorParser: LineParser = { name: 'nginx_error', parse: parseNginxErrorLine };
export const apacheErrorParser: LineParser = { name: 'apache_error', parse: parseApacheErrorLine };
