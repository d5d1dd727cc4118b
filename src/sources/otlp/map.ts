/**
 * OTLP/HTTP logs (JSON encoding, opentelemetry-proto logs/v1) onto our schema. Resource and
 * record attributes that have a schema field by OTel semantic conventions land there; the rest
 * go under `attributes`. A record that cannot be mapped is reported by its position so the
 * answer can follow the OTLP partial-success rules (rejectedLogRecords + errorMessage).
 *
 * Ids (idempotent retries): OTLP records carry no id, so each record gets a deterministic one, a
 * UUIDv8 from SHA-256 of the token name, the resource (attributes), the scope (name, version,
 * attributes) and every field of the record as sent (time_unix_nano and
 * observed_time_unix_nano to the nanosecond, severity number and text, body, attributes, flags,
 * trace and span ids, event name). A sender's retry of the same export carries the same records,
 * so the store's dedup by id makes it a no-op; records differing in any of those fields get
 * different ids. The edge: two records identical in all of them (same nanosecond timestamps,
 * same body and attributes) are one record to logwarden and are stored once.
 */
import { deterministicIdHasher } from '../../core/ids.js';

type AnyValue = {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  bytesValue?: string;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
};
type KeyValue = { key?: string; value?: AnyValue };

export interface OtlpMapOptions {
  /** Mixed into every record id (the token name): two senders' identical records stay two. */
  readonly idScope?: string;
  /**
   * A record with more attributes is rejected (by its position) without being mapped; the
   * server passes server.max_fields, which such a record could not fit anyway.
   */
  readonly maxAttributes?: number;
}

/**
 * Set by decodeOtlpLogsProtobuf on a record it did not decode for having too many attributes
 * (the value is how many): mapOtlpLogs rejects it. A JSON body cannot carry a symbol key.
 */
export const OTLP_OVER_ATTRIBUTES: unique symbol = Symbol('otlp.overAttributes');

export interface OtlpMapRejection {
  /** Where in the request, e.g. `resourceLogs[0].scopeLogs[1].logRecords[3]`. */
  readonly path: string;
  readonly reason: string;
  /** True when a log record was rejected (counts in rejectedLogRecords); false for a container. */
  readonly record: boolean;
}

export interface OtlpMapResult {
  readonly items: Record<string, unknown>[];
  /** What was rejected while mapping, each with its path in the request. */
  readonly rejected: OtlpMapRejection[];
  /** The path in the request of `items[index]`, e.g. `resourceLogs[0].scopeLogs[1].logRecords[3]`. */
  recordPath(index: number): string;
}

/** Semantic-convention attribute keys that map onto a schema field (and legacy aliases). */
const ATTRIBUTE_FIELDS: Readonly<Record<string, string>> = {
  'event.name': 'event.name',
  'event.action': 'event.action',
  'event.outcome': 'event.outcome',
  'event.category': 'event.category',
  'http.request.method': 'http.request.method',
  'http.method': 'http.request.method',
  'url.path': 'url.path',
  'http.target': 'url.path',
  'url.query': 'url.query',
  'url.full': 'url.full',
  'http.route': 'http.route',
  'http.response.status_code': 'http.response.status_code',
  'http.status_code': 'http.response.status_code',
  'client.address': 'client.address',
  'client.port': 'client.port',
  'net.peer.ip': 'client.address',
  'server.address': 'server.address',
  'server.port': 'server.port',
  'user.id': 'user.id',
  'enduser.id': 'user.id',
  'user.name': 'user.name',
  'session.id': 'session.id',
  'user_agent.original': 'user_agent.original',
  'http.user_agent': 'user_agent.original',
  'error.type': 'error.type',
  'exception.type': 'error.type',
  'exception.message': 'error.message',
  'exception.stacktrace': 'exception.stacktrace',
  'code.function': 'code.function',
  'code.function.name': 'code.function',
  'request.id': 'request.id',
};

