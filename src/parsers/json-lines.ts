/**
 * JSON lines: our own schema, pino (and pino-http), winston, bunyan, ECS-shaped and OTel-shaped
 * records (both the OTLP/JSON LogRecord with `attributes: [{key, value}]` and the flat
 * exporter shape). The record is flattened to dotted keys, then mapped by field-map.ts.
 * `attributes['json.dialect']` says which producer the record looks like.
 *
 * @example
 * jsonParser.parse('{"level":30,"time":1795770000000,"msg":"hi","pid":1,"hostname":"a"}', { now: Date.now() });
 * // { 'event.name': 'log', severity: 'INFO', message: 'hi', attributes: { 'json.dialect': 'pino', ... } }
 */
import { applyFlat } from './field-map.js';
import type { LineParser, ParseContext, ParsedEvent } from './types.js';

const MAX_DEPTH = 6;
const MAX_KEYS = 500;

/** OTLP/JSON AnyValue to a plain value. */
function anyValue(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  if ('stringValue' in o) return o.stringValue;
  if ('intValue' in o) return Number(o.intValue);
  if ('doubleValue' in o) return o.doubleValue;
  if ('boolValue' in o) return o.boolValue;
  if ('arrayValue' in o)
    return ((o.arrayValue as { values?: unknown[] })?.values ?? []).map(anyValue);
  if ('kvlistValue' in o) return keyValues((o.kvlistValue as { values?: unknown[] })?.values ?? []);
  return v;
}

function keyValues(list: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list) {
    if (kv !== null && typeof kv === 'object' && typeof (kv as { key?: unknown }).key === 'string')
      out[(kv as { key: string }).key] = anyValue((kv as { value?: unknown }).value);
  }
  return out;
}

function isKvList(v: unknown): v is unknown[] {
  return (
    Array.isArray(v) &&
    v.length > 0 &&
    v.every((x) => x !== null && typeof x === 'object' && 'key' in x && 'value' in x)
  );
}

function flatten(
  o: Record<string, unknown>,
  prefix: string,
  out: Map<string, unknown>,
  depth: number,
): void {
  for (const k of Object.keys(o)) {
    if (out.size >= MAX_KEYS) return;
    let v = o[k];
    const key = prefix === '' ? k : `${prefix}.${k}`;
    if (isKvList(v)) v = keyValues(v);
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && depth < MAX_DEPTH) {
      const obj = v as Record<string, unknown>;
      if ('stringValue' in obj || 'intValue' in obj) out.set(key, anyValue(obj));
      else flatten(obj, key, out, depth + 1);
    } else if (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object')) {
      out.set(key, v);
    } else if (v !== null && typeof v === 'object') {
      // Arrays of objects and whatever lies deeper than MAX_DEPTH stay as JSON text: attributes have a
      // nesting limit (core/prepare) and one deep record must not get the event rejected.
      out.set(key, JSON.stringify(v));
    } else out.set(key, v);
  }
}

function dialect(o: Record<string, unknown>): string {
  if (typeof o['event.name'] === 'string' && typeof o.time === 'string') return 'logwarden';
  if (
    'severityNumber' in o ||
    'severityText' in o ||
    'timeUnixNano' in o ||
    'severity_text' in o ||
    ('body' in o && 'resource' in o)
  )
    return 'otel';
  if ('@timestamp' in o && ('ecs.version' in o || 'ecs' in o || 'log.level' in o || 'log' in o))
    return 'ecs';
  if (o.v === 0 && typeof o.level === 'number' && 'msg' in o && 'hostname' in o) return 'bunyan';
  if (typeof o.level === 'number' && ('msg' in o || 'req' in o || 'res' in o)) return 'pino';
  if (typeof o.level === 'string' && 'message' in o) return 'winston';
  return 'generic';
}

export function parseJsonLine(line: string, ctx: ParseContext): ParsedEvent | null {
  let i = 0;
  while (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9) i++;
  if (line.charCodeAt(i) !== 123 /* { */) return null;
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return null;
  }
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return null;
  const obj = o as Record<string, unknown>;
  const raw = new Map<string, unknown>();
  flatten(obj, '', raw, 0);
  const d = dialect(obj);
  // OTel keeps semantic fields under `attributes` / `resource.attributes`; our own schema keeps
  // free-form ones there. Lift them to the top unless the top already has that key.
  const flat = new Map<string, unknown>();
  for (const [k, v] of raw) {
    const lifted = k.startsWith('attributes.')
      ? k.slice(11)
      : k.startsWith('resource.attributes.')
        ? k.slice(20)
        : undefined;
    if (lifted !== undefined && !raw.has(lifted) && !flat.has(lifted)) flat.set(lifted, v);
    else flat.set(k, v);
  }
  // bunyan's `name` is the application's name.
  if (d === 'bunyan' && typeof obj.name === 'string' && !flat.has('service.name')) {
    flat.delete('name');
    flat.set('service.name', obj.name);
  }
  const ev: ParsedEvent = { 'event.name': 'log', 'log.format': 'json', 'log.original': line };
  applyFlat(ev, flat, ctx);
  (ev.attributes ??= {})['json.dialect'] = d;
  return ev;
}

export const jsonParser: LineParser = { name: 'json', parse: parseJsonLine };
