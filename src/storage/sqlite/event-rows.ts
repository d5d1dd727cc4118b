/**
 * PreparedEvent to the row the store writes: indexed columns taken from the event object and the
 * body kept as the exact string given. The writer adds the RFC 6962 leaf hash
 * SHA-256(0x00 || body bytes) (RFC 6962 §2.1), in the writer thread when there is one. Validation here only guards the store's own invariants (a usable id, time and
 * name); the pipeline validated the event itself before serializing it.
 */
import { createHash } from 'node:crypto';
import { LogwardenError } from '../../core/errors.js';
import type { PreparedEvent } from '../types.js';

export interface EventRow {
  readonly id: string;
  readonly timeMs: number;
  readonly name: string;
  readonly category: string | null;
  readonly severity: string | null;
  readonly outcome: string | null;
  readonly status: number | null;
  readonly clientAddress: string | null;
  readonly userId: string | null;
  readonly source: string;
  readonly body: string;
  readonly message: string | null;
  readonly original: string | null;
  /** A `log` event no parser understood (counted per source). */
  readonly unparsed: boolean;
}

const LEAF_PREFIX = Buffer.from([0x00]);

/** RFC 6962 leaf hash of a stored body. */
export function leafHash(body: string): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(body, 'utf8').digest();
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function invalid(index: number, id: unknown, what: string): LogwardenError {
  const who = typeof id === 'string' ? ` (id ${JSON.stringify(id.slice(0, 64))})` : '';
  return new LogwardenError('LW_EVENT_INVALID', `event #${index}${who}: ${what}`, {
    details: { index, ...(typeof id === 'string' ? { id } : {}) },
  });
}

/** Build the row for one event; throws LW_EVENT_INVALID naming the index and field. */
export function toRow(p: PreparedEvent, index: number): EventRow {
  const e = p?.event as unknown as Record<string, unknown> | undefined;
  if (e === undefined || e === null || typeof e !== 'object')
    throw invalid(index, undefined, 'event is missing');
  const id = e.id;
  if (typeof id !== 'string' || id.length === 0 || id.length > 128) {
    throw invalid(index, id, 'id must be a non-empty string of at most 128 characters');
  }
  if (typeof p.body !== 'string' || p.body.length === 0)
    throw invalid(index, id, 'body must be a non-empty string');
  if (typeof p.source !== 'string' || p.source.length === 0)
    throw invalid(index, id, 'source must be a non-empty string');
  const timeMs = typeof e.time === 'string' ? Date.parse(e.time) : NaN;
  if (!Number.isFinite(timeMs))
    throw invalid(index, id, `time ${JSON.stringify(e.time)} is not an RFC 3339 time`);
  const name = e['event.name'];
  if (typeof name !== 'string' || name.length === 0)
    throw invalid(index, id, 'event.name must be a non-empty string');
  const status = e['http.response.status_code'];
  const format = e['log.format'];
  return {
    id,
    timeMs,
    name,
    category: str(e['event.category']),
    severity: str(e.severity),
    outcome: str(e['event.outcome']),
    status: typeof status === 'number' && Number.isInteger(status) ? status : null,
    clientAddress: str(e['client.address']),
    userId: str(e['user.id']),
    source: p.source,
    body: p.body,
    message: str(e.message),
    original: str(e['log.original']),
    unparsed: name === 'log' && (format === undefined || format === null || format === 'unparsed'),
  };
}
