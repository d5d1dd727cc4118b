/**
 * Admission of one ingest request, shared by POST /v1/events and POST /v1/logs (OTLP), so both
 * answer the same way under pressure: authenticate; 503 while draining; 415 for a Content-Type
 * the route does not read; 413 (connection closed) over server.max_body_bytes, declared or read;
 * and the in-flight budget reserved up front, before a byte of the body is read: the request's
 * declared length (max_body_bytes when it is compressed or undeclared). When the budget is full
 * the answer is 429 + Retry-After at once (LW_BACKPRESSURE) — never a wait: a sender that is
 * told to retry holds no memory of the server's. The route then reserves its events with
 * `reserveEvents` once it knows how many there are (429 the same way), and everything reserved
 * is given back when its handler settles, after the commit that acknowledges the request.
 *
 * @example
 * return withAdmission(request, reply, o, mediaProblem, async ({ source, body, reserveEvents }) => {
 *   const items = decode(body);
 *   reserveEvents(items.length);
 *   ...
 * });
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { LogwardenError } from '../../core/errors.js';
import type { ServerMetrics } from '../metrics.js';
import type { InflightBudget } from './budget.js';
import { readBody } from './read-body.js';

export interface AdmissionOptions {
  readonly budget: InflightBudget;
  readonly metrics: ServerMetrics;
  readonly maxBodyBytes: number;
  /** Retry-After (seconds) sent with a 429. */
  readonly retryAfterSecs: number;
  /** True once draining started: new ingest requests get 503. */
  readonly isDraining: () => boolean;
  /** Resolves to the authenticated source name (throws 401/403 otherwise). */
  readonly authenticate: (request: FastifyRequest, reply: FastifyReply) => string;
}

export interface Admitted {
  /** The authenticated token's name. */
  readonly source: string;
  /** The whole body, decompressed, at most server.max_body_bytes. */
  readonly body: Buffer;
  /**
   * Reserve `n` events of the in-flight budget for this request, released with the bytes.
   * @throws LW_BACKPRESSURE (429 + Retry-After) when they do not fit.
   */
  reserveEvents(n: number): void;
}

function backpressure(budget: InflightBudget, retryAfterSecs: number): LogwardenError {
  return new LogwardenError(
    'LW_BACKPRESSURE',
    `server is saturated (${budget.events} events awaiting commit); retry after ${retryAfterSecs}s`,
  );
}

/**
 * Admit the request, read its body and run `handler`; the budget reserved for the request is
 * released when the handler settles (or when admission fails part-way).
 *
 * @param unsupportedMedia the route's Content-Type check: an error message for a type it does
 *   not read (answered 415), undefined when it reads it.
 */
export async function withAdmission<T>(
  request: FastifyRequest,
  reply: FastifyReply,
  o: AdmissionOptions,
  unsupportedMedia: (request: FastifyRequest) => string | undefined,
  handler: (admitted: Admitted) => Promise<T>,
): Promise<T> {
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
  const media = unsupportedMedia(request);
  if (media !== undefined)
    refuse('unsupported_media', new LogwardenError('LW_UNSUPPORTED_MEDIA', media));
  const declared = Number(request.headers['content-length'] ?? NaN);
  if (declared > o.maxBodyBytes) {
    reply.header('connection', 'close');
    refuse(
      'body_too_large',
      new LogwardenError(
        'LW_BODY_TOO_LARGE',
        `request body is ${declared} bytes, over server.max_body_bytes (${o.maxBodyBytes})`,
        { details: { limit: 'server.max_body_bytes', value: o.maxBodyBytes } },
      ),
    );
  }
  // Reserve the worst case for this request before reading a byte of it.
  const reservedBytes =
    Number.isFinite(declared) && request.headers['content-encoding'] === undefined
      ? declared
      : o.maxBodyBytes;
  if (!o.budget.tryReserve(reservedBytes, 0)) {
    reply.header('retry-after', String(o.retryAfterSecs));
    refuse('backpressure', backpressure(o.budget, o.retryAfterSecs));
  }
  o.metrics.inflightBytes.set(o.budget.bytes);
  let reservedEvents = 0;
  try {
    let body: Buffer;
    try {
      body = await readBody(stream, {
        maxBytes: o.maxBodyBytes,
        encoding: request.headers['content-encoding'],
      });
    } catch (e) {
      if (e instanceof LogwardenError && e.code === 'LW_BODY_TOO_LARGE')
        reply.header('connection', 'close');
      throw e;
    }
    return await handler({
      source,
      body,
      reserveEvents(n) {
        if (n === 0) return;
        if (!o.budget.tryReserve(0, n)) {
          reply.header('retry-after', String(o.retryAfterSecs));
          o.metrics.refusedRequests.inc({ reason: 'backpressure' });
          throw backpressure(o.budget, o.retryAfterSecs);
        }
        reservedEvents += n;
        o.metrics.inflightEvents.set(o.budget.events);
      },
    });
  } finally {
    o.budget.release(reservedBytes, reservedEvents);
    o.metrics.inflightEvents.set(o.budget.events);
    o.metrics.inflightBytes.set(o.budget.bytes);
  }
}
