/**
 * Both directions between our schema and Elastic Common Schema (ECS 8.x) field names, so users of
 * Elasticsearch/Kibana/Wazuh dashboards can read our events. Fields ECS has no name for live
 * under the custom `logwarden.*` namespace (ECS "custom fields"), so the round trip is lossless.
 */
import type { SecurityEvent } from '../event.js';
import { canonicalIp } from '../normalize.js';

/**
 * ECS version the mapping targets (written to `ecs.version`).
 *
 * @example
 * toEcs(event).ecs; // { version: ECS_VERSION }
 */
export const ECS_VERSION = '8.11.0';

/**
 * Our field -> ECS path, for the fields whose value is copied unchanged.
 *
 * @example
 * new Map(ECS_FIELD_MAP).get('time'); // '@timestamp'
 */
export const ECS_FIELD_MAP: ReadonlyArray<readonly [keyof SecurityEvent, string]> = [
  ['id', 'event.id'],
  ['time', '@timestamp'],
  ['observed_time', 'event.ingested'],
  ['event.name', 'event.action'],
  ['event.category', 'logwarden.event.category'],
  ['event.action', 'logwarden.event.action'],
  ['event.outcome', 'event.outcome'],
  ['event.reason', 'event.reason'],
  ['severity_number', 'event.severity'],
  ['message', 'message'],
  ['service.name', 'service.name'],
  ['service.version', 'service.version'],
  ['deployment.environment', 'service.environment'],
  ['host.name', 'host.name'],
  ['http.request.method', 'http.request.method'],
  ['url.path', 'url.path'],
  ['url.query', 'url.query'],
  ['http.route', 'logwarden.http.route'],
  ['http.response.status_code', 'http.response.status_code'],
  ['http.response.body.bytes', 'http.response.body.bytes'],
  ['http.request.referrer', 'http.request.referrer'],
  ['code.function', 'log.origin.function'],
  ['server.address', 'server.address'],
  ['server.port', 'server.port'],
  ['client.port', 'source.port'],
  ['user.id', 'user.id'],
  ['user.name', 'user.name'],
  ['session.id', 'logwarden.session.id'],
  ['user_agent.original', 'user_agent.original'],
  ['request.id', 'http.request.id'],
  ['trace_id', 'trace.id'],
  ['span_id', 'span.id'],
  ['error.type', 'error.type'],
  ['error.message', 'error.message'],
  ['exception.stacktrace', 'error.stack_trace'],
  ['log.source', 'logwarden.log.source'],
  ['log.source_id', 'logwarden.log.source_id'],
  ['log.format', 'logwarden.log.format'],
  ['log.original', 'event.original'],
  ['log.redactions', 'logwarden.log.redactions'],
  ['attributes', 'logwarden.attributes'],
];

/** ECS `event.category` allowed values for our categories (ECS categorization fields). */
const ECS_CATEGORY: Readonly<Record<string, string[]>> = {
  authn: ['authentication'],
  authz: ['iam'],
  session: ['session'],
  user: ['iam'],
  privilege: ['iam'],
  malicious: ['intrusion_detection'],
  input: ['web'],
  excess: ['web'],
  http: ['web'],
  upload: ['file'],
  data: ['database'],
  crypt: ['configuration'],
  sys: ['host'],
  sequence: ['web'],
};

function setPath(doc: Record<string, unknown>, path: string, v: unknown): void {
  const parts = path.split('.');
  let cur = doc;
  for (let i = 0; i < parts.length - 1; i++)
    cur = (cur[parts[i]!] ??= {}) as Record<string, unknown>;
  cur[parts[parts.length - 1]!] = v;
}

/** Read a dotted path from a nested, flat (`{"a.b": 1}`) or mixed document. */
function getPath(doc: unknown, path: string): unknown {
  if (typeof doc !== 'object' || doc === null) return undefined;
  const d = doc as Record<string, unknown>;
  if (path in d) return d[path];
  let dot = path.indexOf('.');
  while (dot !== -1) {
    const head = path.slice(0, dot);
    if (head in d) {
      const v = getPath(d[head], path.slice(dot + 1));
      if (v !== undefined) return v;
    }
    dot = path.indexOf('.', dot + 1);
  }
  return undefined;
}

/**
 * Our event to a nested ECS document.
 *
 * @example
 * toEcs(event)['@timestamp']; // event.time
 */
export function toEcs(e: SecurityEvent): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  const src = e as unknown as Record<string, unknown>;
  for (const [ours, ecs] of ECS_FIELD_MAP)
    if (src[ours] !== undefined) setPath(doc, ecs, src[ours]);
  if (e.severity !== undefined) setPath(doc, 'log.level', e.severity.toLowerCase());
  if (e['http.server.duration_ms'] !== undefined)
    setPath(doc, 'event.duration', Math.round(e['http.server.duration_ms'] * 1e6));
  const client = e['client.address'];
  if (client !== undefined)
    setPath(doc, canonicalIp(client) === null ? 'source.address' : 'source.ip', client);
  setPath(doc, 'event.kind', e['event.name'] === 'alert' ? 'alert' : 'event');
  const cat = ECS_CATEGORY[e['event.category'] ?? ''];
  if (cat !== undefined) setPath(doc, 'event.category', cat);
  setPath(doc, 'ecs.version', ECS_VERSION);
  return doc;
}

/**
 * An ECS document (nested, flat or mixed) to an input for prepareEvent.
 *
 * @example
 * prepareEvent(fromEcs({ '@timestamp': '2026-11-27T09:00:00Z', event: { action: 'authn_login_fail' } }), { source: 'ecs' });
 */
export function fromEcs(doc: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [ours, ecs] of ECS_FIELD_MAP) {
    const v = getPath(doc, ecs);
    if (v !== undefined) out[ours] = v;
  }
  // Other producers' actions ("user-login") become valid custom names; none at all is a plain log.
  const action = out['event.name'];
  if (action === undefined) out['event.name'] = 'log';
  else if (typeof action === 'string' && !/^[a-z][a-z0-9_]*$/.test(action)) {
    out['event.name'] =
      action
        .toLowerCase()
        .replace(/[^a-z0-9_]+/g, '_')
        .replace(/^[^a-z]+/, '') || 'log';
  }
  const level = getPath(doc, 'log.level');
  if (typeof level === 'string') out.severity = level.toUpperCase();
  const duration = getPath(doc, 'event.duration');
  if (typeof duration === 'number') out['http.server.duration_ms'] = duration / 1e6;
  const client =
    getPath(doc, 'source.ip') ??
    getPath(doc, 'source.address') ??
    getPath(doc, 'client.ip') ??
    getPath(doc, 'client.address');
  if (client !== undefined) out['client.address'] = client;
  if (out['client.port'] === undefined) {
    const port = getPath(doc, 'client.port');
    if (port !== undefined) out['client.port'] = port;
  }
  return out;
}
