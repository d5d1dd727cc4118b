import { describe, expect, it } from 'vitest';
import { mapOtlpLogs, OTLP_OVER_ATTRIBUTES } from './map.js';
import {
  countOtlpLogRecords,
  decodeOtlpLogsProtobuf,
  decodeOtlpLogsResponse,
  decodeRpcStatus,
  encodeOtlpLogsResponse,
  encodeRpcStatus,
  rpcStatusJson,
  OtlpLimitError,
  OtlpProtobufError,
} from './proto.js';

// A tiny protobuf writer, independent of protobufjs and of the descriptor under test: the field
// numbers and wire types below are copied from the upstream .proto files.
function varint(n: bigint): number[] {
  const out: number[] = [];
  do {
    let b = Number(n & 0x7fn);
    n >>= 7n;
    if (n > 0n) b |= 0x80;
    out.push(b);
  } while (n > 0n);
  return out;
}
const tag = (field: number, wire: number) => varint(BigInt((field << 3) | wire));
const len = (field: number, body: number[]) => [
  ...tag(field, 2),
  ...varint(BigInt(body.length)),
  ...body,
];
const str = (field: number, s: string) => len(field, [...Buffer.from(s, 'utf8')]);
const fixed64 = (field: number, n: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(n);
  return [...tag(field, 1), ...b];
};
const kvString = (k: string, v: string) => [...str(1, k), ...len(2, str(1, v))];
const kvInt = (k: string, v: bigint) => [...str(1, k), ...len(2, [...tag(3, 0), ...varint(v)])];

function request(): Buffer {
  const record = [
    ...fixed64(1, 1764237600123456789n), // time_unix_nano
    ...fixed64(11, 1764237600124000000n), // observed_time_unix_nano
    ...tag(2, 0),
    ...varint(13n), // severity_number WARN
    ...str(3, 'WARN'),
    ...len(5, str(1, 'login failed')), // body
    ...len(6, kvString('enduser.id', 'joebob1')),
    ...len(6, kvInt('http.response.status_code', 401n)),
    ...len(6, kvInt('big', 9007199254740993n)),
    ...len(9, [...Buffer.from('5b8efff798038103d269b633813fc60c', 'hex')]), // trace_id
    ...len(10, [...Buffer.from('eee19b7ec3c1b174', 'hex')]), // span_id
    ...str(12, 'authn_login_fail'),
    ...len(99, [1, 2, 3]), // an unknown field: skipped
  ];
  const scopeLogs = [...len(1, str(1, 'auth')), ...len(2, record)];
  const resource = [...len(1, kvString('service.name', 'checkout'))];
  const resourceLogs = [...len(1, resource), ...len(2, scopeLogs), ...str(3, 'https://x/1.26')];
  return Buffer.from(len(1, resourceLogs));
}

