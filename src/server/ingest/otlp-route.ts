/**
 * POST /v1/logs: the OTLP/HTTP logs receiver (OTLP specification 1.x, "OTLP/HTTP"), JSON and
 * binary protobuf encodings. Bearer token with ingest scope; gzip allowed; records mapped by
 * mapOtlpLogs and stored through the shared ingest sink; answered only after the durable commit.
 *
 * Answers (OTLP/HTTP "Full Success" / "Partial Success" / "Failures"), in the request's encoding
 * (`application/json`, or `application/x-protobuf` with an ExportLogsServiceResponse):
 * - 200 `{}` (an empty ExportLogsServiceResponse) when every record was stored. Duplicates count
 *   as stored: each record's id is derived from its content (mapOtlpLogs), so a sender's retry of
 *   an export that was already committed is answered the same and stores nothing.
 * - 200 `{"partialSuccess":{"rejectedLogRecords":N,"errorMessage":"..."}}` when N records were
 *   rejected (the sender must not retry them).
 * - 400 when the body is not an ExportLogsServiceRequest (not JSON or malformed protobuf, not an
 *   object, resourceLogs not an array); 413 over server.max_body_bytes or
 *   server.max_batch_items; 415 for any other Content-Type; 503 while draining or when the store
 *   fails (retryable). To a protobuf request these carry a protobuf google.rpc.Status (code and
 *   message) as the OTLP specification asks; to any other request logwarden's JSON error body.
 */
import { isUtf8 } from 'node:buffer';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { LogwardenError } from '../../core/errors.js';
import { mapOtlpLogs } from '../../sources/otlp/map.js';
import {
  countOtlpLogRecords,
  decodeOtlpLogsProtobuf,
  encodeOtlpLogsResponse,
  encodeRpcStatus,
  OTLP_PROTOBUF_TYPES,
  OtlpProtobufError,
} from '../../sources/otlp/proto.js';
import type { EventSink } from '../../sources/types.js';
import type { ServerMetrics } from '../metrics.js';
import { firstInvalidUtf8 } from './decode-items.js';
import { jsonErrorOffset } from './json-error-offset.js';
import { readBody } from './read-body.js';

export interface OtlpRouteOptions {
  readonly sink: EventSink;
  readonly metrics: ServerMetrics;
  readonly maxBodyBytes: number;
  readonly maxBatchItems: number;
  readonly isDraining: () => boolean;
  /** Resolves to the authenticated token's name (throws 401/403 otherwise). */
  readonly authenticate: (request: FastifyRequest, reply: FastifyReply) => string;
}

/** At most this many rejection reasons are spelled out in errorMessage; the rest are counted. */
const MAX_REASONS = 5;

function malformed(message: string): LogwardenError {
  return new LogwardenError(
    'LW_BODY_MALFORMED',
    `not an OTLP ExportLogsServiceRequest: ${message}`,
  );
}

/** Decode a protobuf body to the request object (OTLP/JSON shape); throws 400 when malformed. */
function decodeProtobufRequest(body: Buffer): Record<string, unknown> {
  try {
    return decodeOtlpLogsProtobuf(body);
  } catch (e) {
    if (e instanceof OtlpProtobufError) throw malformed(e.message);
    throw e;
  }
}

