/**
 * Cut a request into the values the detectors read: the path, each query parameter (name and
 * value), each cookie, the headers, and the body (form fields, JSON strings, or the whole text).
 * Every value is decoded once here (decode.ts) and capped ({@link LIMITS}).
 */
import { Generations } from './generations.js';
import { decodeValue, maybeBase64 } from './decode.js';
import { LIMITS, type FieldKind, type FieldValue, type RequestInput } from './types.js';

/**
 * Headers whose syntax is fixed by the protocol: only the Log4Shell detector reads them (the 2021
 * exploit put `${jndi:...}` in whatever header got logged, so every header is read for that).
 */
const STRUCTURAL = new Set([
  'host',
  'accept',
  'accept-encoding',
  'accept-language',
  'accept-charset',
  'content-type',
  'content-length',
  'content-encoding',
  'connection',
  'keep-alive',
  'proxy-connection',
  'cache-control',
  'pragma',
  'upgrade-insecure-requests',
  'te',
  'transfer-encoding',
  'dnt',
  'if-modified-since',
  'if-none-match',
  'if-match',
  'if-unmodified-since',
  'if-range',
  'range',
  'expect',
  'upgrade',
  'authorization',
  'proxy-authorization',
  'priority',
  'trailer',
  'via',
  'content-md5',
  'date',
  'max-forwards',
  'sec-ch-ua',
  'sec-ch-ua-mobile',
  'sec-ch-ua-platform',
  'sec-fetch-site',
  'sec-fetch-mode',
  'sec-fetch-dest',
  'sec-fetch-user',
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-extensions',
  'sec-websocket-protocol',
  'traceparent',
  'tracestate',
  'x-request-id',
  'x-correlation-id',
  'content-disposition',
]);

/** Field labels carry attacker-chosen names: keep them short and free of control characters. */

const CONTROL = /[\x00-\x1f\x7f]/;

function label(prefix: string, name: string): string {
  const n = name.length > 64 ? name.slice(0, 64) + '…' : name;

  return prefix + (CONTROL.test(n) ? n.replace(/[\x00-\x1f\x7f]/g, '·') : n);
}

/**
 * Decoded values of short raw values: real traffic repeats its User-Agents, Referers, paths and
 * parameters, and decodeValue is a pure function of (raw, plus). Bounded: when the current map is
 * full it becomes the previous one (kept for one more generation), so a working set up to twice
 * {@link DECODE_CACHE_ENTRIES} stays cached and memory stays bounded. Plain values (nothing to
 * decode) go through it too: lowercasing them is cheap, but the fresh lowercase string then
 * costs inspect.ts a hash of its own for the result memo, where the memo's string has one
 * already (a combined access log: inspectEvent 2.0 -> 0.85 µs per request; bench/patterns.mjs
 * unique UA/Referer/cookie no slower).
 */
const DECODE_CACHE_ENTRIES = 4096;
const DECODE_CACHE_MAX_VALUE = 512;
/** Decoded values, one memo per `plus` flag. */
export const decodeMemo = [
  new Generations<string>(DECODE_CACHE_ENTRIES),
  new Generations<string>(DECODE_CACHE_ENTRIES),
] as const;

function decodeCached(raw: string, plus: boolean): string {
  if (raw.length > DECODE_CACHE_MAX_VALUE) return decodeValue(raw, plus);
  const memo = decodeMemo[plus ? 1 : 0];
  let v = memo.current(raw);
  if (v !== undefined) {
    memo.hits++;
    return v;
  }
  v = memo.previous(raw);
  if (v !== undefined) memo.hits++;
  else {
    memo.misses++;
    v = decodeValue(raw, plus);
  }
  memo.set(raw, v);
  return v;
}

class Collector {
  readonly fields: FieldValue[] = [];
  /** Fields not examined because of {@link LIMITS.maxFields}. */
  dropped = 0;

