/**
 * Per-field type checks and normalization for prepareEvent: one handler per known field, built
 * once (STYLE habit 8). A handler writes the normalized value into `out` or reports a FieldError
 * that names the field, what was expected and what came.
 */
import type { Severity } from './event.js';
import { EVENT_FIELD_KIND } from './event.js';
import { isUuid } from './ids.js';
import type { Norm } from './normalize.js';
import {
  describeValue,
  normalizeAddress,
  normalizeInt,
  normalizeMethod,
  normalizeNonNegative,
  normalizeTime,
  splitUrl,
} from './normalize.js';

/**
 * One validation error: which field, and what was wrong with it.
 *
 * @example
 * const e: FieldError = { field: 'time', reason: "day 30 does not exist in 2021-02 ('2021-02-30T00:00:00Z')" };
 */
export interface FieldError {
  readonly field: string;
  readonly reason: string;
}

type Out = Record<string, unknown>;
/**
 * `split` receives values derived from another field (the port of `ip:port`, the query of a path
 * with `?`): prepareEvent uses them only where the sender gave no explicit value.
 */
type Handler = (v: unknown, out: Out, errors: FieldError[], field: string, split: Out) => void;

const SEVERITY_ALIASES: Readonly<Record<string, Severity>> = {
  trace: 'DEBUG',
  debug: 'DEBUG',
  info: 'INFO',
  information: 'INFO',
  notice: 'INFO',
  warn: 'WARN',
  warning: 'WARN',
  error: 'ERROR',
  err: 'ERROR',
  critical: 'CRITICAL',
  crit: 'CRITICAL',
  fatal: 'CRITICAL',
  alert: 'CRITICAL',
  emerg: 'CRITICAL',
  emergency: 'CRITICAL',
};
const OUTCOMES = new Set(['success', 'failure', 'unknown']);
/**
 * Custom event names (ARCHITECTURE §3): lower snake case, up to 64 characters.
 *
 * @example
 * EVENT_NAME_RE.test('checkout_done'); // true
 */
export const EVENT_NAME_RE = /^[a-z][a-z0-9_]{0,63}$/;

function str(v: unknown, errors: FieldError[], field: string): string | undefined {
  if (typeof v === 'string') return v;
  // Applications often pass numeric ids (user.id: 42): the text form loses nothing.
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  errors.push({ field, reason: `expected a string, got ${describeValue(v)}` });
  return undefined;
}

function put<T>(r: Norm<T>, out: Out, errors: FieldError[], field: string): void {
  if (r.ok) out[field] = r.value;
  else errors.push({ field, reason: r.reason });
}

const plainString: Handler = (v, out, errors, field) => {
  const s = str(v, errors, field);
  if (s !== undefined) out[field] = s;
};

const address =
  (portField: string): Handler =>
  (v, out, errors, field, split) => {
    const s = str(v, errors, field);
    if (s === undefined) return;
    const r = normalizeAddress(s);
    if (!r.ok) return void errors.push({ field, reason: r.reason });
    out[field] = r.value.address;
    if (r.value.port !== undefined) split[portField] = r.value.port;
  };

const url: Handler = (v, out, errors, field, split) => {
  const s = str(v, errors, field);
  if (s === undefined) return;
  const u = splitUrl(s);
  out['url.path'] = u.path;
  if (u.query !== undefined) split['url.query'] = u.query;
  if (field === 'url.full') {
    if (u.host !== undefined) split['server.address'] = u.host;
    if (u.port !== undefined) split['server.port'] = u.port;
  }
};

