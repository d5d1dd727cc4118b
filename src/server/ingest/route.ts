/**
 * POST /v1/events: authenticate, admit under the in-flight budget, read (gzip-capped), split
 * into items, validate each, store the good ones, answer only after the commit.
 *
 * Statuses: 200 all accepted (duplicates count as accepted: idempotent); 207 some accepted and
 * some rejected (the body lists each rejection); 400 none accepted (413 when every rejection was
 * a size limit); 413/400/415 whole-request failures; 429 + Retry-After when saturated; 503 while
 * draining or when the store fails (nothing of that request was acknowledged).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { LogwardenError } from '../../core/errors.js';
import type { EventStore, PreparedEvent } from '../../storage/types.js';
import type { ServerMetrics } from '../metrics.js';
import type { InflightBudget } from './budget.js';
import { bodyFormatOf, decodeItems } from './decode-items.js';
import { readBody } from './read-body.js';

/** Result of validating one item (the shape of core's prepareEvent). */
export type PrepareResult =
  | { ok: true; prepared: PreparedEvent; redactions?: readonly string[] }
  | { ok: false; errors: readonly { field: string; reason: string }[] };

export interface IngestRouteOptions {
  readonly store: EventStore;
  readonly budget: InflightBudget;
  readonly metrics: ServerMetrics;
  readonly prepare: (input: unknown, source: string) => PrepareResult;
  readonly limits: { maxBodyBytes: number; maxItemBytes: number; maxBatchItems: number };
  readonly retryAfterSecs: number;
  /** True once draining started: new ingest requests get 503. */
  readonly isDraining: () => boolean;
  /** Called after each successful commit with the highest seq stored (post-commit listeners). */
  readonly onCommitted: (maxSeq: number) => void;
  /** Resolves to the authenticated source name (throws 401/403 otherwise). */
  readonly authenticate: (request: FastifyRequest, reply: FastifyReply) => string;
}

export interface ItemError {
  /** Position among the batch's items (array index; NDJSON: blank lines are not items). */
  readonly index: number;
  /** NDJSON only: 1-based line number in the (decompressed) body. */
  readonly line?: number;
  readonly field: string;
  readonly reason: string;
}

export interface IngestAnswer {
  accepted: number;
  duplicates: number;
  rejected: number;
  errors: ItemError[];
}

/** Rejection reasons as metric labels; size limits also decide 413 for an all-rejected batch. */
const REASONS: readonly { test: RegExp; label: string; limit?: string }[] = [
  {
    test: /max_item_bytes|bytes once serialized; the limit is/,
    label: 'item_too_large',
    limit: 'server.max_item_bytes',
  },
  {
    test: /fields .*exceed the limit|max_fields/,
    label: 'too_many_fields',
    limit: 'server.max_fields',
  },
  { test: /nested deeper than|max_depth/, label: 'too_deep', limit: 'server.max_depth' },
  { test: /longer than \d+ bytes|bytes once serialized/, label: 'too_large', limit: '' },
  { test: /malformed JSON/, label: 'malformed' },
  { test: /UTF-8/, label: 'invalid_utf8' },
  { test: /unknown field/i, label: 'unknown_field' },
];

/** The metric label (and the limit's config key, if any) of a rejection reason. */
export function classify(reason: string): { label: string; limit?: string } {
  return REASONS.find((r) => r.test.test(reason)) ?? { label: 'invalid' };
}

/** Name the config key that sets a limit, so the sender knows what to ask the operator for. */
function withLimitKey(reason: string): string {
  const key = classify(reason).limit;
  return key && !reason.includes(key) ? `${reason} (${key})` : reason;
}

export function registerIngestRoute(app: FastifyInstance, o: IngestRouteOptions): void {
  // The body is read by the handler itself (size cap before and after gzip), not by Fastify.
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    scope.post('/v1/events', async (request, reply) => handle(request, reply, o));
  });
}

