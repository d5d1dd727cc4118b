/**
 * OTLP/HTTP protobuf encoding (Content-Type application/x-protobuf), decoded with protobufjs from
 * the message definitions below, written out by hand from the OpenTelemetry protocol files
 * (opentelemetry-proto v1.x, no file fetched at build or run time):
 *
 * - opentelemetry/proto/collector/logs/v1/logs_service.proto: ExportLogsServiceRequest,
 *   ExportLogsServiceResponse, ExportLogsPartialSuccess
 * - opentelemetry/proto/logs/v1/logs.proto: ResourceLogs, ScopeLogs, LogRecord
 * - opentelemetry/proto/common/v1/common.proto: AnyValue, ArrayValue, KeyValueList, KeyValue,
 *   InstrumentationScope
 * - opentelemetry/proto/resource/v1/resource.proto: Resource
 * - google/rpc/status.proto: Status (the body of 4xx/5xx answers to protobuf requests)
 *
 * Only the fields logwarden reads are declared; the others (Resource.entity_refs, the schema
 * URLs, LogsData) are skipped as unknown fields, as protobuf decoders do. SeverityNumber is an
 * enum upstream and is declared int32 here: the same varint on the wire.
 *
 * The decoded request is turned into the OTLP/JSON shape (camelCase names, 64-bit integers as
 * decimal strings, trace/span ids as lowercase hex, bytes values as base64), so mapOtlpLogs
 * maps both encodings the same way.
 */
import protobuf from 'protobufjs/light.js';

const kv = { type: 'KeyValue', id: 0, rule: 'repeated' } as const;

/** protobufjs JSON descriptor; field numbers and types as in the upstream files named above. */
const DESCRIPTOR = {
  nested: {
    common: {
      edition: 'proto3',
      nested: {
        AnyValue: {
          oneofs: {
            value: {
              oneof: [
                'stringValue',
                'boolValue',
                'intValue',
                'doubleValue',
                'arrayValue',
                'kvlistValue',
                'bytesValue',
              ],
            },
          },
          fields: {
            stringValue: { type: 'string', id: 1 },
            boolValue: { type: 'bool', id: 2 },
            intValue: { type: 'int64', id: 3 },
            doubleValue: { type: 'double', id: 4 },
            arrayValue: { type: 'ArrayValue', id: 5 },
            kvlistValue: { type: 'KeyValueList', id: 6 },
            bytesValue: { type: 'bytes', id: 7 },
          },
        },
        ArrayValue: { fields: { values: { type: 'AnyValue', id: 1, rule: 'repeated' } } },
        KeyValueList: { fields: { values: { ...kv, id: 1 } } },
        KeyValue: {
          fields: { key: { type: 'string', id: 1 }, value: { type: 'AnyValue', id: 2 } },
        },
        InstrumentationScope: {
          fields: {
            name: { type: 'string', id: 1 },
            version: { type: 'string', id: 2 },
            attributes: { ...kv, id: 3 },
            droppedAttributesCount: { type: 'uint32', id: 4 },
          },
        },
        Resource: {
          fields: {
            attributes: { ...kv, id: 1 },
            droppedAttributesCount: { type: 'uint32', id: 2 },
          },
        },
        ResourceLogs: {
          fields: {
            resource: { type: 'Resource', id: 1 },
            scopeLogs: { type: 'ScopeLogs', id: 2, rule: 'repeated' },
          },
        },
        ScopeLogs: {
          fields: {
            scope: { type: 'InstrumentationScope', id: 1 },
            logRecords: { type: 'LogRecord', id: 2, rule: 'repeated' },
          },
        },
        LogRecord: {
          fields: {
            timeUnixNano: { type: 'fixed64', id: 1 },
            observedTimeUnixNano: { type: 'fixed64', id: 11 },
            severityNumber: { type: 'int32', id: 2 },
            severityText: { type: 'string', id: 3 },
            body: { type: 'AnyValue', id: 5 },
            attributes: { ...kv, id: 6 },
            droppedAttributesCount: { type: 'uint32', id: 7 },
            flags: { type: 'fixed32', id: 8 },
            traceId: { type: 'bytes', id: 9 },
            spanId: { type: 'bytes', id: 10 },
            eventName: { type: 'string', id: 12 },
          },
        },
        ExportLogsServiceRequest: {
          fields: { resourceLogs: { type: 'ResourceLogs', id: 1, rule: 'repeated' } },
        },
        ExportLogsServiceResponse: {
          fields: { partialSuccess: { type: 'ExportLogsPartialSuccess', id: 1 } },
        },
        ExportLogsPartialSuccess: {
          fields: {
            rejectedLogRecords: { type: 'int64', id: 1 },
            errorMessage: { type: 'string', id: 2 },
          },
        },
        Status: {
          fields: {
            code: { type: 'int32', id: 1 },
            message: { type: 'string', id: 2 },
          },
        },
      },
    },
  },
};

const root = protobuf.Root.fromJSON(DESCRIPTOR);
const Request = root.lookupType('common.ExportLogsServiceRequest');
const Response = root.lookupType('common.ExportLogsServiceResponse');
const Status = root.lookupType('common.Status');

/** The Content-Types of the OTLP protobuf encoding. */
export const OTLP_PROTOBUF_TYPES: ReadonlySet<string> = new Set([
  'application/x-protobuf',
  'application/protobuf',
]);

export class OtlpProtobufError extends Error {}

