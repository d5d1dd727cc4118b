/**
 * Read API: GET /v1/events (search with cursor paging, newest first) and GET /v1/sources.
 * Stored bodies are sent as stored (never re-serialized): what you read is what the ledger hashes.
 */
import type { FastifyInstance } from 'fastify';
import { LogwardenError } from '../../core/errors.js';
import { parseQuery } from '../../search/index.js';
import type { EventStore } from '../../storage/types.js';
import type { Authenticate } from '../auth/authenticate.js';
import { storedEventJson } from './stored-event-json.js';
import { parseTimeBound } from './time-bound.js';

export const MAX_PAGE = 1000;

export interface ReadRoutesOptions {
  readonly store: EventStore;
  readonly authenticate: Authenticate;
}

function intParam(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new LogwardenError(
      'LW_USAGE',
      `${name}=${String(value)}: expected an integer from ${min} to ${max}`,
    );
  }
  return n;
}

/** Cursors are opaque to clients; today they carry the seq to page below. */
export function encodeCursor(seq: number): string {
  return Buffer.from(`s${seq}`).toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^s(\d{1,15})$/.exec(text);
  if (!m)
    throw new LogwardenError(
      'LW_USAGE',
      `cursor ${JSON.stringify(cursor.slice(0, 40))} is not one this server issued`,
    );
  return Number(m[1]);
}

export function registerReadRoutes(app: FastifyInstance, o: ReadRoutesOptions): void {
  app.get('/v1/events', async (request, reply) => {
    o.authenticate(request, 'read', reply);
    const q = request.query as Record<string, string | undefined>;
    const now = Date.now();
    const limit = intParam(q.limit, 'limit', 1, MAX_PAGE) ?? 100;
    const query = {
      limit,
      ...(q.q ? { filter: parseQuery(q.q, { nowMs: now }) } : {}),
      ...(q.after ? { fromMs: parseTimeBound(q.after, now, 'after') } : {}),
      ...(q.before ? { toMs: parseTimeBound(q.before, now, 'before') } : {}),
      ...(q.cursor ? { beforeSeq: decodeCursor(q.cursor) } : {}),
    };
    const events = o.store.query(query);
    const last = events[events.length - 1];
    const next = events.length === limit && last ? JSON.stringify(encodeCursor(last.seq)) : 'null';
    reply.type('application/json; charset=utf-8');
    return reply.send(
      `{"events":[${events.map(storedEventJson).join(',')}],"next_cursor":${next}}`,
    );
  });

  app.get('/v1/sources', async (request, reply) => {
    o.authenticate(request, 'read', reply);
    return {
      sources: o.store.sources().map((s) => ({
        source: s.source,
        events: s.events,
        parsed: s.parsed,
        unparsed: s.unparsed,
        first_seen: new Date(s.firstSeenMs).toISOString(),
        last_seen: new Date(s.lastSeenMs).toISOString(),
      })),
    };
  });
}
