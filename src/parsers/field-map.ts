/**
 * Map a flat record (JSON lines flattened to dotted keys, or logfmt pairs) onto the schema.
 * Our own field names come first (they are OTel semantic conventions, and most ECS names are the
 * same), then the usual aliases of pino/pino-http, winston, bunyan, ECS, OTel, Traefik, Caddy,
 * CloudTrail and friends. Whatever is not mapped is kept in `attributes` (capped).
 */
import type { Severity } from '../core/event.js';
import { applyUrl } from './fields.js';
import { epochToIso, parseIso } from './time.js';
import type { ParseContext, ParsedEvent } from './types.js';
import { MAX_FIELD_CHARS } from './types.js';

const TIME = [
  'time',
  '@timestamp',
  'timestamp',
  'ts',
  't',
  'timeUnixNano',
  'time_unix_nano',
  'observedTimeUnixNano',
  'date',
  'datetime',
  'eventTime',
  'EventTime',
  'StartUTC',
  'asctime',
  'time_local',
  'timestamp_ns',
];
const LEVEL = [
  'severity',
  'level',
  'log.level',
  'severityText',
  'severity_text',
  'severityNumber',
  'severity_number',
  'levelname',
  'levelName',
  'lvl',
  'loglevel',
];
const MESSAGE = ['message', 'msg', 'body', 'body.stringValue', 'Message', 'log'];
const STRING_FIELDS: ReadonlyArray<readonly [keyof ParsedEvent, readonly string[]]> = [
  ['event.category', ['event.category']],
  ['event.action', ['event.action']],
  ['event.reason', ['event.reason']],
  ['service.name', ['service.name', 'resource.service.name', 'service', 'app', 'appname']],
  ['service.version', ['service.version', 'resource.service.version']],
  [
    'deployment.environment',
    ['deployment.environment', 'deployment.environment.name', 'env', 'environment'],
  ],
  ['host.name', ['host.name', 'resource.host.name', 'host.hostname', 'hostname', 'host']],
  [
    'http.request.method',
    [
      'http.request.method',
      'http.method',
      'method',
      'http_method',
      'verb',
      'RequestMethod',
      'req.method',
      'request.method',
      'httpMethod',
      'cs-method',
    ],
  ],
  ['http.route', ['http.route', 'route']],
  [
    'http.request.referrer',
    [
      'http.request.referrer',
      'http.request.header.referer',
      'referrer',
      'referer',
      'http_referer',
      'request_Referer',
      'req.headers.referer',
      'request.headers.Referer',
    ],
  ],
  [
    'user_agent.original',
    [
      'user_agent.original',
      'http.user_agent',
      'userAgent',
      'user_agent',
      'http_user_agent',
      'useragent',
      'ua',
      'request_User-Agent',
      'req.headers.user-agent',
      'request.headers.User-Agent',
    ],
  ],
  [
    'client.address',
    [
      'client.address',
      'client.ip',
      'source.ip',
      'source.address',
      'network.client.ip',
      'remote_addr',
      'remoteAddr',
      'remote_ip',
      'remoteIP',
      'remoteip',
      'client_ip',
      'clientip',
      'clientIP',
      'ClientHost',
      'peer_ip',
      'src_ip',
      'source_ip',
      'sourceIPAddress',
      'req.remoteAddress',
      'request.remote_ip',
      'visitor_ip',
      'c-ip',
      'ip',
    ],
  ],
  [
    'user.name',
    [
      'user.name',
      'username',
      'user_name',
      'userName',
      'uname',
      'userIdentity.userName',
      'usr.name',
      'login',
      'user',
    ],
  ],
  ['user.id', ['user.id', 'enduser.id', 'userId', 'user_id', 'usr.id']],
  ['session.id', ['session.id']],
  [
    'request.id',
    [
      'request.id',
      'http.request.id',
      'reqId',
      'req.id',
      'req_id',
      'request_id',
      'requestId',
      'RequestId',
    ],
  ],
  ['trace_id', ['trace_id', 'traceId', 'trace.id', 'traceID']],
  ['span_id', ['span_id', 'spanId', 'span.id', 'spanID']],
  ['error.type', ['error.type', 'err.type', 'exception.type']],
  ['error.message', ['error.message', 'err.message', 'exception.message', 'error']],
  ['exception.stacktrace', ['exception.stacktrace', 'error.stack_trace', 'err.stack', 'stack']],
  ['code.function', ['code.function', 'code.function.name', 'funcName']],
  ['server.address', ['server.address', 'destination.address']],
];
const URL_KEYS = [
  'url.path',
  'url.original',
  'url.full',
  'http.target',
  'http.url',
  'url',
  'uri',
  'path',
  'http_path',
  'RequestPath',
  'req.url',
  'request.uri',
  'request_uri',
  'requestURI',
  'cs-uri-stem',
];
const QUERY_KEYS = ['url.query', 'query', 'cs-uri-query'];
const STATUS = [
  'http.response.status_code',
  'http.status_code',
  'status',
  'statusCode',
  'status_code',
  'http_status',
  'DownstreamStatus',
  'res.statusCode',
  'response.status',
  'sc-status',
];
const BYTES = [
  'http.response.body.bytes',
  'bytes',
  'body_bytes_sent',
  'DownstreamContentSize',
  'res.contentLength',
  'response_size',
  'bytes_sent',
  'size',
];
const CLIENT_PORT = ['client.port', 'source.port', 'ClientPort', 'req.remotePort'];
/** Duration keys with the factor that turns them into milliseconds. */
const DURATION: ReadonlyArray<readonly [string, number]> = [
  ['http.server.duration_ms', 1],
  ['duration_ms', 1],
  ['responseTime', 1],
  ['response_time_ms', 1],
  ['request_time', 1000],
  ['Duration', 1e-6],
  ['event.duration', 1e-6],
];

