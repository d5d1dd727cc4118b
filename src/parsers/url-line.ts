/**
 * The poor "timestamp + URL" format a badly configured server writes (ARCHITECTURE §1: "mainly
 * just the timestamp and the URL"): `2026-11-27 09:00:01 GET /account?id=7`,
 * `[27/Nov/2026:09:00:01] /login`, optionally with a client address before and a status after.
 * Strict on purpose: timestamp, then `[addr] [METHOD] URL [status] [bytes|duration]` and nothing
 * else, so free-text application logs are not mistaken for it.
 */
import { applyUrl, isIpAddress, noteAssumed } from './fields.js';
import { parseClfTime, parseIsoAt } from './time.js';
import type { LineParser, ParseContext, ParsedEvent } from './types.js';

const METHOD = /^[A-Z]{3,10}$/;

export function parseUrlLine(line: string, ctx: ParseContext): ParsedEvent | null {
  let time: string | undefined;
  let assumed: string | undefined;
  let p: number;
  if (line.charCodeAt(0) === 91) {
    const e = line.indexOf(']');
    if (e < 0 || e > 40) return null;
    const inner = line.slice(1, e);
    time = parseClfTime(inner);
    if (time === undefined) {
      // Zone-less CLF time: resolve via ISO with the context's zone.
      const m = /^(\d{2})\/(\w{3})\/(\d{4}):(\d{2}:\d{2}:\d{2})$/.exec(inner);
      if (m) {
        const mon = [
          'Jan',
          'Feb',
          'Mar',
          'Apr',
          'May',
          'Jun',
          'Jul',
          'Aug',
          'Sep',
          'Oct',
          'Nov',
          'Dec',
        ].indexOf(m[2]!);
        if (mon >= 0) {
          const r = parseIsoAt(
            `${m[3]}-${String(mon + 1).padStart(2, '0')}-${m[1]}T${m[4]}`,
            0,
            ctx,
          );
          if (r !== null) ({ iso: time, assumed } = r);
        }
      } else {
        const r = parseIsoAt(inner, 0, ctx);
        if (r !== null && r.length === inner.length) ({ iso: time, assumed } = r);
      }
    }
    if (time === undefined) return null;
    p = e + 1;
  } else {
    const r = parseIsoAt(line, 0, ctx);
    if (r === null) return null;
    time = r.iso;
    assumed = r.assumed;
    p = r.length;
  }
  if (line.charCodeAt(p) !== 32) return null;
  const toks = line
    .slice(p + 1)
    .trim()
    .split(/ +/);
  if (toks.length === 0 || toks.length > 6) return null;
  let i = 0;
  const ev: ParsedEvent = {
    'event.name': 'http_request',
    time,
    'log.format': 'url_line',
    'log.original': line,
  };
  noteAssumed(ev, assumed);
  if (isIpAddress(toks[i] ?? '')) ev['client.address'] = toks[i++];
  if (METHOD.test(toks[i] ?? '')) ev['http.request.method'] = toks[i++];
  const url = toks[i++];
  if (
    url === undefined ||
    !(url.startsWith('/') || url.startsWith('http://') || url.startsWith('https://'))
  )
    return null;
  applyUrl(ev, url);
  if (i < toks.length && /^\d{3}$/.test(toks[i]!))
    ev['http.response.status_code'] = Number(toks[i++]);
  if (i < toks.length && /^\d+(\.\d+)?ms$/.test(toks[i]!))
    ev['http.server.duration_ms'] = Number(toks[i++]!.slice(0, -2));
  else if (i < toks.length && /^\d+$/.test(toks[i]!))
    ev['http.response.body.bytes'] = Number(toks[i++]);
  if (i < toks.length) return null;
  return ev;
}

export const urlLineParser: LineParser = { name: 'url_line', parse: parseUrlLine };