describe('OTLP protobuf decoding', () => {
  it('decodes an ExportLogsServiceRequest into the OTLP/JSON shape and maps as JSON does', () => {
    const req = decodeOtlpLogsProtobuf(request());
    type Req = { resourceLogs: Array<{ scopeLogs: Array<{ logRecords: unknown[] }> }> };
    const rec = (req as Req).resourceLogs[0]!.scopeLogs[0]!.logRecords[0];
    expect(rec).toMatchObject({
      timeUnixNano: '1764237600123456789',
      severityNumber: 13,
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: 'eee19b7ec3c1b174',
      eventName: 'authn_login_fail',
    });
    const { items, rejected } = mapOtlpLogs(req, { idScope: 't' });
    expect(rejected).toEqual([]);
    expect(items[0]).toMatchObject({
      'event.name': 'authn_login_fail',
      time: '2025-11-27T10:00:00.123Z',
      severity: 'WARN',
      message: 'login failed',
      'service.name': 'checkout',
      'user.id': 'joebob1',
      'http.response.status_code': 401,
      trace_id: '5b8efff798038103d269b633813fc60c',
      span_id: 'eee19b7ec3c1b174',
    });
    // int64 beyond 2^53 keeps its digits, as in the JSON path.
    expect((items[0]!.attributes as Record<string, unknown>).big).toBe('9007199254740993');
  });

  it('an empty body is a valid request with no records', () => {
    expect(mapOtlpLogs(decodeOtlpLogsProtobuf(Buffer.alloc(0))).items).toEqual([]);
  });

  it('refuses malformed protobuf with an error naming the problem', () => {
    const good = request();
    const cases: Array<[string, Buffer, RegExp]> = [
      [
        'truncated',
        good.subarray(0, good.length - 5),
        /malformed protobuf: a field's length runs past the end .*\(index out of range/,
      ],
      ['bad wire type', Buffer.from([0x0f]), /malformed protobuf: .*wire type 7/],
      [
        'invalid UTF-8',
        Buffer.from(len(1, len(1, len(1, [...tag(1, 2), 2, 0xff, 0xfe])))),
        /malformed protobuf: a string field is not valid UTF-8/,
      ],
      ['JSON sent as protobuf', Buffer.from('{"resourceLogs":[]}'), /looks like JSON/],
    ];
    for (const [name, body, re] of cases) {
      let err: unknown;
      try {
        decodeOtlpLogsProtobuf(body);
      } catch (e) {
        err = e;
      }
      expect(err, name).toBeInstanceOf(OtlpProtobufError);
      expect((err as Error).message, name).toMatch(re);
    }
  });

  it('refuses nesting deeper than the recursion limit instead of overflowing the stack', () => {
    // AnyValue.array_value -> ArrayValue.values -> AnyValue ... 300 levels (the limit is 100).
    let v: number[] = str(1, 'leaf');
    for (let i = 0; i < 300; i++) v = len(5, len(1, v));
    const kv = [...str(1, 'deep'), ...len(2, v)];
    const body = Buffer.from(len(1, len(2, len(2, len(6, kv)))));
    expect(() => decodeOtlpLogsProtobuf(body)).toThrow(
      /malformed protobuf: messages are nested more than 100 deep/,
    );
  });

  it('encodes the response: empty on full success, partial_success otherwise', () => {
    expect(encodeOtlpLogsResponse().length).toBe(0);
    const b = encodeOtlpLogsResponse({ rejectedLogRecords: 2, errorMessage: 'two bad' });
    // field 1 (partial_success), length-delimited, holding field 1 varint 2 and field 2 "two bad".
    expect([...b]).toEqual(len(1, [...tag(1, 0), 2, ...str(2, 'two bad')]));
    expect(decodeOtlpLogsResponse(b)).toEqual({
      partialSuccess: { rejectedLogRecords: '2', errorMessage: 'two bad' },
    });
    expect(decodeRpcStatus(Buffer.from([...tag(1, 0), 3, ...str(2, 'bad')]))).toEqual({
      code: 3,
      message: 'bad',
    });
  });

  it("encodes a Status with logwarden's code in an ErrorInfo detail, in protobuf and in JSON", () => {
    const status = {
      code: 8,
      message: 'LW_BODY_TOO_LARGE: too big',
      errorInfo: {
        reason: 'LW_BODY_TOO_LARGE',
        domain: 'logwarden',
        metadata: { limit: 'server.max_body_bytes' },
      },
    };
    const b = encodeRpcStatus(status);
    // Status: code, message, details (an Any: type_url, value = ErrorInfo: reason, domain,
    // metadata entry {key, value}).
    const errorInfo = [
      ...str(1, 'LW_BODY_TOO_LARGE'),
      ...str(2, 'logwarden'),
      ...len(3, [...str(1, 'limit'), ...str(2, 'server.max_body_bytes')]),
    ];
    const any = [...str(1, 'type.googleapis.com/google.rpc.ErrorInfo'), ...len(2, errorInfo)];
    expect([...b]).toEqual([...tag(1, 0), 8, ...str(2, status.message), ...len(3, any)]);
    expect(decodeRpcStatus(b)).toEqual(status);
    expect(rpcStatusJson(status)).toEqual({
      code: 8,
      message: 'LW_BODY_TOO_LARGE: too big',
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'LW_BODY_TOO_LARGE',
          domain: 'logwarden',
          metadata: { limit: 'server.max_body_bytes' },
        },
      ],
    });
    expect(rpcStatusJson({ code: 14, message: 'x' })).toEqual({
      code: 14,
      message: 'x',
      details: [],
    });
  });

  it('counts log records on the wire, stopping above a limit', () => {
    const rec = len(2, str(3, 'WARN')); // ScopeLogs.log_records
    const scope = (n: number) => len(2, [...len(1, str(1, 's')), ...Array(n).fill(rec).flat()]);
    const rl = (...scopes: number[][]) =>
      len(1, [...len(1, []), ...scopes.flat(), ...str(3, 'https://x')]);
    const body = Buffer.from([...rl(scope(3), scope(2)), ...rl(scope(4))]);
    expect(countOtlpLogRecords(body)).toBe(9);
    expect(decodeOtlpLogsProtobuf(body).resourceLogs).toHaveLength(2);
    expect(countOtlpLogRecords(body, 4)).toBe(5); // stopped as soon as it was above 4
    expect(countOtlpLogRecords(request())).toBe(1);
    // Malformed: counts what it could read; the decoder names the problem.
    expect(countOtlpLogRecords(body.subarray(0, 20))).toBeLessThan(9);
  });

  it('counts records with every wire type around them, and stops at a malformed byte', () => {
    const rec = len(2, [
      ...tag(2, 0),
      ...varint(300n),
      ...fixed64(1, 5n),
      ...tag(8, 5),
      1,
      2,
      3,
      4,
    ]);
    const body = Buffer.from(len(1, len(2, [...rec, ...rec, ...rec])));
    expect(countOtlpLogRecords(body)).toBe(3);
    expect(decodeOtlpLogsProtobuf(body).resourceLogs).toHaveLength(1);
    // Wire type 7 does not exist: counting stops there, and decoding names it.
    const bad = Buffer.from(len(1, len(2, [...rec, ...tag(3, 7), ...rec])));
    expect(countOtlpLogRecords(bad)).toBe(1);
    expect(() => decodeOtlpLogsProtobuf(bad)).toThrow(OtlpProtobufError);
  });
});