const PINO_LEVEL: Readonly<Record<number, Severity>> = {
  10: 'DEBUG',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'CRITICAL',
};
const NAMED_LEVEL: Readonly<Record<string, Severity>> = {
  trace: 'DEBUG',
  debug: 'DEBUG',
  dbug: 'DEBUG',
  verbose: 'DEBUG',
  silly: 'DEBUG',
  d: 'DEBUG',
  info: 'INFO',
  information: 'INFO',
  informational: 'INFO',
  notice: 'INFO',
  http: 'INFO',
  i: 'INFO',
  inf: 'INFO',
  warn: 'WARN',
  warning: 'WARN',
  w: 'WARN',
  wrn: 'WARN',
  error: 'ERROR',
  err: 'ERROR',
  e: 'ERROR',
  eror: 'ERROR',
  fatal: 'CRITICAL',
  critical: 'CRITICAL',
  crit: 'CRITICAL',
  alert: 'CRITICAL',
  emerg: 'CRITICAL',
  emergency: 'CRITICAL',
  panic: 'CRITICAL',
};

/** A level from pino/bunyan numbers, OTel SeverityNumber (1-24) or a name. */
export function mapLevel(v: unknown, key: string): Severity | undefined {
  if (typeof v === 'number') {
    if (key.startsWith('severity')) {
      if (v <= 0 || v > 24) return undefined;
      return v <= 8
        ? 'DEBUG'
        : v <= 12
          ? 'INFO'
          : v <= 16
            ? 'WARN'
            : v <= 20
              ? 'ERROR'
              : 'CRITICAL';
    }
    return (
      PINO_LEVEL[v] ??
      (v >= 60 ? 'CRITICAL' : v >= 50 ? 'ERROR' : v >= 40 ? 'WARN' : v >= 30 ? 'INFO' : 'DEBUG')
    );
  }
  if (typeof v !== 'string') return undefined;
  const s = v.toLowerCase();
  return NAMED_LEVEL[s] ?? (/^\d+$/.test(s) ? mapLevel(Number(s), key) : undefined);
}

function take(flat: Map<string, unknown>, keys: readonly string[]): [string, unknown] | undefined {
  for (const k of keys) {
    const v = flat.get(k);
    if (v !== undefined && v !== null && v !== '' && v !== '-') {
      flat.delete(k);
      return [k, v];
    }
  }
  return undefined;
}

