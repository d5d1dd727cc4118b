/**
 * POST /v1/logs: the OTLP/HTTP logs receiver (OTLP specification 1.x, "OTLP/HTTP"), JSON
 * encoding. Bearer token with ingest scope; gzip allowed; records mapped by mapOtlpLogs and
 * stored through the shared ingest sink; answered only after the durable commit.
 *
 * Answers (OTLP/HTTP "Full Success" / "Partial Success" / "Failures"):
 * - 200 `{}` when every record was stored (duplicates count as stored: retries are idempotent
 *   only when records carry stable ids, which OTLP does not give; a retried request is stored
 *   again, as with every OTLP receiver).
 * - 200 `{"partialSuccess":{"rejectedLogRecords":N,"errorMessage":"..."}}` when N records were
 *   rejected (the sender must not retry them).
 * - 400 when the body is not an ExportLogsServiceRequest (not JSON, not an object, resourceLogs
 *   not an array); 413 over server.max_body_bytes or server.max_batch_items; 415 for protobuf
 *   (`application/x-protobuf`: no protobuf library ships with logwarden) or any other type;
 *   503 while draining or when the store fails (retryable).
 */
import { isUtf8 } from 'node:buffer';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { LogwardenError } from '../../core/errors.js';
import { mapOtlpLogs } from '../../sources/otlp/map.js';
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

/** Decode the body to the request object; throws 400 for anything that is not one. */
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
    scope.post('/v1/logs', async (request, reply) => handle(request, reply, o));
  });
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
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    refuse(
      'unsupported_media',
      new LogwardenError(
        'LW_UNSUPPORTED_MEDIA',
        type === 'application/x-protobuf' || type === 'application/protobuf'
          ? 'OTLP protobuf encoding is not supported: send the JSON encoding with Content-Type application/json (OTel SDKs: OTEL_EXPORTER_OTLP_LOGS_PROTOCOL=http/json; Collector otlphttp exporter: encoding: json)'
          : `Content-Type ${JSON.stringify(request.headers['content-type'] ?? '')}: OTLP/HTTP logs must be sent as application/json`,
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
  const req = decodeRequest(body);
  const mapped = mapOtlpLogs(req.resourceLogs === undefined ? { resourceLogs: [] } : req);
  const badRecords = mapped.rejected.filter((r) => r.path.endsWith(']')).length;
  if (mapped.items.length + badRecords > o.maxBatchItems) {
    throw new LogwardenError(
      'LW_BODY_TOO_LARGE',
      `request has ${mapped.items.length + badRecords} log records, over server.max_batch_items (${o.maxBatchItems}); lower the exporter's batch size`,
    );
  }
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
  reply.type('application/json');
  if (rejected === 0 && reasons.length === 0) return reply.code(200).send({});
  const shown = reasons.slice(0, MAX_REASONS).join('; ');
  const more = reasons.length > MAX_REASONS ? ` (and ${reasons.length - MAX_REASONS} more)` : '';
  return reply.code(200).send({
    partialSuccess: {
      rejectedLogRecords: rejected,
      errorMessage: `${rejected} log record(s) rejected: ${shown}${more}`,
    },
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
