/**
 * Entry points: {@link inspectRequest} and {@link inspectEvent}. Each field is read by the
 * detectors that make sense for where it came from; at most one finding per (class, field) is
 * kept (the highest score), findings are sorted by score.
 */
import type { SecurityEvent } from '../../core/event.js';
import { detectCode, detectPhp } from './code.js';
import { detectCommandInjection, startsWithCommand } from './cmdi.js';
import { requestFields } from './fields.js';
import { detectLog4Shell } from './log4shell.js';
import { detectScanner } from './scanner.js';
import { detectSqli } from './sqli.js';
import { detectRfi, detectSsrf } from './ssrf-rfi.js';
import { detectTraversal } from './traversal.js';
import { LIMITS, type Detector, type FieldKind, type Finding, type RequestInput } from './types.js';
import { detectXss } from './xss.js';

const ALL_VALUE: readonly Detector[] = [
  detectLog4Shell,
  detectSqli,
  detectXss,
  detectTraversal,
  detectCommandInjection,
  detectSsrf,
  detectRfi,
  detectPhp,
  detectCode,
];

/** Which detectors read which kind of field (built once; see the file comment). */
const BY_KIND: Readonly<Record<FieldKind, readonly Detector[]>> = {
  path: [
    detectLog4Shell,
    detectSqli,
    detectXss,
    detectTraversal,
    detectCommandInjection,
    detectRfi,
    detectPhp,
    detectCode,
  ],
  query: ALL_VALUE,
  body: ALL_VALUE,
  cookie: ALL_VALUE,
  header: ALL_VALUE,
  name: [
    detectLog4Shell,
    detectSqli,
    detectXss,
    detectTraversal,
    detectCommandInjection,
    detectPhp,
    detectCode,
  ],
  ua: [
    detectScanner,
    detectLog4Shell,
    detectSqli,
    detectXss,
    detectTraversal,
    detectCommandInjection,
    detectPhp,
    detectCode,
  ],
  structural: [detectLog4Shell],
};

// Values made only of these characters cannot carry any pattern we look for except SQL keywords
// spelled out in words (`1 union select null`): the fast path for benign traffic.
const PLAIN = /^[a-z0-9 _.,@-]*$/;
const WORDY =
  /\b(?:select|union|sleep|waitfor|benchmark|having|order by|group by|exec|execute|create|xp_\w+|pg_\w+|information_schema|sysobjects|xor)\b|(?:^|\s)(?:or|and)\s+\d/;

/**
 * Inspect one request. Pure and synchronous; cost is linear in the (capped) request size.
 *
 * @example
 * inspectRequest({ method: 'GET', path: '/search', query: 'q=1%27%20or%20%271%27%3D%271' })
 * // [{ class: 'sqli', rule: 'sqli.tautology', field: 'url.query:q', excerpt: "1' or '1'='1", score: 1 }]
 */
export function inspectRequest(req: RequestInput): Finding[] {
  const { fields } = requestFields(req);
  const raw: Finding[] = [];
  for (const f of fields) {
    if (f.kind !== 'ua' && f.kind !== 'path' && PLAIN.test(f.value)) {
      // plain words, digits and `.,@-_`: only a few detectors can match (see PLAIN)
      if (WORDY.test(f.value)) detectSqli(f, raw);
      if (f.value.indexOf('.') >= 0 || f.value.indexOf('0x') >= 0) detectTraversal(f, raw);
      if (startsWithCommand(f.value)) detectCommandInjection(f, raw);
      if (f.value.indexOf('document.') >= 0 || f.value.indexOf('window.') >= 0) detectXss(f, raw);
      continue;
    }
    for (const d of BY_KIND[f.kind]) d(f, raw);
  }
  if (raw.length <= 1) return raw;
  const best = new Map<string, Finding>();
  for (const x of raw) {
    const key = x.class + '\u0000' + x.field.replace(/ \(base64\)$/, '');
    const prev = best.get(key);
    if (!prev || x.score > prev.score) best.set(key, x);
  }
  return [...best.values()].sort((a, b) => b.score - a.score).slice(0, LIMITS.maxFindings);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/**
 * Inspect an event of our schema: `url.path`, `url.query`, `http.request.method`,
 * `user_agent.original`, `http.request.referrer`, plus `attributes['http.request.headers']`
 * (an object) and `attributes['http.request.body']` (a string) when present.
 *
 * @example
 * inspectEvent({ id: '1', time: '2026-11-27T09:00:00Z', 'event.name': 'http_request',
 *   'url.path': '/', 'user_agent.original': 'sqlmap/1.7' })
 * // [{ class: 'scanner', rule: 'scanner.user-agent', ... }]
 */
export function inspectEvent(event: Partial<SecurityEvent>): Finding[] {
  const attrs = event.attributes ?? {};
  const headers: Record<string, string | readonly string[] | undefined> = {};
  const h = attrs['http.request.headers'];
  if (h !== null && typeof h === 'object' && !Array.isArray(h)) {
    for (const [k, v] of Object.entries(h as Record<string, unknown>)) {
      if (typeof v === 'string') headers[k.toLowerCase()] = v;
      else if (Array.isArray(v))
        headers[k.toLowerCase()] = v.filter((x): x is string => typeof x === 'string');
    }
  }
  if (event['user_agent.original'] !== undefined)
    headers['user-agent'] = event['user_agent.original'];
  if (event['http.request.referrer'] !== undefined)
    headers['referer'] = event['http.request.referrer'];
  return inspectRequest({
    method: event['http.request.method'],
    path: event['url.path'],
    query: event['url.query'],
    headers,
    body: str(attrs['http.request.body']),
  });
}