/** protobufjs's error in words a sender can act on, with its own text kept in parentheses. */
function explain(e: unknown, body: Uint8Array): string {
  const m = (e as Error)?.message || String(e);
  let what = m;
  if (/index out of range/.test(m))
    what = `a field's length runs past the end of its message or of the ${body.length}-byte body (${m})`;
  else if (/utf-8/i.test(m)) what = `a string field is not valid UTF-8 (${m})`;
  else if (/max depth/.test(m)) what = `messages are nested more than 100 deep (${m})`;
  const looksJson = body.length > 0 && (body[0] === 0x7b || body[0] === 0x5b);
  return looksJson
    ? `${what}; the body looks like JSON: send it with Content-Type application/json`
    : what;
}

function toHex(b64: unknown): string | undefined {
  return typeof b64 === 'string' ? Buffer.from(b64, 'base64').toString('hex') : undefined;
}

/**
 * How many LogRecords an ExportLogsServiceRequest holds, read off the wire without decoding them
 * (ResourceLogs field 1 -> ScopeLogs field 2 -> LogRecord field 2; other fields skipped by
 * length). Lets the receiver refuse a request over server.max_batch_items before building an
 * object per record: 10 MB of empty records would otherwise be five million objects. Stops
 * counting at the first malformed byte (the full decode then names the problem), and once the
 * count is above `stopAbove`.
 *
 * @example
 * if (countOtlpLogRecords(body, maxBatchItems) > maxBatchItems) throw tooMany();
 */
export function countOtlpLogRecords(body: Uint8Array, stopAbove = Infinity): number {
  let count = 0;
  let p = 0;
  const varint = (end: number): number | undefined => {
    let v = 0;
    for (let shift = 0; shift < 64; shift += 7) {
      if (p >= end) return undefined;
      const b = body[p++]!;
      v += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return v;
    }
    return undefined;
  };
  /** Walk the fields in [start, end); `inner(field, s, e)` for each length-delimited one. */
  const walk = (start: number, end: number, inner: (f: number, s: number, e: number) => void) => {
    p = start;
    while (p < end && count <= stopAbove) {
      const tag = varint(end);
      if (tag === undefined) return false;
      const wire = tag % 8;
      if (wire === 0) {
        if (varint(end) === undefined) return false;
      } else if (wire === 1) p += 8;
      else if (wire === 5) p += 4;
      else if (wire === 2) {
        const len = varint(end);
        if (len === undefined || p + len > end) return false;
        const s = p;
        inner(Math.floor(tag / 8), s, s + len);
        p = s + len;
      } else return false;
    }
    return true;
  };
  walk(0, body.length, (f, s, e) => {
    if (f !== 1) return; // resource_logs
    walk(s, e, (f2, s2, e2) => {
      if (f2 !== 2) return; // scope_logs
      walk(s2, e2, (f3) => {
        if (f3 === 2) count++; // log_records
      });
    });
  });
  return count;
}

/**
 * Decode an ExportLogsServiceRequest from protobuf into its OTLP/JSON shape.
 *
 * @throws OtlpProtobufError naming what is wrong (truncated field, bad wire type, invalid UTF-8
 *   in a string, nesting deeper than 100 messages), never anything else.
 * @example
 * const req = decodeOtlpLogsProtobuf(body); mapOtlpLogs(req);
 */
export function decodeOtlpLogsProtobuf(body: Uint8Array): Record<string, unknown> {
  let obj: Record<string, unknown>;
  try {
    const reader = protobuf.Reader.create(body);
    // Unknown fields are skipped, not kept on the decoded objects.
    (reader as unknown as { discardUnknown: boolean }).discardUnknown = true;
    const msg = Request.decode(reader);
    obj = Request.toObject(msg, { longs: String, bytes: String, enums: Number, arrays: false });
  } catch (e) {
    throw new OtlpProtobufError(`malformed protobuf: ${explain(e, body)}`);
  }
  const rls = obj.resourceLogs;
  if (Array.isArray(rls))
    for (const rl of rls as Array<{ scopeLogs?: Array<{ logRecords?: unknown[] }> }>)
      for (const sl of rl.scopeLogs ?? [])
        for (const rec of (sl.logRecords ?? []) as Array<Record<string, unknown>>) {
          if (rec.traceId !== undefined) rec.traceId = toHex(rec.traceId);
          if (rec.spanId !== undefined) rec.spanId = toHex(rec.spanId);
        }
  return obj;
}

/**
 * The protobuf ExportLogsServiceResponse: empty on full success, partial_success otherwise.
 *
 * @example
 * encodeOtlpLogsResponse({ rejectedLogRecords: 2, errorMessage: '2 log record(s) rejected: ...' });
 */
export function encodeOtlpLogsResponse(partial?: {
  rejectedLogRecords: number;
  errorMessage: string;
}): Buffer {
  const msg = Response.fromObject(partial ? { partialSuccess: partial } : {});
  return Buffer.from(Response.encode(msg).finish());
}

/**
 * A google.rpc.Status (code, message): what OTLP/HTTP answers a protobuf request with on 4xx/5xx.
 *
 * @example
 * encodeRpcStatus(3, 'LW_BODY_MALFORMED: not an OTLP ExportLogsServiceRequest: ...');
 */
export function encodeRpcStatus(code: number, message: string): Buffer {
  return Buffer.from(Status.encode(Status.fromObject({ code, message })).finish());
}

/** Decode a google.rpc.Status (for tests and clients). */
export function decodeRpcStatus(body: Uint8Array): { code: number; message: string } {
  const o = Status.toObject(Status.decode(body), { defaults: true }) as {
    code: number;
    message: string;
  };
  return { code: o.code, message: o.message };
}

/** Decode an ExportLogsServiceResponse (for tests and clients). */
export function decodeOtlpLogsResponse(body: Uint8Array): {
  partialSuccess?: { rejectedLogRecords: string; errorMessage: string };
} {
  return Response.toObject(Response.decode(body), { longs: String }) as {
    partialSuccess?: { rejectedLogRecords: string; errorMessage: string };
  };
}