async function handle(
  request: FastifyRequest,
  reply: FastifyReply,
  o: IngestRouteOptions,
): Promise<unknown> {
  const stream = (request.body as Readable | undefined) ?? request.raw;
  const refuse = (reason: string, error: LogwardenError): never => {
    o.metrics.refusedRequests.inc({ reason });
    stream.resume(); // discard the unread body without holding it
    throw error;
  };
  const source = o.authenticate(request, reply);
  if (o.isDraining())
    refuse(
      'draining',
      new LogwardenError(
        'LW_UNAVAILABLE',
        'server is shutting down; retry on another instance or later',
      ),
    );
  const format = bodyFormatOf(request.headers['content-type']);
  if (!format) {
    refuse(
      'unsupported_media',
      new LogwardenError(
        'LW_UNSUPPORTED_MEDIA',
        `Content-Type ${JSON.stringify(request.headers['content-type'] ?? '')}: use application/json (array or object) or application/x-ndjson`,
      ),
    );
  }
  const declared = Number(request.headers['content-length'] ?? NaN);
  if (declared > o.limits.maxBodyBytes) {
    reply.header('connection', 'close');
    refuse(
      'body_too_large',
      new LogwardenError(
        'LW_BODY_TOO_LARGE',
        `request body is ${declared} bytes, over server.max_body_bytes (${o.limits.maxBodyBytes})`,
        { details: { limit: 'server.max_body_bytes', value: o.limits.maxBodyBytes } },
      ),
    );
  }
  // Reserve the worst case for this request before reading a byte of it.
  const reservedBytes =
    Number.isFinite(declared) && request.headers['content-encoding'] === undefined
      ? declared
      : o.limits.maxBodyBytes;
  if (!o.budget.tryReserve(reservedBytes, 0)) {
    reply.header('retry-after', String(o.retryAfterSecs));
    refuse(
      'backpressure',
      new LogwardenError(
        'LW_BACKPRESSURE',
        `server is saturated (${o.budget.events} events awaiting commit); retry after ${o.retryAfterSecs}s`,
      ),
    );
  }
  let reservedEvents = 0;
  try {
    let body: Buffer;
    try {
      body = await readBody(stream, {
        maxBytes: o.limits.maxBodyBytes,
        encoding: request.headers['content-encoding'],
      });
    } catch (e) {
      if (e instanceof LogwardenError && e.code === 'LW_BODY_TOO_LARGE')
        reply.header('connection', 'close');
      throw e;
    }
    const slots = decodeItems(body, format as 'json' | 'ndjson', o.limits);
    if (!o.budget.tryReserve(0, slots.length)) {
      reply.header('retry-after', String(o.retryAfterSecs));
      o.metrics.refusedRequests.inc({ reason: 'backpressure' });
      throw new LogwardenError(
        'LW_BACKPRESSURE',
        `server is saturated (${o.budget.events} events awaiting commit); retry after ${o.retryAfterSecs}s`,
      );
    }
    reservedEvents = slots.length;
    o.metrics.inflightEvents.set(o.budget.events);
    o.metrics.received.inc({ source }, slots.length);

    const answer: IngestAnswer = { accepted: 0, duplicates: 0, rejected: 0, errors: [] };
    const prepared: PreparedEvent[] = [];
    let limitRejections = 0;
    slots.forEach((slot, index) => {
      let errors: readonly { field: string; reason: string }[];
      if (slot.ok) {
        let result: PrepareResult;
        try {
          result = o.prepare(slot.value, source);
        } catch (e) {
          result = {
            ok: false,
            errors: [
              { field: '(item)', reason: `could not be processed: ${(e as Error).message}` },
            ],
          };
        }
        if (result.ok) {
          prepared.push(result.prepared);
          return;
        }
        errors = result.errors;
      } else {
        errors = [slot];
      }
      answer.rejected++;
      if (errors.some((er) => classify(er.reason).limit !== undefined)) limitRejections++;
      o.metrics.rejected.inc({ source, reason: classify(errors[0]?.reason ?? '').label });
      for (const er of errors) {
        const reason = withLimitKey(er.reason);
        answer.errors.push(
          slot.line === undefined
            ? { index, field: er.field, reason }
            : { index, line: slot.line, field: er.field, reason },
        );
      }
    });

    if (prepared.length > 0) {
      let results;
      try {
        results = await o.store.append(prepared);
      } catch (e) {
        o.metrics.dropped.inc({ source, reason: 'store_failed' }, prepared.length);
        throw e instanceof LogwardenError
          ? e
          : new LogwardenError('LW_STORE_FAILED', `store append failed: ${(e as Error).message}`, {
              cause: e,
            });
      }
      o.metrics.commitBatchSize.observe(prepared.length);
      let maxSeq = -1;
      for (const r of results) {
        if (r.duplicate) answer.duplicates++;
        else answer.accepted++;
        if (r.seq > maxSeq) maxSeq = r.seq;
      }
      o.metrics.stored.inc({ source }, answer.accepted);
      if (answer.duplicates > 0) o.metrics.duplicates.inc({ source }, answer.duplicates);
      if (maxSeq >= 0) o.onCommitted(maxSeq);
    }
    const stored = answer.accepted + answer.duplicates;
    if (answer.rejected === 0) return reply.code(200).send(answer);
    if (stored > 0) return reply.code(207).send(answer);
    const allLimits = limitRejections === answer.rejected;
    return reply.code(allLimits ? 413 : 400).send({
      code: allLimits ? 'LW_BODY_TOO_LARGE' : 'LW_EVENT_INVALID',
      message: `all ${answer.rejected} item(s) were rejected; first: [${answer.errors[0]?.index}] ${answer.errors[0]?.field}: ${answer.errors[0]?.reason}`,
      ...answer,
    });
  } finally {
    o.budget.release(reservedBytes, reservedEvents);
    o.metrics.inflightEvents.set(o.budget.events);
    o.metrics.inflightBytes.set(o.budget.bytes);
  }
}