  add(field: string, kind: FieldKind, raw: string, plus: boolean): void {
    if (raw.length === 0) return;
    if (this.fields.length >= LIMITS.maxFields) {
      this.dropped++;
      return;
    }
    this.fields.push({ field, kind, value: decodeCached(raw, plus) });
    if (
      (kind === 'query' || kind === 'body' || kind === 'cookie' || kind === 'header') &&
      raw.length >= 16
    ) {
      const b = maybeBase64(raw);
      if (b !== undefined && this.fields.length < LIMITS.maxFields) {
        this.fields.push({ field: field + ' (base64)', kind, value: decodeValue(b, false) });
      }
    }
  }

  /** `a=1&b=2` (query strings and form bodies): names and values, `+` as space. */
  addForm(prefix: string, kind: FieldKind, s: string): void {
    let start = 0;
    let count = 0;
    while (start <= s.length && count < LIMITS.maxFields) {
      let amp = s.indexOf('&', start);
      if (amp < 0) amp = s.length;
      const pair = s.slice(start, amp);
      count++;
      if (pair.length > 0) {
        const eq = pair.indexOf('=');
        if (eq < 0) this.add(label(prefix + ':', ''), kind, pair, true);
        else {
          const rawName = pair.slice(0, eq);
          const name = decodeValue(rawName, true);
          this.add(label(prefix + ':', name), kind, pair.slice(eq + 1), true);
          if (!/^[a-z0-9_-]*$/.test(name))
            this.add(label(prefix + '.name:', name), 'name', rawName, true);
        }
      }
      start = amp + 1;
    }
  }

  /**
   * multipart/form-data (RFC 7578): each part's content under its name, and each file name.
   * The boundary comes from the Content-Type, else from the body's first line.
   */
  addMultipart(b: string, contentType: string): boolean {
    const fromType = /boundary="?([^";,\s]{1,200})/i.exec(contentType)?.[1];
    const boundary = fromType ?? /^--([^\r\n]{1,200})\r?\n/.exec(b)?.[1];
    if (!boundary) return false;
    const parts = b.split('--' + boundary);
    if (parts.length < 2) return false;
    for (const part of parts.slice(1, LIMITS.maxFields)) {
      if (part.startsWith('--')) break; // closing delimiter
      const sep = /\r?\n\r?\n/.exec(part);
      const head = sep ? part.slice(0, sep.index) : part;
      const content = sep ? part.slice(sep.index + sep[0].length).replace(/\r?\n$/, '') : '';
      const name = /\bname="([^"]{0,200})"/i.exec(head)?.[1] ?? '';
      const file = /\bfilename\*?="?([^"\r\n]{0,256})/i.exec(head)?.[1];
      if (file !== undefined)
        this.add(label('http.request.body.filename:', name), 'header', file, false);
      if (!sep) continue;
      this.add(label('http.request.body:', name), 'body', content, false);
    }
    return true;
  }

  /** JSON bodies: every string (and key) with its path, depth-first, capped. */
  addJson(prefix: string, v: unknown, path: string, depth: number): void {
    if (this.fields.length >= LIMITS.maxFields || depth > 32) return;
    if (typeof v === 'string') this.add(label(prefix + ':', path), 'body', v, false);
    else if (Array.isArray(v)) {
      for (let i = 0; i < v.length && i < LIMITS.maxFields; i++)
        this.addJson(prefix, v[i], path, depth + 1);
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (!/^[a-z0-9_-]*$/i.test(k)) this.add(label(prefix + '.name:', k), 'name', k, false);
        this.addJson(prefix, x, k, depth + 1);
      }
    }
  }
}

/** Field labels of header names seen so far (bounded; names repeat across requests). */
const HEADER_LABELS = new Map<string, string>();
const MAY_HIDE_LOOKUP = /[$%&\\+]|jndi/i;

function headerValue(v: string | readonly string[] | undefined): string | undefined {
  if (v === undefined) return undefined;
  return typeof v === 'string' ? v : v.join(', ');
}