describe('OTLP protobuf limits checked on the wire', () => {
  /** A LogRecord with a body and `n` attributes (each the smallest: an empty KeyValue). */
  const recordWith = (body: string, n: number) =>
    len(2, [...len(5, str(1, body)), ...Array<number[]>(n).fill(len(6, [])).flat()]);
  const requestOf = (records: number[][], resourceAttrs = 1, scopeAttrs = 0) =>
    Buffer.from(
      len(1, [
        ...len(
          1,
          Array<number[]>(resourceAttrs)
            .fill(len(1, kvString('k', 'v')))
            .flat(),
        ),
        ...len(2, [
          ...len(1, [...str(1, 'auth'), ...Array<number[]>(scopeAttrs).fill(len(3, [])).flat()]),
          ...records.flat(),
        ]),
      ]),
    );

  it('does not decode a record over maxAttributes: mapOtlpLogs rejects it by position', () => {
    const body = requestOf([recordWith('a', 2), recordWith('b', 11), recordWith('c', 10)]);
    const req = decodeOtlpLogsProtobuf(body, { maxRecords: 10, maxAttributes: 10 });
    const recs = (req as { resourceLogs: { scopeLogs: { logRecords: unknown[] }[] }[] })
      .resourceLogs[0]!.scopeLogs[0]!.logRecords as Record<string, unknown>[];
    expect(recs).toHaveLength(3);
    expect(Object.keys(recs[1]!)).toEqual([]); // nothing of it decoded
    expect((recs[1] as Record<symbol, unknown>)[OTLP_OVER_ATTRIBUTES]).toBe(11);
    expect(recs[2]!.attributes).toHaveLength(10);
    const mapped = mapOtlpLogs(req, { maxAttributes: 10 });
    expect(mapped.items.map((i) => i.message)).toEqual(['a', 'c']);
    expect(mapped.rejected).toEqual([
      {
        path: 'resourceLogs[0].scopeLogs[0].logRecords[1]',
        reason: '11 attributes, over server.max_fields (10)',
        record: true,
      },
    ]);
  });

  it('skips a record of two million attributes without building them', () => {
    // Built as bytes: 2,000,000 empty KeyValues (field 6, length 0) after a body.
    const attrs = Buffer.alloc(4_000_000);
    for (let i = 0; i < attrs.length; i += 2) attrs[i] = 0x32;
    const content = Buffer.concat([Buffer.from(len(5, str(1, 'huge'))), attrs]);
    const huge = [...tag(2, 2), ...varint(BigInt(content.length))];
    const scope = Buffer.concat([
      Buffer.from([...len(1, str(1, 'auth')), ...recordWith('ok', 1), ...huge]),
      content,
    ]);
    const rl = Buffer.concat([Buffer.from([...tag(2, 2), ...varint(BigInt(scope.length))]), scope]);
    const body = Buffer.concat([Buffer.from([...tag(1, 2), ...varint(BigInt(rl.length))]), rl]);
    const req = decodeOtlpLogsProtobuf(body, { maxRecords: 10, maxAttributes: 256 });
    const mapped = mapOtlpLogs(req, { maxAttributes: 256 });
    expect(mapped.items.map((i) => i.message)).toEqual(['ok']);
    expect(mapped.rejected[0]?.reason).toBe('2000000 attributes, over server.max_fields (256)');
  });

  it('refuses a resource or scope over maxAttributes, and too many records, before decoding', () => {
    const limits = { maxRecords: 3, maxAttributes: 5 };
    expect(() => decodeOtlpLogsProtobuf(requestOf([recordWith('a', 1)], 6), limits)).toThrow(
      new OtlpLimitError('resourceLogs[0].resource has 6 attributes, over server.max_fields (5)'),
    );
    expect(() => decodeOtlpLogsProtobuf(requestOf([recordWith('a', 1)], 1, 6), limits)).toThrow(
      'resourceLogs[0].scopeLogs[0].scope has 6 attributes, over server.max_fields (5)',
    );
    const four = Array.from({ length: 4 }, () => recordWith('a', 1));
    expect(() => decodeOtlpLogsProtobuf(requestOf(four), limits)).toThrow(
      'request has more than 3 log records, over server.max_batch_items (3)',
    );
    expect(
      decodeOtlpLogsProtobuf(requestOf(four.slice(1), 5, 5), limits).resourceLogs,
    ).toHaveLength(1);
  });
});
