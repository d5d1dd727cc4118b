/**
 * Small helpers shared by the parsers: request lines, URLs, IP checks, limits.
 */
import { isIP } from 'node:net';
import { MAX_FIELD_CHARS, MAX_ORIGINAL_CHARS } from './types.js';
import type { ParsedEvent } from './types.js';

/** True for an IPv4 or IPv6 literal (an IPv6 zone or brackets are not accepted). */
export function isIpAddress(s: string): boolean {
  return isIP(s) !== 0;
}

/** `[2001:db8::1]:443`, `1.2.3.4:80` or a bare address: address and port (when present). */
export function splitHostPort(s: string): { host: string; port: number | undefined } {
  if (s.charCodeAt(0) === 91 /* [ */) {
    const end = s.indexOf(']');
    if (end > 0) {
      const port = s.charCodeAt(end + 1) === 58 ? Number(s.slice(end + 2)) : NaN;
      return { host: s.slice(1, end), port: Number.isInteger(port) ? port : undefined };
    }
  }
  const colon = s.lastIndexOf(':');
  // More than one colon and no brackets: a bare IPv6 address, not host:port.
  if (colon > 0 && s.indexOf(':') === colon) {
    const port = Number(s.slice(colon + 1));
    if (Number.isInteger(port) && port >= 0 && port <= 65535)
      return { host: s.slice(0, colon), port };
  }
  return { host: s, port: undefined };
}

const METHOD_RE = /^[A-Z][A-Z_-]{0,19}$/;

export interface RequestLine {
  method?: string;
  path?: string;
  query?: string;
  version?: string;
  /** The request line is not `METHOD URI [HTTP/x.y]` (TLS handshakes, binary probes, `-`). */
  malformed: boolean;
}

/** Split `GET /a?b=1 HTTP/1.1`. Anything else is kept whole and marked malformed. */
export function parseRequestLine(req: string): RequestLine {
  const sp1 = req.indexOf(' ');
  if (sp1 <= 0) return { malformed: true };
  const method = req.slice(0, sp1);
  if (!METHOD_RE.test(method)) return { malformed: true };
  const sp2 = req.lastIndexOf(' ');
  let uri: string;
  let version: string | undefined;
  if (sp2 > sp1 && req.startsWith('HTTP/', sp2 + 1)) {
    uri = req.slice(sp1 + 1, sp2);
    version = req.slice(sp2 + 6);
  } else if (sp2 === sp1) {
    uri = req.slice(sp1 + 1); // HTTP/0.9 style or a truncated line
  } else {
    return { malformed: true };
  }
  // A target with inner spaces (`GET /a  HTTP/2.0`) is kept as sent: the server logged it so.
  if (uri.length === 0) return { method, malformed: true };
  const q = uri.indexOf('?');
  const out: RequestLine = { method, path: q < 0 ? uri : uri.slice(0, q), malformed: false };
  if (q >= 0) out.query = uri.slice(q + 1);
  if (version !== undefined) out.version = version;
  return out;
}

/** Fill method / path / query or the malformed marker onto an event. */
export function applyRequest(ev: ParsedEvent, req: string): void {
  const r = parseRequestLine(req);
  if (r.malformed) {
    const attrs = (ev.attributes ??= {});
    attrs['http.request.malformed'] = true;
    attrs['http.request.line'] = req;
    if (r.method !== undefined) ev['http.request.method'] = r.method;
    return;
  }
  ev['http.request.method'] = r.method;
  ev['url.path'] = r.path;
  if (r.query !== undefined) ev['url.query'] = r.query;
  if (r.version !== undefined) (ev.attributes ??= {})['network.protocol.version'] = r.version;
}

/** Split a URL or path into path and query; absolute URLs keep scheme and host in the path. */
export function applyUrl(ev: ParsedEvent, url: string): void {
  const q = url.indexOf('?');
  ev['url.path'] = q < 0 ? url : url.slice(0, q);
  if (q >= 0) ev['url.query'] = url.slice(q + 1);
}

const CAPPED_FIELDS = [
  'message',
  'url.path',
  'url.query',
  'user_agent.original',
  'http.request.referrer',
  'error.message',
  'exception.stacktrace',
] as const;

/**
 * Apply the documented limits (types.ts): cut `log.original` and long string fields, and say
 * so in the event. Cheap for normal lines: one length check.
 */
export function applyLimits(ev: ParsedEvent, fullLength: number): ParsedEvent {
  if (fullLength <= MAX_FIELD_CHARS) return ev;
  let cut = fullLength > ev['log.original'].length;
  if (ev['log.original'].length > MAX_ORIGINAL_CHARS) {
    ev['log.original'] = ev['log.original'].slice(0, MAX_ORIGINAL_CHARS);
    cut = true;
  }
  for (const f of CAPPED_FIELDS) {
    const v = ev[f];
    if (typeof v === 'string' && v.length > MAX_FIELD_CHARS) {
      ev[f] = v.slice(0, MAX_FIELD_CHARS);
      cut = true;
    }
  }
  if (cut) {
    const attrs = (ev.attributes ??= {});
    attrs['log.truncated'] = true;
    attrs['log.original_chars'] = fullLength;
  }
  return ev;
}

/** Record an assumed year/zone (see time.ts). */
export function noteAssumed(ev: ParsedEvent, assumed: string | undefined): void {
  if (assumed !== undefined) (ev.attributes ??= {})['time.assumed'] = assumed;
}
