/**
 * Syslog lines: RFC 3164 (BSD) with or without `<PRI>`, the classic file form
 * (`Nov 27 09:00:00 host prog[pid]: msg`), rsyslog's high-precision file form
 * (`2026-11-27T09:00:00.123456+00:00 host prog[pid]: msg`) and RFC 5424 with structured data.
 * Exported for the network syslog receiver, which feeds it frames.
 *
 * After the header, the program's own wording is interpreted (sshd, PAM, sudo, su, postfix,
 * dovecot): see sshd.ts and auth-programs.ts.
 *
 * @example
 * parseRfc3164('Nov 27 09:00:00 web1 sshd[42]: Invalid user admin from 203.0.113.9 port 52144', { now: Date.now() });
 * // { 'event.name': 'authn_login_fail', 'user.name': 'admin', 'client.address': '203.0.113.9', ... }
 */
import type { Severity } from '../core/event.js';
import { applyMail, applyPam, applySu, applySudo } from './auth-programs.js';
import { noteAssumed } from './fields.js';
import { applySshd } from './sshd.js';
import { digitsAt, monthAt, parseIsoAt, parseSyslogTime } from './time.js';
import type { LineParser, ParseContext, ParsedEvent } from './types.js';

/** RFC 5424 §6.2.1 severities 0-7 onto our levels. */
const SYSLOG_SEVERITY: readonly Severity[] = [
  'CRITICAL',
  'CRITICAL',
  'CRITICAL',
  'ERROR',
  'WARN',
  'INFO',
  'INFO',
  'DEBUG',
];

/** `<PRI>` at the start: [pri, index after '>'] or null. */
function readPri(line: string): [number, number] | null {
  if (line.charCodeAt(0) !== 60) return null;
  const gt = line.indexOf('>', 1);
  if (gt < 2 || gt > 4) return null;
  const pri = digitsAt(line, 1, gt - 1);
  if (pri < 0 || pri > 191) return null;
  return [pri, gt + 1];
}

function applyPri(ev: ParsedEvent, pri: number): void {
  const a = (ev.attributes ??= {});
  a['syslog.facility'] = pri >> 3;
  a['syslog.severity'] = pri & 7;
  ev.severity = SYSLOG_SEVERITY[pri & 7];
}

const isWord = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;

/**
 * Where the message starts after `pam_unix(SERVICE:TYPE): ` (the service is `[\w.-]+`, the
 * type `\w+`), or -1. A hand-written `/^pam_unix\(([\w.-]+):(\w+)\): /`.
 */
export function pamPrefixEnd(msg: string): number {
  if (!msg.startsWith('pam_unix(')) return -1;
  const n = msg.length;
  let k = 9;
  while (k < n) {
    const c = msg.charCodeAt(k);
    if (!(isWord(c) || c === 46 || c === 45)) break;
    k++;
  }
  if (k === 9 || msg.charCodeAt(k) !== 58 /* : */) return -1;
  let j = k + 1;
  while (j < n && isWord(msg.charCodeAt(j))) j++;
  if (j === k + 1 || !msg.startsWith('): ', j)) return -1;
  return j + 3;
}

/** Interpret the message of a known program; leaves a plain `log` otherwise. */
export function applyProgram(ev: ParsedEvent, program: string, msg: string): void {
  const paren = program.indexOf('(');
  const base = paren > 0 ? program.slice(0, paren) : program;
  if (paren > 0 && program.endsWith('(pam_unix)')) {
    // Old Red Hat form: `sshd(pam_unix)[9356]: authentication failure; ...`
    applyPam(ev, base, msg);
    return;
  }
  const pamEnd = pamPrefixEnd(msg);
  if (pamEnd > 0) {
    applyPam(ev, msg.slice(9, msg.indexOf(':', 9)), msg.slice(pamEnd));
    return;
  }
  if (base === 'sshd' || base === 'sshd-session' || base === 'sshd-auth') applySshd(ev, msg);
  else if (base === 'sudo') applySudo(ev, msg);
  else if (base === 'su') applySu(ev, msg);
  else if (base.startsWith('postfix') || base === 'dovecot') applyMail(ev, base, msg);
}