/** Decode a JSON body to the request object; throws 400 for anything that is not one. */
function decodeRequest(body: Buffer): Record<string, unknown> {
  if (!isUtf8(body))
    throw malformed(`body is not valid UTF-8 (first bad byte at offset ${firstInvalidUtf8(body)})`);
  const text = body.toString('utf8');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const at = Buffer.byteLength(text.slice(0, jsonErrorOffset(text)), 'utf8');
    throw malformed(`malformed JSON at byte ${at}: ${(e as Error).message}`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
    throw malformed(
      `expected a JSON object, got ${Array.isArray(doc) ? 'an array' : String(doc === null ? 'null' : typeof doc)}`,
    );
  const rl = (doc as { resourceLogs?: unknown }).resourceLogs;
  if (rl !== undefined && !Array.isArray(rl)) throw malformed('resourceLogs must be an array');
  return doc as Record<string, unknown>;
}

export function registerOtlpRoute(app: FastifyInstance, o: OtlpRouteOptions): void {
  app.register(async (scope) => {
    // The handler reads the body itself (size cap before and after gzip), as /v1/events does.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    // A failure answered to a protobuf request is a protobuf google.rpc.Status (OTLP/HTTP
    // "Failures"); the app's error handler has already counted and logged it.
    scope.addHook('onSend', async (request, reply, payload) => {
      if (reply.statusCode < 400 || !OTLP_PROTOBUF_TYPES.has(mediaType(request))) return payload;
      if (typeof payload !== 'string') return payload;
      let err: { code?: unknown; message?: unknown } = {};
      try {
        err = JSON.parse(payload) as typeof err;
      } catch {
        // Not our JSON error body: pass the text on as the message.
      }
      const message =
        typeof err.message === 'string'
          ? `${typeof err.code === 'string' ? `${err.code}: ` : ''}${err.message}`
          : payload;
      reply.type('application/x-protobuf');
      return encodeRpcStatus(grpcCode(reply.statusCode), message);
    });
    scope.post('/v1/logs', async (request, reply) => handle(request, reply, o));
  });
}

function tooManyRecords(n: number | string, max: number): LogwardenError {
  return new LogwardenError(
    'LW_BODY_TOO_LARGE',
    `request has ${n} log records, over server.max_batch_items (${max}); lower the exporter's batch size`,
  );
}

function mediaType(request: FastifyRequest): string {
  return (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** The gRPC status code for an HTTP status (OTLP specification's mapping, google.rpc.Code). */
function grpcCode(http: number): number {
  if (http === 400) return 3; // INVALID_ARGUMENT
  if (http === 401) return 16; // UNAUTHENTICATED
  if (http === 403) return 7; // PERMISSION_DENIED
  if (http === 404) return 5; // NOT_FOUND
  if (http === 413 || http === 429) return 8; // RESOURCE_EXHAUSTED
  if (http === 503) return 14; // UNAVAILABLE
  if (http >= 500) return 13; // INTERNAL
  return 2; // UNKNOWN
}

async function handle(
  request: FastifyRequest,
  reply: FastifyReply,
  o: OtlpRouteOptions,
): Promise<unknown> {
  const stream = (request.body as Readable | undefined) ?? request.raw;
  const refuse = (reason: string, error: LogwardenError): never => {
    o.metrics.refusedRequests.inc({ reason });
    stream.resume();
    throw error;
  };
  const source = o.authenticate(request, reply);
  if (o.isDraining())
    refuse(
      'draining',
      new LogwardenError('LW_UNAVAILABLE', 'server is shutting down; retry later'),
    );
  const type = mediaType(request);
  const protobuf = OTLP_PROTOBUF_TYPES.has(type);
  if (type !== 'application/json' && !protobuf) {
    refuse(
      'unsupported_media',
      new LogwardenError(
        'LW_UNSUPPORTED_MEDIA',
        `Content-Type ${JSON.stringify(request.headers['content-type'] ?? '')}: OTLP/HTTP logs must be sent as application/x-protobuf or application/json`,
      ),
    );
  }
  const declared = Number(request.headers['content-length'] ?? NaN);
  if (declared > o.maxBodyBytes) {
    reply.header('connection', 'close');
    refuse(
      'body_too_large',
      new LogwardenError(
        'LW_BODY_TOO_LARGE',
        `request body is ${declared} bytes, over server.max_body_bytes (${o.maxBodyBytes})`,
      ),
    );
  }
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
  if (protobuf) {
    // Counted on the wire first: a body of many tiny records is refused before it is decoded.
    if (countOtlpLogRecords(body, o.maxBatchItems) > o.maxBatchItems)
      throw tooManyRecords(`more than ${o.maxBatchItems}`, o.maxBatchItems);
  }
  const req = protobuf ? decodeProtobufRequest(body) : decodeRequest(body);
  const mapped = mapOtlpLogs(req.resourceLogs === undefined ? { resourceLogs: [] } : req, {
    idScope: source,
  });
  const badRecords = mapped.rejected.filter((r) => r.path.endsWith(']')).length;
  if (mapped.items.length + badRecords > o.maxBatchItems)
    throw tooManyRecords(mapped.items.length + badRecords, o.maxBatchItems);
  if (badRecords > 0) {
    o.metrics.received.inc({ source }, badRecords);
    o.metrics.rejected.inc({ source, reason: 'otlp_invalid' }, badRecords);
  }
  const r = await o.sink.ingest(mapped.items, source, 'otlp');
  const reasons = [
    ...mapped.rejected.map((x) => `${x.path}: ${x.reason}`),
    ...r.errors.map((e) => `${recordPath(req, e.index)}: ${e.field}: ${e.reason}`),
  ];
  const rejected = badRecords + r.rejected;
  const answer = (partialSuccess?: { rejectedLogRecords: number; errorMessage: string }) =>
    protobuf
      ? reply.code(200).type('application/x-protobuf').send(encodeOtlpLogsResponse(partialSuccess))
      : reply
          .code(200)
          .type('application/json')
          .send(partialSuccess ? { partialSuccess } : {});
  if (rejected === 0 && reasons.length === 0) return answer();
  const shown = reasons.slice(0, MAX_REASONS).join('; ');
  const more = reasons.length > MAX_REASONS ? ` (and ${reasons.length - MAX_REASONS} more)` : '';
  return answer({
    rejectedLogRecords: rejected,
    errorMessage: `${rejected} log record(s) rejected: ${shown}${more}`,
  });
}

/** The path in the request of the index-th mapped record (mapping keeps request order). */
function recordPath(req: Record<string, unknown>, index: number): string {
  let n = 0;
  const rls = Array.isArray(req.resourceLogs) ? (req.resourceLogs as unknown[]) : [];
  for (let ri = 0; ri < rls.length; ri++) {
    const sls = (rls[ri] as { scopeLogs?: unknown } | null)?.scopeLogs;
    if (!Array.isArray(sls)) continue;
    for (let si = 0; si < sls.length; si++) {
      const recs = (sls[si] as { logRecords?: unknown } | null)?.logRecords;
      if (!Array.isArray(recs)) continue;
      for (let i = 0; i < recs.length; i++) {
        const rec = recs[i] as unknown;
        if (!rec || typeof rec !== 'object') continue; // rejected by the mapping, not an item
        if (n === index) return `resourceLogs[${ri}].scopeLogs[${si}].logRecords[${i}]`;
        n++;
      }
    }
  }
  return `record ${index}`;
}
