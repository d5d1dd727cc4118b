/**
 * logfmt (`time="..." level=error msg="..." remote_ip=1.1.1.1`), as written by Go services
 * (logrus, Grafana, Authelia, Traefik). Every token must be `key=value` (the value may be empty
 * or double-quoted with `\"` escapes); otherwise the line is not logfmt.
 */
import { applyFlat } from './field-map.js';
import type { LineParser, ParseContext, ParsedEvent } from './types.js';

const MIN_PAIRS = 2;

function isKeyChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 57) ||
    c === 95 ||
    c === 46 ||
    c === 45 ||
    c === 47 ||
    c === 64
  );
}

/** Pairs of a logfmt line, or null when some token is not `key=value`. */
export function scanLogfmt(line: string): Map<string, unknown> | null {
  const out = new Map<string, unknown>();
  const n = line.length;
  let i = 0;
  while (i < n) {
    while (i < n && line.charCodeAt(i) === 32) i++;
    if (i >= n) break;
    const ks = i;
    while (i < n && isKeyChar(line.charCodeAt(i))) i++;
    if (i === ks || line.charCodeAt(i) !== 61 /* = */) return null;
    const key = line.slice(ks, i);
    i++;
    let val: string;
    if (line.charCodeAt(i) === 34) {
      let v = '';
      let k = i + 1;
      for (;;) {
        if (k >= n) return null;
        const c = line.charCodeAt(k);
        if (c === 92 && k + 1 < n) {
          const nx = line[k + 1]!;
          v += nx === 'n' ? '\n' : nx === 't' ? '\t' : nx;
          k += 2;
          continue;
        }
        if (c === 34) break;
        v += line[k];
        k++;
      }
      val = v;
      i = k + 1;
      if (i < n && line.charCodeAt(i) !== 32) return null;
    } else {
      const vs = i;
      while (i < n && line.charCodeAt(i) !== 32) i++;
      val = line.slice(vs, i);
    }
    out.set(key, val);
  }
  return out.size >= MIN_PAIRS ? out : null;
}

export function parseLogfmtLine(line: string, ctx: ParseContext): ParsedEvent | null {
  const flat = scanLogfmt(line);
  if (flat === null) return null;
  const ev: ParsedEvent = { 'event.name': 'log', 'log.format': 'logfmt', 'log.original': line };
  applyFlat(ev, flat, ctx);
  return ev;
}

export const logfmtParser: LineParser = { name: 'logfmt', parse: parseLogfmtLine };