const RESOURCE_FIELDS: Readonly<Record<string, string>> = {
  'service.name': 'service.name',
  'service.version': 'service.version',
  'deployment.environment': 'deployment.environment',
  'deployment.environment.name': 'deployment.environment',
  'host.name': 'host.name',
};

const NUMERIC_FIELDS = new Set(['http.response.status_code', 'client.port', 'server.port']);

function anyValue(v: AnyValue | undefined, depth = 0): unknown {
  if (!v || typeof v !== 'object' || depth > 8) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) {
    // int64 arrives as a decimal string in OTLP/JSON; keep precision when it exceeds 2^53.
    const n = Number(v.intValue);
    return Number.isSafeInteger(n) ? n : String(v.intValue);
  }
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.bytesValue !== undefined) return v.bytesValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map((x) => anyValue(x, depth + 1));
  if (v.kvlistValue) return kvObject(v.kvlistValue.values, depth + 1);
  return null;
}

function kvObject(kvs: KeyValue[] | undefined, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!Array.isArray(kvs)) return out;
  for (const kv of kvs)
    if (kv && typeof kv.key === 'string') out[kv.key] = anyValue(kv.value, depth);
  return out;
}

/** Nanoseconds since the epoch (string or number) to an RFC 3339 UTC time, or undefined. */
function nanosToIso(ns: unknown): string | undefined {
  if (ns === undefined || ns === null || ns === '0' || ns === 0) return undefined;
  const s = String(ns);
  if (!/^\d{1,20}$/.test(s)) return undefined;
  // Whole milliseconds: drop the last 6 digits (at most 14 remain, exact as a Number).
  const ms = s.length > 6 ? Number(s.slice(0, -6)) : 0;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

function severityText(num: unknown, text: unknown): string | undefined {
  const n = typeof num === 'number' ? num : 0;
  if (n >= 21) return 'CRITICAL';
  if (n >= 17) return 'ERROR';
  if (n >= 13) return 'WARN';
  if (n >= 9) return 'INFO';
  if (n >= 1) return 'DEBUG';
  if (typeof text === 'string') {
    const t = text.toUpperCase();
    if (t.startsWith('FATAL') || t.startsWith('CRIT')) return 'CRITICAL';
    if (t.startsWith('ERR')) return 'ERROR';
    if (t.startsWith('WARN')) return 'WARN';
    if (t.startsWith('INFO')) return 'INFO';
    if (t.startsWith('DEBUG') || t.startsWith('TRACE')) return 'DEBUG';
  }
  return undefined;
}

function place(
  out: Record<string, unknown>,
  attrs: Record<string, unknown>,
  table: Readonly<Record<string, string>>,
  extra: Record<string, unknown>,
): void {
  for (const [k, v] of Object.entries(attrs)) {
    const field = table[k];
    if (field && out[field] === undefined && v !== null) {
      out[field] =
        NUMERIC_FIELDS.has(field) && typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
    } else {
      extra[k] = v;
    }
  }
}

/** `url.full` is a semantic-convention attribute, not a schema field: keep its path and query. */
function splitUrlFull(out: Record<string, unknown>): void {
  const full = out['url.full'];
  if (full === undefined) return;
  delete out['url.full'];
  if (typeof full !== 'string') return;
  try {
    const u = new URL(full, 'http://placeholder.invalid');
    out['url.path'] ??= u.pathname;
    if (u.search.length > 1) out['url.query'] ??= u.search.slice(1);
  } catch {
    // Not a URL: leave path/query unset rather than guess.
  }
}

/** Nesting kept apart in record ids; deeper values are not stored anyway (anyValue stops at 8). */
const MAX_ID_DEPTH = 16;

/**
 * A value as its type and content, written as JSON text (`["s","x"]`, `["i","3"]`, `["a",[...]]`,
 * `["k",[["key",value],...]]`), so that intValue 3, doubleValue 3 and stringValue "3" differ
 * while the JSON and protobuf spellings of one value (intValue "3" or 3) agree. Built as a string
 * directly: this runs for every attribute of every record.
 */
function canonValue(v: AnyValue | undefined, depth: number): string {
  if (!v || typeof v !== 'object') return 'null';
  if (depth > MAX_ID_DEPTH) return '"..."';
  if (v.stringValue !== undefined) return `["s",${JSON.stringify(String(v.stringValue))}]`;
  if (v.boolValue !== undefined) return `["b",${Boolean(v.boolValue)}]`;
  if (v.intValue !== undefined) return `["i",${JSON.stringify(String(v.intValue))}]`;
  if (v.doubleValue !== undefined) return `["d",${JSON.stringify(String(v.doubleValue))}]`;
  if (v.bytesValue !== undefined) return `["y",${JSON.stringify(String(v.bytesValue))}]`;
  if (v.arrayValue) {
    const values = Array.isArray(v.arrayValue.values) ? v.arrayValue.values : [];
    return `["a",[${values.map((x) => canonValue(x, depth + 1)).join(',')}]]`;
  }
  if (v.kvlistValue) return `["k",${canonKvs(v.kvlistValue.values, depth + 1)}]`;
  return 'null';
}

function canonKvs(kvs: KeyValue[] | undefined, depth = 0): string {
  if (!Array.isArray(kvs)) return '[]';
  let out = '[';
  for (let i = 0; i < kvs.length; i++) {
    const kv = kvs[i];
    if (i > 0) out += ',';
    out += `[${JSON.stringify(String(kv?.key))},${canonValue(kv?.value, depth)}]`;
  }
  return out + ']';
}

/** 0, "0", absent and null are all "unset" in OTLP (proto3 defaults). */
function canonScalar(v: unknown): string {
  return JSON.stringify(
    v === undefined || v === null || v === 0 || v === '0' || v === '' ? '' : String(v),
  );
}

function recordKey(rec: Record<string, unknown>): string {
  return `[${canonScalar(rec.timeUnixNano)},${canonScalar(rec.observedTimeUnixNano)},${canonScalar(
    rec.severityNumber,
  )},${canonScalar(rec.severityText)},${canonValue(rec.body as AnyValue | undefined, 0)},${canonKvs(
    rec.attributes as KeyValue[] | undefined,
  )},${canonScalar(rec.flags)},${canonScalar(
    typeof rec.traceId === 'string' ? rec.traceId.toLowerCase() : rec.traceId,
  )},${canonScalar(
    typeof rec.spanId === 'string' ? rec.spanId.toLowerCase() : rec.spanId,
  )},${canonScalar(rec.eventName)}]`;
}

/**
 * Map one decoded `ExportLogsServiceRequest` (OTLP/JSON shape; protobuf is decoded to it by
 * decodeOtlpLogsProtobuf). Never throws.
 */
export function mapOtlpLogs(req: unknown, opts: OtlpMapOptions = {}): OtlpMapResult {
  const idScope = opts.idScope ?? '';
  const maxAttributes = opts.maxAttributes ?? Infinity;
  const items: Record<string, unknown>[] = [];
  const rejected: OtlpMapRejection[] = [];
  // Where each item came from, three numbers per item (resource, scope, record index): the path
  // text is only built for the few records an answer names.
  const at: number[] = [];
  const recordPath = (index: number): string =>
    index >= 0 && index < items.length
      ? `resourceLogs[${at[3 * index]}].scopeLogs[${at[3 * index + 1]}].logRecords[${at[3 * index + 2]}]`
      : `record ${index}`;
  const resourceLogs = (req as { resourceLogs?: unknown })?.resourceLogs;
  if (!Array.isArray(resourceLogs)) {
    rejected.push({ path: 'resourceLogs', reason: 'missing or not an array', record: false });
    return { items, rejected, recordPath };
  }
  resourceLogs.forEach(
    (rl: { resource?: { attributes?: KeyValue[] }; scopeLogs?: unknown }, ri) => {
      const resource = kvObject(rl?.resource?.attributes);
      // Record ids: deterministicId('otlp', idScope, resourceKey, scopeKey, recordKey) (core/ids),
      // with the parts shared by a resource's and a scope's records encoded once.
      const resourceIds = deterministicIdHasher(
        'otlp',
        idScope,
        canonKvs(rl?.resource?.attributes),
      );
      const scopeLogs = rl?.scopeLogs;
      if (!Array.isArray(scopeLogs)) {
        rejected.push({
          path: `resourceLogs[${ri}].scopeLogs`,
          reason: 'missing or not an array',
          record: false,
        });
        return;
      }
      scopeLogs.forEach(
        (
          sl: {
            scope?: { name?: string; version?: string; attributes?: KeyValue[] };
            logRecords?: unknown;
          },
          si,
        ) => {
          const records = sl?.logRecords;
          const scopeKey = `[${canonScalar(sl?.scope?.name)},${canonScalar(
            sl?.scope?.version,
          )},${canonKvs(sl?.scope?.attributes)}]`;
          const scopeIds = resourceIds.extend(scopeKey);
          if (!Array.isArray(records)) {
            rejected.push({
              path: `resourceLogs[${ri}].scopeLogs[${si}].logRecords`,
              reason: 'missing or not an array',
              record: false,
            });
            return;
          }
          records.forEach((rec: Record<string, unknown>, i) => {
            if (!rec || typeof rec !== 'object') {
              rejected.push({
                path: `resourceLogs[${ri}].scopeLogs[${si}].logRecords[${i}]`,
                reason: 'not an object',
                record: true,
              });
              return;
            }
            const attributes = Array.isArray(rec.attributes) ? rec.attributes.length : 0;
            const over =
              (rec as { [OTLP_OVER_ATTRIBUTES]?: number })[OTLP_OVER_ATTRIBUTES] ??
              (attributes > maxAttributes ? attributes : undefined);
            if (over !== undefined) {
              rejected.push({
                path: `resourceLogs[${ri}].scopeLogs[${si}].logRecords[${i}]`,
                reason: `${over} attributes, over server.max_fields (${opts.maxAttributes ?? 'unset'})`,
                record: true,
              });
              return;
            }
            const out: Record<string, unknown> = {
              id: scopeIds.id(recordKey(rec)),
            };
            const extra: Record<string, unknown> = {};
            place(out, resource, RESOURCE_FIELDS, extra);
            for (const k of Object.keys(extra)) {
              extra[`resource.${k}`] = extra[k];
              delete extra[k];
            }
            place(out, kvObject(rec.attributes as KeyValue[] | undefined), ATTRIBUTE_FIELDS, extra);
            const name = (typeof rec.eventName === 'string' && rec.eventName) || out['event.name'];
            out['event.name'] =
              typeof name === 'string' && /^[a-z][a-z0-9_]{0,63}$/.test(name) ? name : 'log';
            if (typeof name === 'string' && out['event.name'] !== name)
              extra['otel.event_name'] = name;
            const time = nanosToIso(rec.timeUnixNano) ?? nanosToIso(rec.observedTimeUnixNano);
            if (time) out.time = time;
            const observed = nanosToIso(rec.observedTimeUnixNano);
            if (observed) out.observed_time = observed;
            const sev = severityText(rec.severityNumber, rec.severityText);
            if (sev) out.severity = sev;
            const body = anyValue(rec.body as AnyValue | undefined);
            if (typeof body === 'string') out.message = body;
            else if (body !== null) extra['otel.body'] = body;
            if (typeof rec.traceId === 'string' && /^[0-9a-f]{32}$/i.test(rec.traceId))
              out.trace_id = rec.traceId.toLowerCase();
            if (typeof rec.spanId === 'string' && /^[0-9a-f]{16}$/i.test(rec.spanId))
              out.span_id = rec.spanId.toLowerCase();
            if (sl.scope?.name) extra['otel.scope.name'] = sl.scope.name;
            splitUrlFull(out);
            out['log.format'] = 'otlp';
            if (Object.keys(extra).length > 0) out.attributes = extra;
            items.push(out);
            at.push(ri, si, i);
          });
        },
      );
    },
  );
  return { items, rejected, recordPath };
}
