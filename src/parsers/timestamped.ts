/**
 * The generic fallback for application logs that start with a timestamp and carry free text
 * (`2024-03-12T04:31:44Z [AUTH] WARN: Incorrect password for user x. IP=1.2.3.4`, Go's
 * `2022/03/01 12:57:58 ...`, Python's `2022-04-05 14:40:34,644 ...`, bracketed forms). The
 * event keeps the time, the level when one of the first words is a level, the message, and the
 * client address when an address follows a cue word (`from`, `IP`, `client`, `rhost`...).
 * Last in the registry: every specific format wins over it.
 */
import { mapLevel } from './field-map.js';
import { isIpAddress, noteAssumed } from './fields.js';
import { digitsAt, monthAt, parseClfTime, parseIsoAt, parseSyslogTime } from './time.js';
import type { LineParser, ParseContext, ParsedEvent } from './types.js';

interface Stamp {
  iso: string;
  assumed: string | undefined;
  end: number;
}

function stampAt(line: string, p: number, ctx: ParseContext): Stamp | null {
  const c = line.charCodeAt(p);
  if (c >= 48 && c <= 57) {
    // 2022/03/01 12:57:58 (Go's log package): rewrite the separators and read it as ISO.
    if (line.charCodeAt(p + 4) === 47 && line.charCodeAt(p + 7) === 47) {
      const iso = `${line.slice(p, p + 4)}-${line.slice(p + 5, p + 7)}-${line.slice(p + 8)}`;
      const r = parseIsoAt(iso, 0, ctx);
      return r === null ? null : { iso: r.iso, assumed: r.assumed, end: p + r.length };
    }
    const r = parseIsoAt(line, p, ctx);
    if (r !== null) return { iso: r.iso, assumed: r.assumed, end: p + r.length };
    if (line.charCodeAt(p + 2) === 47 && monthAt(line, p + 3) >= 0) {
      const t = parseClfTime(line.slice(p, p + 26));
      if (t !== undefined) return { iso: t, assumed: undefined, end: p + 26 };
    }
    return null;
  }
  if (monthAt(line, p) >= 0 && line.charCodeAt(p + 3) === 32) {
    const r = parseSyslogTime(line.slice(p), ctx);
    if (r !== undefined) return { iso: r.iso, assumed: r.assumed, end: p + 15 };
    return null;
  }
  // `Mon Jun 8 12:08:53 2020` (ctime, vsftpd)
  if (monthAt(line, p + 4) >= 0 && line.charCodeAt(p + 3) === 32) {
    const m = /^\w{3} (\w{3}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})/.exec(
      line.slice(p, p + 32),
    );
    if (m) {
      const mo = monthAt(m[1]!, 0);
      const iso = `${m[6]}-${String(mo + 1).padStart(2, '0')}-${m[2]!.padStart(2, '0')}T${m[3]}:${m[4]}:${m[5]}`;
      const r = parseIsoAt(iso, 0, ctx);
      if (r !== null) return { iso: r.iso, assumed: r.assumed, end: p + m[0].length };
    }
  }
  return null;
}

const CUE =
  /(?:\bfrom|\bclient|\bIP|\bip|\brhost|\bremote(?:[_ ]?(?:addr(?:ess)?|ip|host))?|\bsrc|\bsource|\bpeer|\brip|\baddr(?:ess)?)\b(?:[\s=["'(]|:(?=[\s"'[]))*(?:address[\s:]*)?([0-9A-Fa-f:.]{3,45})/gi;

/** The first address that follows a cue word, validated as an IP. */
export function cuedAddress(msg: string): string | undefined {
  if (msg.length > 4096) return undefined;
  CUE.lastIndex = 0;
  for (let m = CUE.exec(msg); m !== null; m = CUE.exec(msg)) {
    let a = m[1]!;
    while (a.length > 0 && (a.endsWith('.') || a.endsWith(':')) && !isIpAddress(a))
      a = a.slice(0, -1);
    if (isIpAddress(a)) return a;
    // `1.2.3.4:5678`
    const i = a.lastIndexOf(':');
    if (i > 0 && isIpAddress(a.slice(0, i)) && digitsAt(a, i + 1, a.length - i - 1) >= 0)
      return a.slice(0, i);
  }
  return undefined;
}

export function parseTimestampedLine(line: string, ctx: ParseContext): ParsedEvent | null {
  let p = 0;
  while (line.charCodeAt(p) === 32) p++;
  const bracket = line.charCodeAt(p) === 91;
  if (bracket) p++;
  const st = stampAt(line, p, ctx);
  if (st === null) return null;
  let q = st.end;
  if (bracket) {
    if (line.charCodeAt(q) !== 93) return null;
    q++;
  }
  const next = line.charCodeAt(q);
  if (!(
    Number.isNaN(next) ||
    next === 32 ||
    next === 9 ||
    next === 58 ||
    next === 44 ||
    next === 124 ||
    next === 93
  ))
    return null;
  const msg = line.slice(q).replace(/^[\s:,|\]]+/, '');
  const ev: ParsedEvent = {
    'event.name': 'log',
    time: st.iso,
    'log.format': 'timestamped',
    'log.original': line,
    message: msg,
  };
  noteAssumed(ev, st.assumed);
  // Level: one of the first four words, bare or in brackets (`WARN`, `[error]`, `local.WARNING:`).
  const words = msg.slice(0, 80).split(/[\s|]+/, 4);
  for (const w of words) {
    const t = w.replace(/^[[(<{]+|[\]):>},]+$/g, '').replace(/^.*\./, '');
    const sev = t.length >= 3 ? mapLevel(t, 'level') : undefined;
    if (sev !== undefined) {
      ev.severity = sev;
      break;
    }
  }
  // An address among the first words (`info [cpaneld] 1.2.3.4 - user "POST ..."`) is the
  // client in access-log-like lines; otherwise the first address after a cue word.
  let ip: string | undefined;
  for (const w of msg.split(' ', 6)) {
    let t = w.replace(/^[[(]|[\]),:]$/g, '');
    const colon = t.lastIndexOf(':');
    if (colon > 0 && !isIpAddress(t) && isIpAddress(t.slice(0, colon))) t = t.slice(0, colon); // ip:port
    if (t.length >= 7 && isIpAddress(t)) {
      ip = t;
      break;
    }
  }
  ip ??= cuedAddress(msg);
  if (ip !== undefined) ev['client.address'] = ip;
  return ev;
}

export const timestampedParser: LineParser = { name: 'timestamped', parse: parseTimestampedLine };