/** The tag `prog[pid]:` / `prog:` at line[p..]: program, pid, index of the message. */
function readTag(
  line: string,
  p: number,
): { program: string; pid: string | undefined; msg: number } | null {
  const c0 = line.charCodeAt(p);
  // A tag starts with a letter, digit, `_` or `-` (not `/x`, `[`...).
  if (!(
    (c0 >= 97 && c0 <= 122) ||
    (c0 >= 65 && c0 <= 90) ||
    (c0 >= 48 && c0 <= 57) ||
    c0 === 95 ||
    c0 === 45
  ))
    return null;
  const n = Math.min(line.length, p + 128);
  for (let i = p; i < n; i++) {
    const c = line.charCodeAt(i);
    if (c === 58 /* : */) {
      if (i === p) return null;
      return {
        program: line.slice(p, i),
        pid: undefined,
        msg: line.charCodeAt(i + 1) === 32 ? i + 2 : i + 1,
      };
    }
    if (c === 91 /* [ */) {
      const e = line.indexOf(']', i);
      if (e < 0 || e - i > 24 || line.charCodeAt(e + 1) !== 58) return null;
      return {
        program: line.slice(p, i),
        pid: line.slice(i + 1, e),
        msg: line.charCodeAt(e + 2) === 32 ? e + 3 : e + 2,
      };
    }
    if (c === 32) {
      // `syslogd 1.4.1: restart.`: a tag without a colon; the rest is the message.
      if (i === p) return null;
      return { program: line.slice(p, i), pid: undefined, msg: i + 1 };
    }
  }
  return null;
}

/** `Number(s)`, computed by hand for the usual 1-9 plain digits. */
function pidNumber(s: string): number {
  const n = s.length;
  if (n === 0 || n > 9) return Number(s);
  let v = 0;
  for (let k = 0; k < n; k++) {
    const c = s.charCodeAt(k) - 48;
    if (c < 0 || c > 9) return Number(s);
    v = v * 10 + c;
  }
  return v;
}

/** RFC 3164 / file-form syslog. Null when the line has no syslog timestamp. */
export function parseRfc3164(line: string, ctx: ParseContext): ParsedEvent | null {
  let p = 0;
  const pri = readPri(line);
  if (pri !== null) {
    p = pri[1];
    if (line.charCodeAt(p) === 49 /* 1 */ && line.charCodeAt(p + 1) === 32) return null; // RFC 5424
  }
  let time: string;
  let assumed: string | undefined;
  if (monthAt(line, p) >= 0) {
    const r = parseSyslogTime(p === 0 ? line : line.slice(p), ctx);
    if (r === undefined) return null;
    time = r.iso;
    assumed = r.assumed;
    p += 15;
  } else {
    // rsyslog's RFC 3339 file form always has the `T`; a space-separated date is url_line's.
    if (line.charCodeAt(p + 10) !== 84) return null;
    const r = parseIsoAt(line, p, ctx);
    if (r === null) return null;
    time = r.iso;
    assumed = r.assumed;
    p += r.length;
  }
  if (line.charCodeAt(p) !== 32) return null;
  p++;
  const ev: ParsedEvent = {
    'event.name': 'log',
    time,
    'log.format': 'syslog',
    'log.original': line,
  };
  if (pri !== null) applyPri(ev, pri[0]);
  noteAssumed(ev, assumed);
  // HOSTNAME is optional in frames from many senders: a first token that already ends the tag
  // (`su:`, `sshd[12]:`) is the tag itself.
  let sp = line.indexOf(' ', p);
  if (sp < 0) sp = line.length;
  const first = line.slice(p, sp);
  // A bracketed first token (`[AUTH]`) is an application log, not a syslog header.
  if (first.charCodeAt(0) === 91) return null;
  const isTag = first.endsWith(':') || (first.endsWith(']:') && first.includes('['));
  if (!isTag) {
    ev['host.name'] = first;
    p = sp + 1;
    while (line.charCodeAt(p) === 32) p++;
  }
  const tag = p < line.length ? readTag(line, p) : null;
  if (tag === null) return null;
  const msg = line.slice(tag.msg);
  ev.message = msg;
  const a = (ev.attributes ??= {});
  a['process.name'] = tag.program;
  if (tag.pid !== undefined) {
    const pid = pidNumber(tag.pid);
    a['process.pid'] = Number.isInteger(pid) ? pid : tag.pid;
  }
  applyProgram(ev, tag.program, msg);
  return ev;
}

