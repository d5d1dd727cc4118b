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
 *   server.max_batch_items, or a resource or scope over server.max_fields attributes; 415 for any
 *   other Content-Type; 429 + Retry-After when the in-flight budget is full (admission shared
 *   with /v1/events: withAdmission); 503 while draining or when the store fails (retryable).
 *   These carry a google.rpc.Status as the OTLP specification asks, binary protobuf to a
 *   protobuf request and its JSON mapping to any other: `code` the gRPC code, `message`
 *   logwarden's error code and message, `details` one google.rpc.ErrorInfo (reason: the error
 *   code, domain "logwarden", metadata: the error's details), e.g.
 *   `{"code":3,"message":"LW_BODY_MALFORMED: not an OTLP ...","details":[{"@type":
 *   "type.googleapis.com/google.rpc.ErrorInfo","reason":"LW_BODY_MALFORMED",
 *   "domain":"logwarden","metadata":{}}]}`.
 */
import { isUtf8 } from 'node:buffer';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LogwardenError } from '../../core/errors.js';
import { mapOtlpLogs } from '../../sources/otlp/map.js';
import {
  decodeOtlpLogsProtobuf,
  encodeOtlpLogsResponse,
  encodeRpcStatus,
  OTLP_PROTOBUF_TYPES,
  OtlpLimitError,
  OtlpProtobufError,
  rpcStatusJson,
  type RpcStatus,
} from '../../sources/otlp/proto.js';
import { withAdmission, type AdmissionOptions } from './admission.js';
import { firstInvalidUtf8 } from './decode-items.js';
import { jsonErrorOffset } from './json-error-offset.js';
import type { IngestSink } from './sink.js';

export interface OtlpRouteOptions extends AdmissionOptions {
  readonly sink: IngestSink;
  readonly maxBatchItems: number;
  /**
   * Most attributes of one record, resource or scope (server.max_fields): checked on the wire
   * for protobuf, on the parsed arrays for JSON, before anything is mapped. A record over it is
   * rejected (partial success); a resource or scope over it refuses the request (413).
   */
  readonly maxAttributes: number;
}

/** At most this many rejection reasons are spelled out in errorMessage; the rest are counted. */
const MAX_REASONS = 5;

function malformed(message: string): LogwardenError {
  return new LogwardenError(
    'LW_BODY_MALFORMED',
    `not an OTLP ExportLogsServiceRequest: ${message}`,
  );
}

/**
 * Decode a protobuf body to the request object (OTLP/JSON shape), its records counted and its
 * attributes bounded on the wire first; throws 400 when malformed, 413 over a limit.
 */