/** The handler for each input field. `url.full` is accepted as input and split, never stored. */
export const FIELD_HANDLERS: ReadonlyMap<string, Handler> = new Map<string, Handler>([
  [
    'id',
    (v, out, errors, field) => {
      const s = typeof v === 'string' ? v : undefined;
      if (s !== undefined && isUuid(s)) out[field] = s.toLowerCase();
      else
        errors.push({
          field,
          reason: `expected a UUID (any version, e.g. a UUIDv7), got ${describeValue(v)}`,
        });
    },
  ],
  ['time', (v, out, errors, field) => put(normalizeTime(v), out, errors, field)],
  // observed_time is logwarden's own clock: whatever came in is replaced by prepareEvent.
  ['observed_time', () => {}],
  [
    'event.name',
    (v, out, errors, field) => {
      const s = str(v, errors, field);
      if (s === undefined) return;
      const name = s.toLowerCase();
      if (EVENT_NAME_RE.test(name)) out[field] = name;
      else
        errors.push({
          field,
          reason: `expected an OWASP vocabulary name or a custom name matching ^[a-z][a-z0-9_]{0,63}$, got ${describeValue(s)}`,
        });
    },
  ],
  [
    'event.category',
    (v, out, errors, field) => {
      const s = str(v, errors, field);
      if (s !== undefined) out[field] = s.toLowerCase();
    },
  ],
  [
    'event.outcome',
    (v, out, errors, field) => {
      const s = typeof v === 'string' ? v.toLowerCase() : undefined;
      if (s !== undefined && OUTCOMES.has(s)) out[field] = s;
      else
        errors.push({
          field,
          reason: `expected one of success, failure, unknown, got ${describeValue(v)}`,
        });
    },
  ],
  [
    'severity',
    (v, out, errors, field) => {
      const s = typeof v === 'string' ? SEVERITY_ALIASES[v.toLowerCase()] : undefined;
      if (s !== undefined) out[field] = s;
      else
        errors.push({
          field,
          reason: `expected one of DEBUG, INFO, WARN, ERROR, CRITICAL, got ${describeValue(v)}`,
        });
    },
  ],
  ['severity_number', (v, out, errors, field) => put(normalizeInt(v, 1, 24), out, errors, field)],
  [
    'http.request.method',
    (v, out, errors, field) => {
      const s = str(v, errors, field);
      if (s !== undefined) put(normalizeMethod(s), out, errors, field);
    },
  ],
  ['url.path', url],
  ['url.full', url],
  [
    'url.query',
    (v, out, errors, field) => {
      const s = str(v, errors, field);
      if (s !== undefined) out[field] = s.startsWith('?') ? s.slice(1) : s;
    },
  ],
  [
    'http.response.status_code',
    (v, out, errors, field) => put(normalizeInt(v, 100, 599), out, errors, field),
  ],
  [
    'http.response.body.bytes',
    (v, out, errors, field) => put(normalizeInt(v, 0, Number.MAX_SAFE_INTEGER), out, errors, field),
  ],
  [
    'http.server.duration_ms',
    (v, out, errors, field) => put(normalizeNonNegative(v), out, errors, field),
  ],
  ['server.port', (v, out, errors, field) => put(normalizeInt(v, 0, 65535), out, errors, field)],
  ['client.port', (v, out, errors, field) => put(normalizeInt(v, 0, 65535), out, errors, field)],
  ['server.address', address('server.port')],
  ['client.address', address('client.port')],
  [
    'log.redactions',
    (v, out, errors, field) => {
      if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out[field] = v.slice();
      else errors.push({ field, reason: `expected an array of strings, got ${describeValue(v)}` });
    },
  ],
  [
    'attributes',
    (v, out, errors, field) => {
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) out[field] = v;
      else errors.push({ field, reason: `expected an object, got ${describeValue(v)}` });
    },
  ],
]);
for (const [name, kind] of EVENT_FIELD_KIND) {
  if (!FIELD_HANDLERS.has(name) && kind === 'string')
    (FIELD_HANDLERS as Map<string, Handler>).set(name, plainString);
}

const SUGGEST: Readonly<Record<string, string>> = {
  timestamp: 'time',
  '@timestamp': 'time',
  ts: 'time',
  date: 'time',
  datetime: 'time',
  level: 'severity',
  loglevel: 'severity',
  lvl: 'severity',
  msg: 'message',
  description: 'message',
  event: 'event.name',
  name: 'event.name',
  action: 'event.action',
  outcome: 'event.outcome',
  ip: 'client.address',
  source_ip: 'client.address',
  remote_addr: 'client.address',
  client_ip: 'client.address',
  'source.ip': 'client.address',
  method: 'http.request.method',
  path: 'url.path',
  url: 'url.full',
  uri: 'url.path',
  request_uri: 'url.path',
  status: 'http.response.status_code',
  status_code: 'http.response.status_code',
  user: 'user.id',
  userid: 'user.id',
  user_id: 'user.id',
  username: 'user.name',
  useragent: 'user_agent.original',
  user_agent: 'user_agent.original',
  host: 'host.name',
  hostname: 'host.name',
  service: 'service.name',
  appid: 'service.name',
  'trace.id': 'trace_id',
  'span.id': 'span_id',
  request_id: 'request.id',
  referer: 'http.request.referrer',
  referrer: 'http.request.referrer',
  session_id: 'session.id',
};

/** The error for a field the schema does not know, with a suggestion. */
export function unknownFieldError(key: string, v: unknown): FieldError {
  const hint = SUGGEST[key] ?? SUGGEST[key.toLowerCase()];
  const nested = typeof v === 'object' && v !== null && !Array.isArray(v);
  const reason =
    hint !== undefined
      ? `unknown field; did you mean '${hint}'? Custom data belongs under 'attributes'`
      : nested
        ? `unknown field; events are flat with dotted keys (e.g. '${key}.name'), and custom data belongs under 'attributes'`
        : `unknown field; custom data belongs under 'attributes' (e.g. {"attributes": {"${key}": ...}})`;
  return { field: key, reason };
}
