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
 * - google/protobuf/any.proto: Any; google/rpc/error_details.proto: ErrorInfo (the one detail
 *   of such a Status, carrying logwarden's error code)
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
import { OTLP_OVER_ATTRIBUTES } from './map.js';

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
            details: { type: 'Any', id: 3, rule: 'repeated' },
          },
        },
        Any: {
          fields: {
            typeUrl: { type: 'string', id: 1 },
            value: { type: 'bytes', id: 2 },
          },
        },
        ErrorInfo: {
          fields: {
            reason: { type: 'string', id: 1 },
            domain: { type: 'string', id: 2 },
            metadata: { keyType: 'string', type: 'string', id: 3 },
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
const ErrorInfo = root.lookupType('common.ErrorInfo');

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

/** A request over a limit, found on the wire before decoding (answered 413 by the route). */
export class OtlpLimitError extends Error {}

export interface OtlpWireLimits {
  /** Most LogRecords in one request (server.max_batch_items). */
  readonly maxRecords?: number;
  /** Most attributes of one LogRecord, Resource or InstrumentationScope (server.max_fields). */
  readonly maxAttributes?: number;
  /**
   * Called with the number of LogRecords once they are counted on the wire (and within
   * maxRecords), before anything is decoded: the server reserves its in-flight budget here.
   */
  readonly onCounted?: (records: number) => void;
}

interface WireScan {
  /** LogRecords counted; counting stops once above maxRecords, or at the first malformed byte. */
  records: number;
  /** Records over maxAttributes: position and content range in the body. */
  readonly overRecords: {
    ri: number;
    si: number;
    i: number;
    count: number;
    start: number;
    end: number;
  }[];
  /** A resource or scope over maxAttributes (the scan stops there). */
  overContainer?: { path: string; count: number };
}

/**
 * Walk an ExportLogsServiceRequest on the wire with protobufjs's Reader, building nothing: count
 * its LogRecords (ResourceLogs field 1 -> ScopeLogs field 2 -> LogRecord field 2) and the
 * attributes of each record (LogRecord field 6), resource (Resource field 1) and scope
 * (InstrumentationScope field 3). Other fields are skipped by their wire type. Stops at the first
 * malformed byte (the decoder then names the problem), once the count is above maxRecords, and at
 * a resource or scope over maxAttributes.
 */
function scanWire(body: Uint8Array, limits: OtlpWireLimits): WireScan {
  const maxRecords = limits.maxRecords ?? Infinity;
  const maxAttributes = limits.maxAttributes ?? Infinity;
  const scan: WireScan = { records: 0, overRecords: [] };
  const r = protobuf.Reader.create(body);
  let stop = false;
  /** Each field of [r.pos, end): `onLen(field, end)` for the length-delimited ones, at their start. */
  const fields = (end: number, onLen: (field: number, end: number) => void): void => {
    while (!stop && r.pos < end) {
      const tag = r.uint32();
      if (tag >>> 3 === 0) throw new Error('illegal tag: field number 0');
      if ((tag & 7) === 2) {
        const e = r.uint32() + r.pos;
        if (e > end) throw new RangeError('index out of range');
        onLen(tag >>> 3, e);
        r.pos = e;
      } else r.skipType(tag & 7);
      if (r.pos > end) throw new RangeError('index out of range');
    }
  };
  /** How many times `field` occurs in the message ending at `end`. */
  const occurrences = (field: number, end: number): number => {
    let n = 0;
    fields(end, (f) => {
      if (f === field) n++;
    });
    return n;
  };
  try {
    let ri = -1;
    fields(body.length, (f1, e1) => {
      if (f1 !== 1) return; // resource_logs
      ri++;
      let si = -1;
      let resourceAttributes = 0;
      fields(e1, (f2, e2) => {
        if (f2 === 1) {
          // resource (a repeated occurrence merges into one: counted together)
          resourceAttributes += occurrences(1, e2);
          if (resourceAttributes > maxAttributes) {
            scan.overContainer = {
              path: `resourceLogs[${ri}].resource`,
              count: resourceAttributes,
            };
            stop = true;
          }
          return;
        }
        if (f2 !== 2) return; // scope_logs
        si++;
        let i = -1;
        let scopeAttributes = 0;
        fields(e2, (f3, e3) => {
          if (f3 === 1) {
            scopeAttributes += occurrences(3, e3);
            if (scopeAttributes > maxAttributes) {
              scan.overContainer = {
                path: `resourceLogs[${ri}].scopeLogs[${si}].scope`,
                count: scopeAttributes,
              };
              stop = true;
            }
            return;
          }
          if (f3 !== 2) return; // log_records
          i++;
          if (++scan.records > maxRecords) {
            stop = true;
            return;
          }
          if (maxAttributes === Infinity) return;
          const start = r.pos;
          const count = occurrences(6, e3);
          if (count > maxAttributes) scan.overRecords.push({ ri, si, i, count, start, end: e3 });
        });
      });
    });
  } catch {
    // Malformed: what was read so far stands; decoding names the problem.
  }
  return scan;
}

/**
 * How many LogRecords an ExportLogsServiceRequest holds, read off the wire without decoding them.
 * Lets the receiver refuse a request over server.max_batch_items before building an object per
 * record: 10 MB of empty records would otherwise be five million objects. Stops counting at the
 * first malformed byte (the full decode then names the problem), and once the count is above
 * `stopAbove`.
 *
 * @example
 * if (countOtlpLogRecords(body, maxBatchItems) > maxBatchItems) throw tooMany();
 */
export function countOtlpLogRecords(body: Uint8Array, stopAbove = Infinity): number {
  return scanWire(body, { maxRecords: stopAbove }).records;
}

/** Overwrite `body[start, end)` by one unknown field (number 15) of the same length: skipped whole. */
function blank(body: Uint8Array, start: number, end: number): void {
  const size = end - start;
  // Tag, then the payload length as a varint of 1 byte, or padded to 5 (valid protobuf).
  const lenBytes = size - 2 <= 0x7f ? 1 : 5;
  const len = size - 1 - lenBytes;
  body[start] = (15 << 3) | 2;
  if (lenBytes === 1) body[start + 1] = len;
  else
    for (let k = 0; k < 5; k++)
      body[start + 1 + k] = ((len >>> (7 * k)) & 0x7f) | (k < 4 ? 0x80 : 0);
  body.fill(0, start + 1 + lenBytes, end);
}

/**
 * Decode an ExportLogsServiceRequest from protobuf into its OTLP/JSON shape. With `limits`, the
 * request is first walked on the wire (nothing built): more than `maxRecords` records, or a
 * resource or scope with more than `maxAttributes` attributes, is refused before decoding; a
 * record with more than `maxAttributes` attributes is not decoded (it is overwritten in `body` by
 * a skipped field of the same length) and comes out as an object carrying OTLP_OVER_ATTRIBUTES,
 * which mapOtlpLogs rejects by its position.
 *
 * @throws OtlpProtobufError naming what is wrong (truncated field, bad wire type, invalid UTF-8
 *   in a string, nesting deeper than 100 messages); OtlpLimitError over a limit.
 * @example
 * const req = decodeOtlpLogsProtobuf(body, { maxRecords: 10_000, maxAttributes: 256 }); mapOtlpLogs(req);
 */
export function decodeOtlpLogsProtobuf(
  body: Uint8Array,
  limits?: OtlpWireLimits,
): Record<string, unknown> {
  let over: WireScan['overRecords'] = [];
  if (limits !== undefined) {
    const scan = scanWire(body, limits);
    const maxRecords = limits.maxRecords ?? Infinity;
    if (scan.records > maxRecords)
      throw new OtlpLimitError(
        `request has more than ${maxRecords} log records, over server.max_batch_items (${maxRecords}); lower the exporter's batch size`,
      );
    limits.onCounted?.(scan.records);
    if (scan.overContainer)
      throw new OtlpLimitError(
        `${scan.overContainer.path} has ${scan.overContainer.count} attributes, over server.max_fields (${limits.maxAttributes})`,
      );
    over = scan.overRecords;
    for (const x of over) blank(body, x.start, x.end);
  }
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
  for (const x of over) {
    const rl = (obj.resourceLogs as Array<{ scopeLogs: Array<{ logRecords: object[] }> }>)[x.ri];
    const rec = rl?.scopeLogs[x.si]?.logRecords[x.i];
    if (rec) (rec as Record<symbol, number>)[OTLP_OVER_ATTRIBUTES] = x.count;
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

/** The type URL of a google.rpc.ErrorInfo packed in a google.protobuf.Any. */
export const ERROR_INFO_TYPE = 'type.googleapis.com/google.rpc.ErrorInfo';

/**
 * A google.rpc.Status: what OTLP/HTTP answers a failure (4xx/5xx) with, in the request's
 * encoding. `errorInfo` is its one detail when present (a google.rpc.ErrorInfo).
 */
export interface RpcStatus {
  /** The gRPC status code (google.rpc.Code). */
  readonly code: number;
  readonly message: string;
  readonly errorInfo?: {
    readonly reason: string;
    readonly domain: string;
    readonly metadata: Readonly<Record<string, string>>;
  };
}

/**
 * A google.rpc.Status in binary protobuf, its errorInfo packed in an Any.
 *
 * @example
 * encodeRpcStatus({ code: 3, message: 'LW_BODY_MALFORMED: not an OTLP ExportLogsServiceRequest: ...' });
 */
export function encodeRpcStatus(s: RpcStatus): Buffer {
  const details = s.errorInfo
    ? [
        {
          typeUrl: ERROR_INFO_TYPE,
          value: ErrorInfo.encode(ErrorInfo.fromObject(s.errorInfo)).finish(),
        },
      ]
    : [];
  return Buffer.from(
    Status.encode(Status.fromObject({ code: s.code, message: s.message, details })).finish(),
  );
}

/**
 * A google.rpc.Status in the proto3 JSON mapping (what a JSON request is answered with): an Any
 * is the `@type` URL beside the fields of the message it packs.
 *
 * @example
 * rpcStatusJson({ code: 8, message: 'LW_BACKPRESSURE: ...' }); // { code: 8, message: '...', details: [] }
 */
export function rpcStatusJson(s: RpcStatus): {
  code: number;
  message: string;
  details: Record<string, unknown>[];
} {
  return {
    code: s.code,
    message: s.message,
    details: s.errorInfo ? [{ '@type': ERROR_INFO_TYPE, ...s.errorInfo }] : [],
  };
}

/** Decode a google.rpc.Status (for tests and clients); an ErrorInfo detail is unpacked. */
export function decodeRpcStatus(body: Uint8Array): RpcStatus {
  const o = Status.toObject(Status.decode(body), { defaults: true }) as {
    code: number;
    message: string;
    details: { typeUrl: string; value: Uint8Array }[];
  };
  const info = o.details.find((d) => d.typeUrl === ERROR_INFO_TYPE);
  if (!info) return { code: o.code, message: o.message };
  const e = ErrorInfo.toObject(ErrorInfo.decode(info.value), { defaults: true }) as {
    reason: string;
    domain: string;
    metadata: Record<string, string>;
  };
  return {
    code: o.code,
    message: o.message,
    errorInfo: { reason: e.reason, domain: e.domain, metadata: { ...e.metadata } },
  };
}

/** Decode an ExportLogsServiceResponse (for tests and clients). */
export function decodeOtlpLogsResponse(body: Uint8Array): {
  partialSuccess?: { rejectedLogRecords: string; errorMessage: string };
} {
  return Response.toObject(Response.decode(body), { longs: String }) as {
    partialSuccess?: { rejectedLogRecords: string; errorMessage: string };
  };
}