/** Structured data `[id k="v" ...][id2 ...]` at line[p..]: parsed map and index after it. */
function readStructuredData(
  line: string,
  p: number,
): { sd: Record<string, string | string[]>; end: number } | null {
  const sd: Record<string, string | string[]> = {};
  let i = p;
  while (line.charCodeAt(i) === 91 /* [ */) {
    let j = i + 1;
    while (j < line.length && line.charCodeAt(j) !== 32 && line.charCodeAt(j) !== 93) j++;
    const id = line.slice(i + 1, j);
    if (id === '') return null;
    i = j;
    while (line.charCodeAt(i) === 32) {
      i++;
      const eq = line.indexOf('="', i);
      if (eq < 0) return null;
      const name = line.slice(i, eq);
      // PARAM-VALUE escapes `"`, `\` and `]` with a backslash (RFC 5424 §6.3.3).
      let v = '';
      let k = eq + 2;
      for (;;) {
        if (k >= line.length) return null;
        const c = line.charCodeAt(k);
        if (c === 92 && k + 1 < line.length) {
          const nx = line[k + 1]!;
          v += nx === '"' || nx === '\\' || nx === ']' ? nx : `\\${nx}`;
          k += 2;
          continue;
        }
        if (c === 34) break;
        v += line[k];
        k++;
      }
      const key = `sd.${id}.${name}`;
      const prev = sd[key];
      sd[key] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
      i = k + 1;
    }
    if (line.charCodeAt(i) !== 93) return null;
    i++;
  }
  return { sd, end: i };
}

/** RFC 5424 `<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG`. Null when the line is not one. */
export function parseRfc5424(line: string, ctx: ParseContext): ParsedEvent | null {
  const pri = readPri(line);
  if (pri === null) return null;
  let p = pri[1];
  if (line.charCodeAt(p) !== 49 || line.charCodeAt(p + 1) !== 32) return null;
  p += 2;
  const fields: string[] = [];
  for (let k = 0; k < 5; k++) {
    const sp = line.indexOf(' ', p);
    if (sp < 0) return null;
    fields.push(line.slice(p, sp));
    p = sp + 1;
  }
  const [ts, host, app, procid, msgid] = fields as [string, string, string, string, string];
  const ev: ParsedEvent = { 'event.name': 'log', 'log.format': 'syslog5424', 'log.original': line };
  if (ts !== '-') {
    const r = parseIsoAt(ts, 0, ctx);
    if (r === null || r.length !== ts.length) return null;
    ev.time = r.iso;
    noteAssumed(ev, r.assumed);
  }
  applyPri(ev, pri[0]);
  const a = (ev.attributes ??= {});
  if (host !== '-') ev['host.name'] = host;
  if (app !== '-') a['process.name'] = app;
  if (procid !== '-') {
    const pid = Number(procid);
    a['process.pid'] = Number.isInteger(pid) ? pid : procid;
  }
  if (msgid !== '-') a['syslog.msgid'] = msgid;
  let msgStart: number;
  if (line.charCodeAt(p) === 45 /* - */) msgStart = p + 1;
  else {
    const sd = readStructuredData(line, p);
    if (sd === null) return null;
    Object.assign(a, sd.sd);
    msgStart = sd.end;
  }
  let msg = line.charCodeAt(msgStart) === 32 ? line.slice(msgStart + 1) : line.slice(msgStart);
  if (msg.charCodeAt(0) === 0xfeff) msg = msg.slice(1); // BOM (RFC 5424 §6.4)
  ev.message = msg;
  if (app !== '-') applyProgram(ev, app, msg);
  return ev;
}

/** Either syslog form: RFC 5424 when the version digit is there, RFC 3164 otherwise. */
export function parseSyslogLine(line: string, ctx: ParseContext): ParsedEvent | null {
  return parseRfc5424(line, ctx) ?? parseRfc3164(line, ctx);
}

export const syslogParser: LineParser = { name: 'syslog', parse: parseSyslogLine };