function asString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function asNumber(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** A time value: ISO string, epoch seconds/ms/ns (number or digit string). */
export function mapTime(
  v: unknown,
  ctx: ParseContext,
): { iso: string; assumed: string | undefined } | undefined {
  if (typeof v === 'number') {
    const iso = epochToIso(v);
    return iso === undefined ? undefined : { iso, assumed: undefined };
  }
  if (typeof v !== 'string') return undefined;
  const r = parseIso(v, ctx);
  if (r !== null) return r;
  if (/^\d+(\.\d+)?$/.test(v)) {
    const iso = epochToIso(Number(v));
    return iso === undefined ? undefined : { iso, assumed: undefined };
  }
  // Go/Python variants: `2022/03/01 12:57:58`, `2021-11-09  5:13:11`.
  const m = /^(\d{4})[/-](\d{2})[/-](\d{2})[ T]+(\d{1,2}):(\d{2}):(\d{2})$/.exec(v);
  if (m)
    return (
      parseIso(`${m[1]}-${m[2]}-${m[3]}T${m[4]!.padStart(2, '0')}:${m[5]}:${m[6]}`, ctx) ??
      undefined
    );
  return undefined;
}

const MAX_ATTRIBUTES = 100;

/** Fill `ev` from `flat` (consumed keys are deleted from it). Returns the level key seen, for dialect hints. */
export function applyFlat(ev: ParsedEvent, flat: Map<string, unknown>, ctx: ParseContext): void {
  const name = flat.get('event.name');
  if (typeof name === 'string' && name !== '') {
    ev['event.name'] = name;
    flat.delete('event.name');
  }
  const t = take(flat, TIME);
  if (t !== undefined) {
    const r = mapTime(t[1], ctx);
    if (r !== undefined) {
      ev.time = r.iso;
      if (r.assumed !== undefined) (ev.attributes ??= {})['time.assumed'] = r.assumed;
    } else flat.set(t[0], t[1]);
  }
  const lv = take(flat, LEVEL);
  if (lv !== undefined) {
    const sev = mapLevel(lv[1], lv[0]);
    if (sev !== undefined) ev.severity = sev;
    (ev.attributes ??= {})['log.level'] = lv[1];
  }
  const msg = take(flat, MESSAGE);
  if (msg !== undefined) {
    const s = asString(msg[1]);
    if (s !== undefined) ev.message = s;
    else flat.set(msg[0], msg[1]);
  }
  for (const [field, keys] of STRING_FIELDS) {
    const v = take(flat, keys);
    if (v === undefined) continue;
    const s = asString(v[1]);
    if (s === undefined) {
      flat.set(v[0], v[1]);
      continue;
    }
    (ev as Record<string, unknown>)[field] = s;
  }
  const outcome = flat.get('event.outcome');
  if (outcome === 'success' || outcome === 'failure' || outcome === 'unknown') {
    ev['event.outcome'] = outcome;
    flat.delete('event.outcome');
  }
  const url = take(flat, URL_KEYS);
  if (url !== undefined && typeof url[1] === 'string') {
    applyUrl(ev, url[1]);
    const q = take(flat, QUERY_KEYS);
    if (q !== undefined && ev['url.query'] === undefined && typeof q[1] === 'string')
      ev['url.query'] = q[1];
  }
  const st = take(flat, STATUS);
  const status = st === undefined ? undefined : asNumber(st[1]);
  if (status !== undefined && status >= 100 && status <= 999)
    ev['http.response.status_code'] = status;
  else if (st !== undefined) flat.set(st[0], st[1]);
  const by = take(flat, BYTES);
  const bytes = by === undefined ? undefined : asNumber(by[1]);
  if (bytes !== undefined) ev['http.response.body.bytes'] = bytes;
  else if (by !== undefined) flat.set(by[0], by[1]);
  const cp = take(flat, CLIENT_PORT);
  const port = cp === undefined ? undefined : asNumber(cp[1]);
  if (port !== undefined) ev['client.port'] = port;
  for (const [k, factor] of DURATION) {
    const n = asNumber(flat.get(k));
    if (n !== undefined) {
      ev['http.server.duration_ms'] = Math.round(n * factor * 1000) / 1000;
      flat.delete(k);
      break;
    }
  }
  // A forwarded chain (`192.168.1.100,10.0.0.50`): the last hop is the one the nearest proxy
  // added, the only one a client cannot choose; the whole chain is kept.
  const chain = ev['client.address'];
  if (chain !== undefined && chain.includes(',')) {
    const hops = chain
      .split(',')
      .map((h) => h.trim())
      .filter((h) => h !== '');
    (ev.attributes ??= {})['client.address_chain'] = hops;
    ev['client.address'] = hops[hops.length - 1];
  }
  // Client addresses often come as `ip:port` (Traefik ClientAddr, Go's RemoteAddr).
  const ca = ev['client.address'];
  if (ca !== undefined && /^[\d.]+:\d+$/.test(ca)) {
    const i = ca.lastIndexOf(':');
    ev['client.address'] = ca.slice(0, i);
    ev['client.port'] ??= Number(ca.slice(i + 1));
  }
  if (
    ev['event.name'] === 'log' &&
    ev['http.request.method'] !== undefined &&
    ev['http.response.status_code'] !== undefined
  )
    ev['event.name'] = 'http_request';
  let n = 0;
  for (const [k, v] of flat) {
    if (n >= MAX_ATTRIBUTES) {
      (ev.attributes ??= {})['log.attributes_dropped'] = flat.size - n;
      break;
    }
    const key = k.startsWith('attributes.') ? k.slice(11) : k;
    (ev.attributes ??= {})[key] =
      typeof v === 'string' && v.length > MAX_FIELD_CHARS ? v.slice(0, MAX_FIELD_CHARS) : v;
    n++;
  }
}
