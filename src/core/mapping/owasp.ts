/**
 * Both directions between our schema and the OWASP recommended JSON log format (OWASP Logging
 * Vocabulary Cheat Sheet, "the standard format"): `event` is `name:param1,param2` with the
 * vocabulary's parameter order; `userid|IP` slots hold the user id, or the client IP when there is
 * no user. Commas and `%` inside a parameter value are percent-encoded so values round-trip.
 */
import type { SecurityEvent } from '../event.js';
import { canonicalIp } from '../normalize.js';
import { setOwn } from '../own.js';
import type { VocabularyParam } from '../vocabulary.js';
import { lookupEvent } from '../vocabulary.js';

/**
 * One record in the OWASP recommended JSON format. Every field but `event` is optional here.
 *
 * @example
 * const r: OwaspLogRecord = { datetime: '2026-11-27T09:00:00Z', event: 'authn_login_fail:joebob1', level: 'WARN' };
 */
export interface OwaspLogRecord {
  datetime?: string;
  appid?: string;
  event: string;
  level?: string;
  description?: string;
  useragent?: string;
  source_ip?: string;
  host_ip?: string;
  hostname?: string;
  protocol?: string;
  port?: string;
  request_uri?: string;
  request_method?: string;
  region?: string;
  geo?: string;
  [extra: string]: unknown;
}

const enc = (s: string): string => s.replace(/%/g, '%25').replace(/,/g, '%2C');
const dec = (s: string): string =>
  s.includes('%') ? s.replace(/%2C/gi, ',').replace(/%25/g, '%') : s;

function readParam(e: SecurityEvent, p: VocabularyParam): unknown {
  if (p.field.startsWith('attributes.')) return e.attributes?.[p.field.slice(11)];
  return (e as unknown as Record<string, unknown>)[p.field];
}

function formatParam(v: unknown): string {
  if (Array.isArray(v)) return `(${v.map((x) => enc(String(x))).join(',')})`;
  return enc(String(v));
}

/** Split `a,(b,c),d[e,f]` on top-level commas. */
function splitParams(s: string): string[] {
  const out: string[] = [];
  let depth = 0,
    start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '(' || c === '[') depth++;
    else if ((c === ')' || c === ']') && depth > 0) depth--;
    else if (c === ',' && depth === 0) {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  out.push(s.slice(start));
  return out;
}

/**
 * Our event to the OWASP format.
 *
 * @example
 * toOwasp(event).event; // 'authn_login_lock:joebob1,maxretries'
 */
export function toOwasp(e: SecurityEvent): OwaspLogRecord {
  const info = lookupEvent(e['event.name']);
  let event = e['event.name'];
  if (info !== undefined && info.params.length > 0) {
    const slots: string[] = [];
    for (const p of info.params) {
      if (p.sameSlotAs !== undefined) continue;
      let v = readParam(e, p);
      const alt = info.params.find((q) => q.sameSlotAs === p.name);
      if (v === undefined && alt !== undefined) v = readParam(e, alt);
      slots.push(v === undefined ? '' : formatParam(v));
    }
    while (slots.length > 0 && slots[slots.length - 1] === '') slots.pop();
    if (slots.length > 0) event += ':' + slots.join(',');
  }
  const r: OwaspLogRecord = { datetime: e.time, event };
  if (e['service.name'] !== undefined) r.appid = e['service.name'];
  if (e.severity !== undefined) r.level = e.severity;
  if (e.message !== undefined) r.description = e.message;
  if (e['user_agent.original'] !== undefined) r.useragent = e['user_agent.original'];
  if (e['client.address'] !== undefined) r.source_ip = e['client.address'];
  if (e['server.address'] !== undefined) r.host_ip = e['server.address'];
  if (e['host.name'] !== undefined) r.hostname = e['host.name'];
  const a = e.attributes ?? {};
  if (typeof a.protocol === 'string') r.protocol = a.protocol;
  if (e['server.port'] !== undefined) r.port = String(e['server.port']);
  if (e['url.path'] !== undefined)
    r.request_uri = e['url.path'] + (e['url.query'] !== undefined ? `?${e['url.query']}` : '');
  if (e['http.request.method'] !== undefined) r.request_method = e['http.request.method'];
  if (typeof a.region === 'string') r.region = a.region;
  if (typeof a.geo === 'string') r.geo = a.geo;
  return r;
}

