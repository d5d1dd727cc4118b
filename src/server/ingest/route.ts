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
import { LogwardenError } from '../../core/errors.js';
import type { EventStore, PreparedEvent } from '../../storage/types.js';
import type { ServerMetrics } from '../metrics.js';
import type { InflightBudget } from './budget.js';
import { bodyFormatOf, decodeItems } from './decode-items.js';
import { withAdmission, type AdmissionOptions } from './admission.js';

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

/**
 * Append prepared events to the store, count them in the metrics and report the commit (the
 * commit feed): what /v1/events and every other source (the sink) do once items are prepared.
 */
export async function storePrepared(
  o: Pick<IngestRouteOptions, 'store' | 'metrics' | 'onCommitted'>,
  source: string,
  prepared: PreparedEvent[],
): Promise<{ accepted: number; duplicates: number }> {
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
  let accepted = 0;
  let duplicates = 0;
  let maxSeq = -1;
  for (const r of results) {
    if (r.duplicate) duplicates++;
    else accepted++;
    if (r.seq > maxSeq) maxSeq = r.seq;
  }
  o.metrics.stored.inc({ source }, accepted);
  if (duplicates > 0) o.metrics.duplicates.inc({ source }, duplicates);
  if (maxSeq >= 0) o.onCommitted(maxSeq);
  return { accepted, duplicates };
}

export function registerIngestRoute(app: FastifyInstance, o: IngestRouteOptions): void {
  // The body is read by the handler itself (size cap before and after gzip), not by Fastify.
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    const admission: AdmissionOptions = { ...o, maxBodyBytes: o.limits.maxBodyBytes };
    scope.post('/v1/events', async (request, reply) => handle(request, reply, o, admission));
  });
}

function unsupportedMedia(request: FastifyRequest): string | undefined {
  const type = request.headers['content-type'];
  return bodyFormatOf(type)
    ? undefined
    : `Content-Type ${JSON.stringify(type ?? '')}: use application/json (array or object) or application/x-ndjson`;
}

async function handle(
  request: FastifyRequest,
  reply: FastifyReply,
  o: IngestRouteOptions,
  admission: AdmissionOptions,
): Promise<unknown> {
  return withAdmission(request, reply, admission, unsupportedMedia, async (admitted) => {
    const { source, body } = admitted;
    const format = bodyFormatOf(request.headers['content-type'])!;
    const slots = decodeItems(body, format, o.limits);
    admitted.reserveEvents(slots.length);
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
      const r = await storePrepared(o, source, prepared);
      answer.accepted += r.accepted;
      answer.duplicates += r.duplicates;
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
  });
}
