/**
 * Turning a record of an existing logger (pino, winston) into a security event: a record is a
 * security event when its `event` field names a known event (`logger.warn({ event:
 * 'authn_login_fail', userId }, 'bad password')`); other records are ordinary logs and are left
 * alone. Vocabulary params are read from the record by their OWASP name or its camelCase form.
 */
import type { Severity } from '../core/event.js';
import { lookupEvent } from '../core/vocabulary.js';
import type { KnownEventName, SecurityLogger } from './logger.js';

// Keys pino and winston add themselves; they never become attributes.
const RESERVED = new Set([
  'level',
  'time',
  'timestamp',
  'pid',
  'hostname',
  'msg',
  'message',
  'event',
  'v',
  'severity',
  'outcome',
  'err',
  'error',
  'stack',
]);

const ALIASES: Record<string, readonly string[]> = {
  userid: ['userid', 'userId', 'user_id', 'user'],
  ip: ['ip', 'clientAddress', 'clientIp'],
  useragent: ['useragent', 'userAgent'],
};

function pick(record: Record<string, unknown>, name: string): [string, unknown] | undefined {
  for (const k of ALIASES[name] ?? [
    name,
    name.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()),
  ]) {
    const v = record[k];
    if (v !== undefined && v !== null && typeof v !== 'object') return [k, v];
    if (Array.isArray(v)) return [k, v];
  }
  return undefined;
}

/** Emits the record as a security event; returns false for records without a known `event`. */
export function emitLogRecord(
  logger: SecurityLogger,
  record: Record<string, unknown>,
  severity?: Severity,
): boolean {
  const name = record.event;
  if (typeof name !== 'string') return false;
  const info = lookupEvent(name);
  if (info === undefined) return false;
  const params: Record<string, unknown> = {};
  const used = new Set<string>();
  for (const p of info.params) {
    const hit = pick(record, p.name);
    if (hit === undefined) continue;
    used.add(hit[0]);
    params[p.name] =
      p.kind === 'number'
        ? Number(hit[1])
        : p.kind === 'string[]'
          ? [].concat(hit[1] as never).map(String)
          : String(hit[1]);
  }
  let attributes: Record<string, unknown> | undefined;
  for (const k of Object.keys(record)) {
    if (RESERVED.has(k) || used.has(k)) continue;
    (attributes ??= {})[k] = record[k];
  }
  const msg =
    typeof record.msg === 'string'
      ? record.msg
      : typeof record.message === 'string'
        ? record.message
        : undefined;
  const err = record.err ?? record.error;
  logger.emit(name as KnownEventName, params as never, {
    message: msg,
    attributes,
    severity,
    error:
      err !== undefined && typeof err === 'object' && err !== null
        ? Object.assign(new Error(String((err as { message?: unknown }).message ?? '')), {
            name: String(
              (err as { type?: unknown; name?: unknown }).type ??
                (err as { name?: unknown }).name ??
                'Error',
            ),
          })
        : undefined,
  });
  return true;
}
