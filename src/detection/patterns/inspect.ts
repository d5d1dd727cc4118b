/**
 * Entry points: {@link inspectRequest} and {@link inspectEvent}. Each field is read by the
 * detectors that make sense for where it came from; at most one finding per (class, field) is
 * kept (the highest score), findings are sorted by score.
 */
import { Generations } from './generations.js';
import type { SecurityEvent } from '../../core/event.js';
import { detectCode, detectPhp } from './code.js';
import { detectCommandInjection, startsWithCommand } from './cmdi.js';
import { requestFields } from './fields.js';
import { classifyHost } from './url-host.js';
import { detectLog4Shell } from './log4shell.js';
import { detectScanner } from './scanner.js';
import { detectSqli } from './sqli.js';
import { detectRfi, detectSsrf } from './ssrf-rfi.js';
import { detectTraversal } from './traversal.js';
import {
  LIMITS,
  type Detector,
  type FieldKind,
  type FieldValue,
  type Finding,
  type RequestInput,
} from './types.js';
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
  /\b(?:select|union|sleep|waitfor|benchmark|having|order by|group by|exec|execute|create|xp_\w+|pg_\w+|information_schema|sysobjects|xor|delete\s+from|insert\s+into|drop\s+(?:table|database)|truncate\s+table|update\s+\w+\s+set)\b|(?:^|\s)(?:or|and)\s+\d/;