function decodeProtobufRequest(
  body: Buffer,
  o: OtlpRouteOptions,
  onCounted: (records: number) => void,
): Record<string, unknown> {
  try {
    return decodeOtlpLogsProtobuf(body, {
      maxRecords: o.maxBatchItems,
      maxAttributes: o.maxAttributes,
      onCounted,
    });
  } catch (e) {
    if (e instanceof OtlpProtobufError) throw malformed(e.message);
    if (e instanceof OtlpLimitError) throw new LogwardenError('LW_BODY_TOO_LARGE', e.message);
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
    // Every failure is a google.rpc.Status in the request's encoding (OTLP/HTTP "Failures"):
    // binary protobuf to a protobuf request, its JSON mapping to any other (415 included). The
    // app's error handler has already counted and logged it, and written logwarden's error body.
    scope.addHook('onSend', async (request, reply, payload) => {
      if (reply.statusCode < 400 || typeof payload !== 'string') return payload;
      const status = rpcStatusOf(reply.statusCode, payload);
      if (OTLP_PROTOBUF_TYPES.has(mediaType(request))) {
        reply.type('application/x-protobuf');
        return encodeRpcStatus(status);
      }
      reply.type('application/json');
      return JSON.stringify(rpcStatusJson(status));
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

/**
 * The Status for logwarden's JSON error body `{code, message, details?}`: the gRPC code of the
 * HTTP status, the message prefixed with logwarden's code, and that code with the details (as
 * strings) in a google.rpc.ErrorInfo of domain "logwarden". Any other body is the message.
 */
function rpcStatusOf(http: number, payload: string): RpcStatus {
  let err: { code?: unknown; message?: unknown; details?: unknown } = {};
  try {
    const parsed: unknown = JSON.parse(payload);
    if (parsed !== null && typeof parsed === 'object') err = parsed as typeof err;
  } catch {
    // Not our JSON error body: the text is the message.
  }
  const code = grpcCode(http);
  if (typeof err.message !== 'string') return { code, message: payload };
  if (typeof err.code !== 'string') return { code, message: err.message };
  const metadata: Record<string, string> = {};
  if (err.details !== null && typeof err.details === 'object')
    for (const [k, v] of Object.entries(err.details))
      metadata[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return {
    code,
    message: `${err.code}: ${err.message}`,
    errorInfo: { reason: err.code, domain: 'logwarden', metadata },
  };
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

function unsupportedMedia(request: FastifyRequest): string | undefined {
  const type = mediaType(request);
  return type === 'application/json' || OTLP_PROTOBUF_TYPES.has(type)
    ? undefined
    : `Content-Type ${JSON.stringify(request.headers['content-type'] ?? '')}: OTLP/HTTP logs must be sent as application/x-protobuf or application/json`;
}

/**
 * Check a decoded request against max_batch_items (its log records counted) and maxAttributes
 * (resource and scope attributes), before a record is mapped: for JSON the first check, for
 * protobuf a second one behind the walk on the wire (in case the walk and the decoder ever
 * disagree on where a malformed body stops).
 */
function checkDecodedRequest(req: Record<string, unknown>, o: OtlpRouteOptions): number {
  let n = 0;
  const rls = req.resourceLogs;
  if (!Array.isArray(rls)) return 0;
  const attributes = (x: unknown): number => {
    const a = (x as { attributes?: unknown } | null | undefined)?.attributes;
    return Array.isArray(a) ? a.length : 0;
  };
  const overAttributes = (path: string, count: number): LogwardenError =>
    new LogwardenError(
      'LW_BODY_TOO_LARGE',
      `${path} has ${count} attributes, over server.max_fields (${o.maxAttributes})`,
    );
  rls.forEach((rl, ri) => {
    const resource = attributes((rl as { resource?: unknown } | null)?.resource);
    if (resource > o.maxAttributes) throw overAttributes(`resourceLogs[${ri}].resource`, resource);
    const sls = (rl as { scopeLogs?: unknown } | null)?.scopeLogs;
    if (!Array.isArray(sls)) return;
    sls.forEach((sl, si) => {
      const scope = attributes((sl as { scope?: unknown } | null)?.scope);
      if (scope > o.maxAttributes)
        throw overAttributes(`resourceLogs[${ri}].scopeLogs[${si}].scope`, scope);
      const recs = (sl as { logRecords?: unknown } | null)?.logRecords;
      if (Array.isArray(recs)) n += recs.length;
    });
  });
  if (n > o.maxBatchItems) throw tooManyRecords(n, o.maxBatchItems);
  return n;
}

async function handle(
  request: FastifyRequest,
  reply: FastifyReply,
  o: OtlpRouteOptions,
): Promise<unknown> {
  return withAdmission(request, reply, o, unsupportedMedia, async (admitted) => {
    const { source, body } = admitted;
    const protobuf = OTLP_PROTOBUF_TYPES.has(mediaType(request));
    // The records hold the in-flight budget until their commit, asked for as soon as they are
    // counted: 429 when it is full, before a record is decoded (protobuf) or mapped (JSON).
    let req: Record<string, unknown>;
    if (protobuf) {
      // Counted on the wire before anything is decoded (one walk, which also bounds the
      // attributes): a body of many tiny records is refused, the budget asked for the rest.
      req = decodeProtobufRequest(body, o, (n) => admitted.reserveEvents(n));
      checkDecodedRequest(req, o);
    } else {
      req = decodeRequest(body);
      admitted.reserveEvents(checkDecodedRequest(req, o));
    }
    const mapped = mapOtlpLogs(req.resourceLogs === undefined ? { resourceLogs: [] } : req, {
      idScope: source,
      maxAttributes: o.maxAttributes,
    });
    let badRecords = 0;
    for (const x of mapped.rejected) if (x.record) badRecords++;
    if (badRecords > 0) {
      o.metrics.received.inc({ source }, badRecords);
      o.metrics.rejected.inc({ source, reason: 'otlp_invalid' }, badRecords);
    }
    const r = await o.sink.ingestReserved(mapped.items, source, 'otlp');
    const rejected = badRecords + r.rejected;
    const answer = (partialSuccess?: { rejectedLogRecords: number; errorMessage: string }) =>
      protobuf
        ? reply
            .code(200)
            .type('application/x-protobuf')
            .send(encodeOtlpLogsResponse(partialSuccess))
        : reply
            .code(200)
            .type('application/json')
            .send(partialSuccess ? { partialSuccess } : {});
    const reasonCount = mapped.rejected.length + r.errors.length;
    if (rejected === 0 && reasonCount === 0) return answer();
    // Only the reasons shown are spelled out (paths included); the rest are counted.
    const shown: string[] = [];
    for (const x of mapped.rejected) {
      if (shown.length === MAX_REASONS) break;
      shown.push(`${x.path}: ${x.reason}`);
    }
    for (const e of r.errors) {
      if (shown.length === MAX_REASONS) break;
      shown.push(`${mapped.recordPath(e.index)}: ${e.field}: ${e.reason}`);
    }
    const more = reasonCount > MAX_REASONS ? ` (and ${reasonCount - MAX_REASONS} more)` : '';
    return answer({
      rejectedLogRecords: rejected,
      errorMessage: `${rejected} log record(s) rejected: ${shown.join('; ')}${more}`,
    });
  });
}