/** Decoded field values of a request, plus how many were left out by the caps. */
export function requestFields(req: RequestInput): { fields: FieldValue[]; dropped: number } {
  const c = new Collector();
  let path = req.path ?? '';
  let query = req.query;
  const q = path.indexOf('?');
  if (q >= 0) {
    query = query ?? path.slice(q + 1);
    path = path.slice(0, q);
  }
  if (path.length > 0 && path !== '/') c.add('url.path', 'path', path, false);
  if (query !== undefined && query.length > 0)
    c.addForm(
      'url.query',
      'query',
      query.length > LIMITS.maxValueChars * 4 ? query.slice(0, LIMITS.maxValueChars * 4) : query,
    );
  let contentType = '';
  // the multipart boundary is case-sensitive (RFC 2046 §5.1.1): keep the header as sent
  let contentTypeRaw = '';
  if (req.headers) {
    for (const [rawName, rawValue] of Object.entries(req.headers)) {
      const value = headerValue(rawValue);
      if (value === undefined || value.length === 0) continue;
      const name = rawName.toLowerCase();
      let field = HEADER_LABELS.get(name);
      if (field === undefined) {
        field = label('http.request.headers.', name);
        if (HEADER_LABELS.size < 256) HEADER_LABELS.set(name, field);
      }
      if (name === 'content-type') {
        contentTypeRaw = value;
        contentType = value.toLowerCase();
      }
      if (name === 'user-agent') c.add(field, 'ua', value, false);
      else if (name === 'cookie') {
        for (const part of value.split(';').slice(0, LIMITS.maxFields)) {
          const eq = part.indexOf('=');
          const cname = (eq < 0 ? '' : part.slice(0, eq)).trim();
          c.add(
            label(field + ':', cname),
            'cookie',
            eq < 0 ? part.trim() : part.slice(eq + 1),
            false,
          );
          if (cname.length > 0 && !/^[a-z0-9_-]*$/i.test(cname))
            c.add(label(field + '.name:', cname), 'name', cname, false);
        }
      } else if (STRUCTURAL.has(name) || name.startsWith('sec-')) {
        // only the Log4Shell detector reads these: skip decoding when no lookup can hide inside
        // (a lookup needs `$`, or an encoding of it: `%`, `&`, `\`; bench/patterns.mjs)
        if (MAY_HIDE_LOOKUP.test(value)) c.add(field, 'structural', value, false);
      } else {
        c.add(field, 'header', value, false);
        // the Referer's own query string, parameter by parameter (as the referring page sent it)
        const q = name === 'referer' ? value.indexOf('?') : -1;
        if (q >= 0) c.addForm(field, 'header', value.slice(q + 1, q + 1 + LIMITS.maxValueChars));
      }
      // a header *name* can carry a payload too (CRS tests do it); names are short, check odd ones
      if (!/^[a-z0-9-]*$/.test(name))
        c.add(label('http.request.headers.name:', name), 'name', rawName, false);
    }
  }
  const body = req.body;
  if (body !== undefined && body.length > 0) {
    const b = body.length > LIMITS.maxBodyChars ? body.slice(0, LIMITS.maxBodyChars) : body;
    const t = b.trimStart();
    let done = false;
    if (
      contentType.includes('json') ||
      ((t.startsWith('{') || t.startsWith('[')) && !contentType.includes('xml'))
    ) {
      try {
        c.addJson('http.request.body', JSON.parse(b) as unknown, '', 0);
        done = true;
      } catch {
        // not JSON after all (or truncated by the cap): read it as text below
      }
    }
    if (
      !done &&
      (contentType.includes('x-www-form-urlencoded') ||
        (contentType === '' && /^[^=&\s<{[]{1,256}=/.test(t)))
    ) {
      c.addForm('http.request.body', 'body', b);
      done = true;
    }
    if (!done && (contentType.includes('multipart/') || /^--[^\r\n]{1,200}\r?\n/.test(b)))
      done = c.addMultipart(b, contentTypeRaw);
    if (!done) c.add('http.request.body', 'body', b, false);
  }
  return { fields: c.fields, dropped: c.dropped };
}