/** User-Agent characters of ordinary browsers and bots (RFC 9110 §10.1.5 product tokens and comments). */
export const SAFE_UA = /^[a-z0-9 ./;:,()_+-]*$/;
const CALL_SHAPE = /[a-z0-9_]\(/;
const PRODUCT_FIRST = /^[a-z][a-z0-9._+-]{0,40}\/[0-9]/;
/** A path made only of these characters can only carry traversal / hidden-file / backup probes. */
const PLAIN_PATH = /^[a-z0-9/._~-]*$/;
/** A plain absolute URL without query (Referer, redirect targets): only URL-shaped attacks apply. */
const PLAIN_URL = /^https?:\/\/([a-z0-9.-]{1,253})(?::\d{1,5})?(\/[a-z0-9/._~-]{0,2048})?$/;
/** Directory names whose appearance as a path segment is worth the full traversal check. */
const SENSITIVE_DIRS = new Set([
  'etc',
  'proc',
  'sys',
  'var',
  'root',
  'home',
  'usr',
  'opt',
  'windows',
  'winnt',
  'system32',
  'inetpub',
  'repair',
  'web-inf',
  'meta-inf',
  'dev',
  'boot',
  'lib',
  'tmp',
  'bin',
  'sbin',
  'srv',
  'server-status',
  'lampp',
  'xampp',
]);
/** File-name hints (extensions of configs, secrets, backups, logs; key files; filter chains). */
const FILE_HINT =
  /\.(?:ini|ht(?:access|passwd|digest)|config|conf|cfg|env|git|svn|hg|ya?ml|json|xml|sql|bak|old|orig|swp|sav|backup|dump|sqlite3?|db|mdb|log|pem|key|p12|pfx|inc)\b|^id_|_keys$|_hosts$|^wp-config|~$|0x2e|^convert\.|^string\.|^zlib\./;

const AFTER_SLASH = [
  'proc/',
  'sys/',
  'var/',
  'root/',
  'home/',
  'usr/',
  'opt/',
  'windows/',
  'winnt/',
  'repair/',
] as const;
const BEFORE_DOT = [
  'web',
  'config',
  'database',
  'settings',
  'parameters',
  'secret',
  'secrets',
  'credential',
  'credentials',
  'convert',
  'string',
  'zlib',
] as const;
/** Words the traversal rules need that contain none of `/ . _ - :` (those are checked apart). */
const WORDS = ['system32', 'secret', 'inetpub', 'credential', '0x'] as const;
const UNDERSCORE_WORDS = ['id_', 'authorized_keys', 'known_hosts', '_log'] as const;

/**
 * Cheap screen for a User-Agent of SAFE_UA characters only: false when detectTraversal cannot
 * report anything, i.e. when the value holds none of the text its rules need (`..`, `//`, `0x`,
 * `/.`, `./`, a leading `/`, `.` or drive letter, a system directory after a slash, `etc/`,
 * `dev/`, `-inf/`, `c:/`, an `.ini`/`.ht…`/`.log` or config-file name, `system32`, `inetpub`,
 * `wp-config`, key and hosts files, `secret`, `credential`, `server-status`, `_log`, `file:`, a
 * PHP filter name). bench/patterns.mjs: the traversal regexes were the largest cost of a unique
 * browser User-Agent; a test checks this screen against detectTraversal on the corpus.
 */
export function uaTraversalHint(v: string): boolean {
  let k = 0;
  while (v.charCodeAt(k) === 32) k++;
  const c0 = v.charCodeAt(k);
  if (c0 === 47 || c0 === 46 || v.charCodeAt(k + 1) === 58) return true; // `/`, `.`, `x:`
  for (const w of WORDS) if (v.indexOf(w) >= 0) return true;
  if (v.indexOf('_') >= 0) for (const w of UNDERSCORE_WORDS) if (v.indexOf(w) >= 0) return true;
  if (v.indexOf('-') >= 0 && (v.indexOf('server-status') >= 0 || v.indexOf('wp-config') >= 0))
    return true;
  if (v.indexOf(':') >= 0 && v.indexOf('file:') >= 0) return true;
  // `/`: `//`, `/.`, `./`, a system directory after it; `etc/`, `dev/`, `-inf/`, `c:/` before it
  for (let i = v.indexOf('/'); i >= 0; i = v.indexOf('/', i + 1)) {
    const n = v.charCodeAt(i + 1);
    if (n === 47 || n === 46 || v.charCodeAt(i - 1) === 46) return true;
    if (n >= 97 && n <= 122) for (const d of AFTER_SLASH) if (v.startsWith(d, i + 1)) return true;
    if (
      (i >= 3 && (v.startsWith('etc', i - 3) || v.startsWith('dev', i - 3))) ||
      (i >= 4 && v.startsWith('-inf', i - 4)) ||
      (i >= 2 && v.startsWith('c:', i - 2))
    )
      return true;
  }
  // `.`: `..`, `.ini`, `.ht…`, `.log` after it; a config-file or filter name before it
  for (let i = v.indexOf('.'); i >= 0; i = v.indexOf('.', i + 1)) {
    const n = v.charCodeAt(i + 1);
    if (n === 46) return true;
    if ((n === 105 || n === 104 || n === 108) && /^(?:ini|ht|log)/.test(v.slice(i + 1, i + 4)))
      return true;
    const b = v.charCodeAt(i - 1);
    if (b >= 97 && b <= 122)
      for (const w of BEFORE_DOT) if (i >= w.length && v.startsWith(w, i - w.length)) return true;
  }
  return false;
}

/**
 * Cheap screen for a plain path (only `[a-z0-9/._~-]`): true when a segment is `..`, hidden, a
 * system directory or a sensitive file name, i.e. when detectTraversal could find something.
 * (bench/patterns.mjs: the full traversal regexes were the largest detector cost on benign paths.)
 */
function pathSuspect(p: string): boolean {
  if (
    p.charCodeAt(0) === 46 ||
    p.indexOf('..') >= 0 ||
    p.indexOf('/.') >= 0 ||
    p.indexOf('./') >= 0 ||
    p.indexOf('0x') >= 0
  )
    return true;
  let start = 0;
  for (let i = 0; i <= p.length; i++) {
    if (i === p.length || p.charCodeAt(i) === 47) {
      if (i > start) {
        const seg = p.slice(start, i);
        if (SENSITIVE_DIRS.has(seg)) return true;
        if (/[._~-]/.test(seg) && FILE_HINT.test(seg)) return true;
      }
      start = i + 1;
    }
  }
  return false;
}

/** A value of plain words, digits and `.,@-_` (PLAIN): only a few detectors can match. */
function plainRoute(f: FieldValue, raw: Finding[]): void {
  const v = f.value;
  if (WORDY.test(v)) detectSqli(f, raw);
  if ((v.indexOf('.') >= 0 || v.indexOf('0x') >= 0) && pathSuspect(v)) detectTraversal(f, raw);
  if (startsWithCommand(v)) detectCommandInjection(f, raw);
  if (v.indexOf('document.') >= 0 || v.indexOf('window.') >= 0) detectXss(f, raw);
  if (v.indexOf('.ph') >= 0) detectPhp(f, raw); // upload names: a.php, x.phtml
}

/**
 * Run the detectors that can match `f`, cheapest routing first: plain values, plain paths and
 * plain URLs take a short path; everything else runs the full set for its kind.
 */
function routeField(f: FieldValue, raw: Finding[]): void {
  const v = f.value;
  if (f.kind === 'path') {
    if (PLAIN_PATH.test(v)) {
      if (pathSuspect(v)) detectTraversal(f, raw);
      return;
    }
  } else if (f.kind === 'ua') {
    if (SAFE_UA.test(v)) {
      // product/version tokens and comments only: scanners, traversal, spelled-out SQL, or a
      // function-call shape `name(` (browsers write ` (`) are all that can hide here
      detectScanner(f, raw);
      if (uaTraversalHint(v)) detectTraversal(f, raw);
      if (WORDY.test(v) || v.indexOf('--') >= 0) detectSqli(f, raw);
      if (CALL_SHAPE.test(v)) {
        detectXss(f, raw);
        detectPhp(f, raw);
        detectCode(f, raw);
        detectSqli(f, raw);
      }
      // a UA that does not open with a product/version token may be a command line
      if (!PRODUCT_FIRST.test(v) || CALL_SHAPE.test(v)) detectCommandInjection(f, raw);
      return;
    }
  } else if (PLAIN.test(v)) {
    plainRoute(f, raw);
    return;
  } else {
    const u = PLAIN_URL.exec(v);
    if (u) {
      // a host name (not an IP literal, not an internal name) in a parameter that does not look
      // like an include target can only matter through its path
      const host = u[1] as string;
      if (
        /^[0-9]|[^a-z0-9.-]/.test(host) ||
        classifyHost(host) !== 'name' ||
        /include|file|page|path|dir|root|conf|temp|tpl|mod|inc/.test(f.field)
      ) {
        detectSsrf(f, raw);
        detectRfi(f, raw);
      }
      if (u[2] !== undefined && pathSuspect(u[2])) detectTraversal(f, raw);
      return;
    }
  }
  for (const d of BY_KIND[f.kind]) d(f, raw);
}

/**
 * Results per (kind, field, value) for short values: real traffic repeats its paths,
 * User-Agents, Referers and parameters, and the detectors are pure functions of those three.
 * Keyed by the value (one lookup per field); the few (kind, field) pairs seen with a value sit in
 * a short list under it. Values come from fields.ts's decode cache, so a repeated value is often
 * the same string and its hash is computed once. Plain values (PLAIN, e.g. session ids) are not
 * cached: their route is cheaper than a lookup and they are often unique. Bounded: two
 * generations of at most {@link CACHE_MAX_ENTRIES} entries (bench/patterns.mjs measures
 * repeating and unique values).
 */
const CACHE_MAX_ENTRIES = 4096;
const CACHE_MAX_VALUE = 512;
/** (kind, field) pairs kept per value: a payload sprayed over many parameters keeps the latest. */
const CACHE_MAX_PER_VALUE = 16;
const EMPTY: readonly Finding[] = Object.freeze([]);
interface CacheEntry {
  readonly kind: FieldKind;
  readonly field: string;
  readonly findings: readonly Finding[];
}
/** Detector results per value (see above). */
export const resultMemo = new Generations<CacheEntry[]>(CACHE_MAX_ENTRIES);

function findEntry(
  list: readonly CacheEntry[] | undefined,
  kind: FieldKind,
  field: string,
): CacheEntry | undefined {
  if (list !== undefined) for (const e of list) if (e.kind === kind && e.field === field) return e;
  return undefined;
}

/** Run (or recall) the detectors for one field. */
function inspectField(f: FieldValue, raw: Finding[]): void {
  const v = f.value;
  const kind = f.kind;
  if (v.length > CACHE_MAX_VALUE || kind === 'structural') {
    routeField(f, raw);
    return;
  }
  if (kind !== 'path' && kind !== 'ua' && PLAIN.test(v)) {
    plainRoute(f, raw);
    return;
  }
  const list = resultMemo.current(v);
  let e = findEntry(list, kind, f.field);
  if (e !== undefined) {
    resultMemo.hits++;
    for (const x of e.findings) raw.push(x);
    return;
  }
  e = findEntry(resultMemo.previous(v), kind, f.field);
  if (e !== undefined) {
    resultMemo.hits++;
    for (const x of e.findings) raw.push(x);
  } else {
    resultMemo.misses++;
    const start = raw.length;
    routeField(f, raw);
    e = {
      kind,
      field: f.field,
      findings: raw.length === start ? EMPTY : Object.freeze(raw.slice(start)),
    };
  }
  if (list === undefined) resultMemo.set(v, [e]);
  else {
    if (list.length >= CACHE_MAX_PER_VALUE) list.shift();
    list.push(e);
    resultMemo.count(1);
  }
}

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
  for (const f of fields) inspectField(f, raw);
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