const KNOWN_KEYS = new Set([
  'datetime',
  'appid',
  'event',
  'level',
  'description',
  'useragent',
  'source_ip',
  'host_ip',
  'hostname',
  'protocol',
  'port',
  'request_uri',
  'request_method',
  'region',
  'geo',
]);

/**
 * An OWASP-format record to an input for prepareEvent (not yet validated: prepareEvent names any
 * bad field). A `datetime` without a zone is read as UTC. Unknown keys go to `attributes`.
 *
 * @example
 * prepareEvent(fromOwasp({ event: 'AUTHN_login_fail:joebob1', level: 'WARN' }), { source: 'import' });
 */
export function fromOwasp(r: OwaspLogRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const attributes: Record<string, unknown> = {};
  const colon = r.event.indexOf(':');
  const name = (colon === -1 ? r.event : r.event.slice(0, colon)).toLowerCase();
  out['event.name'] = name;
  const info = lookupEvent(name);
  if (colon !== -1 && info !== undefined) {
    const values = splitParams(r.event.slice(colon + 1));
    const slotted = info.params.filter((p) => p.sameSlotAs === undefined);
    slotted.forEach((p, i) => {
      const raw = values[i];
      if (raw === undefined || raw === '') return;
      let target = p;
      const alt = info.params.find((q) => q.sameSlotAs === p.name);
      if (alt !== undefined && canonicalIp(raw) !== null) target = alt;
      let v: unknown;
      if (target.kind === 'string[]') {
        const inner = /^[A-Za-z_]*[([](.*)[)\]]$/.exec(raw);
        v = (inner === null ? [raw] : inner[1] === '' ? [] : inner[1]!.split(',')).map(dec);
      } else if (target.kind === 'number' && /^-?\d+(\.\d+)?$/.test(raw)) v = Number(raw);
      else v = dec(raw);
      if (target.field.startsWith('attributes.')) attributes[target.field.slice(11)] = v;
      else out[target.field] = v;
    });
  } else if (colon !== -1) {
    attributes.params = r.event.slice(colon + 1);
  }
  if (r.datetime !== undefined)
    out.time = /(?:[Zz]|[+-]\d{2}:?\d{2})$/.test(r.datetime) ? r.datetime : `${r.datetime}Z`;
  if (r.appid !== undefined) out['service.name'] = r.appid;
  if (r.level !== undefined) out.severity = r.level;
  if (r.description !== undefined) out.message = r.description;
  if (r.useragent !== undefined) out['user_agent.original'] = r.useragent;
  if (r.source_ip !== undefined) out['client.address'] = r.source_ip;
  if (r.host_ip !== undefined) out['server.address'] = r.host_ip;
  if (r.hostname !== undefined) out['host.name'] = r.hostname;
  if (r.protocol !== undefined) attributes.protocol = r.protocol;
  if (r.port !== undefined) out['server.port'] = r.port;
  if (r.request_uri !== undefined) out['url.path'] = r.request_uri;
  if (r.request_method !== undefined) out['http.request.method'] = r.request_method;
  if (r.region !== undefined) attributes.region = r.region;
  if (r.geo !== undefined) attributes.geo = r.geo;
  for (const [k, v] of Object.entries(r)) {
    if (!KNOWN_KEYS.has(k) && v !== undefined) setOwn(attributes, k, v);
  }
  if (Object.keys(attributes).length > 0) out.attributes = attributes;
  return out;
}
