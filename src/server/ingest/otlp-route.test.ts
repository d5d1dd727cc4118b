/**
 * POST /v1/logs and POST /v1/events in one process (Fastify inject, no socket), over a store
 * whose commits can be held: admission under a full in-flight budget (both routes answer 429 +
 * Retry-After at once, in the request's encoding), and the partial-success answer for a request
 * of many bad records.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LogwardenError } from '../../core/errors.js';
import { prepareEvent } from '../../core/prepare.js';
import {
  decodeOtlpLogsResponse,
  decodeRpcStatus,
  encodeOtlpLogsResponse,
  ERROR_INFO_TYPE,
} from '../../sources/otlp/proto.js';
import type { AppendResult, EventStore, PreparedEvent } from '../../storage/types.js';
import { createServerMetrics } from '../metrics.js';
import { createInflightBudget } from './budget.js';
import { registerOtlpRoute } from './otlp-route.js';
import { registerIngestRoute, type PrepareResult } from './route.js';
import { createIngestSink } from './sink.js';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  for (const a of apps.splice(0)) await a.close();
});

/** A store whose appends wait while `hold()` is in effect; `stored` lists every committed id. */
function gatedStore() {
  const stored: string[] = [];
  let gate: Promise<void> | undefined;
  let open: (() => void) | undefined;
  let seq = 0;
  const store = {
    async append(events: readonly PreparedEvent[]): Promise<AppendResult[]> {
      if (gate) await gate;
      return events.map((e) => {
        const id = e.event.id;
        const duplicate = stored.includes(id);
        if (!duplicate) stored.push(id);
        return { id, seq: ++seq, duplicate };
      });
    },
  } as unknown as EventStore;
  return {
    store,
    stored,
    hold() {
      gate = new Promise((r) => (open = r));
    },
    release() {
      gate = undefined;
      open?.();
    },
  };
}

function setup(limits: { maxEvents?: number; maxBytes?: number; maxBatchItems?: number } = {}) {
  const s = gatedStore();
  const metrics = createServerMetrics({ defaultMetrics: false });
  const budget = createInflightBudget({
    maxBytes: limits.maxBytes ?? 16 << 20,
    maxEvents: limits.maxEvents ?? 15,
  });
  const prepare = (input: unknown, source: string, logSource = 'http'): PrepareResult =>
    prepareEvent(input, { source, logSource: logSource as 'http' }) as PrepareResult;
  const sink = createIngestSink({
    store: s.store,
    metrics,
    prepare,
    budget,
    onCommitted: () => {},
  });
  const app = Fastify();
  apps.push(app);
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof LogwardenError)
      return reply.code(error.httpStatus).send({ code: error.code, message: error.message });
    return reply.code(500).send({ code: 'LW_INTERNAL', message: String(error) });
  });
  const common = {
    budget,
    metrics,
    retryAfterSecs: 3,
    isDraining: () => false,
    authenticate: () => 'tok',
  };
  registerOtlpRoute(app, {
    ...common,
    sink,
    maxBodyBytes: 8 << 20,
    maxBatchItems: limits.maxBatchItems ?? 10_000,
    maxAttributes: 256,
  });
  registerIngestRoute(app, {
    ...common,
    store: s.store,
    prepare,
    limits: { maxBodyBytes: 8 << 20, maxItemBytes: 65536, maxBatchItems: 10_000 },
    onCommitted: () => {},
  });
  return { ...s, app, budget };
}

/** An OTLP/JSON request of `n` records whose bodies start with `marker`. */
function otlpJson(marker: string, n: number): string {
  const logRecords = Array.from({ length: n }, (_, i) => ({
    timeUnixNano: String(1764237600000000000n + BigInt(i)),
    body: { stringValue: `${marker} ${i}` },
  }));
  return JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords }] }] });
}

function varint(v: number): Buffer {
  const out: number[] = [];
  for (; v > 0x7f; v >>>= 7) out.push((v & 0x7f) | 0x80);
  return Buffer.from([...out, v]);
}

/** A length-delimited protobuf field (field numbers below 16). */
function pbLen(field: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([(field << 3) | 2]), varint(content.length), content]);
}

/** The same records as protobuf (hand-encoded: LogRecord body.string_value, time_unix_nano). */
function otlpProtobuf(marker: string, n: number): Buffer {
  const len = pbLen;
  const recs = Array.from({ length: n }, (_, i) => {
    const t = Buffer.alloc(9);
    t[0] = (1 << 3) | 1; // time_unix_nano, fixed64
    t.writeBigUInt64LE(1764237600000000000n + BigInt(i), 1);
    return len(2, Buffer.concat([t, len(5, len(1, Buffer.from(`${marker} ${i}`)))]));
  });
  return len(1, len(2, Buffer.concat(recs)));
}

const within = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([
    p,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms),
    ),
  ]);

describe('OTLP admission under a full in-flight budget', () => {
  it('answers 429 + Retry-After at once (JSON and protobuf), as /v1/events does, and loses nothing acknowledged', async () => {
    const t = setup({ maxEvents: 15 });
    const post = (url: string, type: string, payload: string | Buffer) =>
      t.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': type },
        payload,
      });
    t.hold();
    // A: 10 records admitted; its commit is held, so it keeps 10 of the 15 events reserved.
    const first = post('/v1/logs', 'application/json', otlpJson('first', 10));
    await vi.waitFor(() => expect(t.budget.events).toBe(10));

    const json = await within(
      post('/v1/logs', 'application/json', otlpJson('second', 10)),
      2000,
      'OTLP/JSON while saturated',
    );
    expect(json.statusCode).toBe(429);
    expect(json.headers['retry-after']).toBe('3');
    expect(json.headers['content-type']).toContain('application/json');
    expect(json.json()).toMatchObject({
      code: 8, // RESOURCE_EXHAUSTED
      message: expect.stringMatching(/^LW_BACKPRESSURE: server is saturated/),
      details: [{ '@type': ERROR_INFO_TYPE, reason: 'LW_BACKPRESSURE', domain: 'logwarden' }],
    });

    const pb = await within(
      post('/v1/logs', 'application/x-protobuf', otlpProtobuf('third', 10)),
      2000,
      'OTLP/protobuf while saturated',
    );
    expect(pb.statusCode).toBe(429);
    expect(pb.headers['retry-after']).toBe('3');
    expect(pb.headers['content-type']).toContain('application/x-protobuf');
    const status = decodeRpcStatus(pb.rawPayload);
    expect(status.code).toBe(8); // RESOURCE_EXHAUSTED
    expect(status.message).toMatch(/^LW_BACKPRESSURE: server is saturated/);
    expect(status.errorInfo?.reason).toBe('LW_BACKPRESSURE');

    const events = await within(
      post(
        '/v1/events',
        'application/x-ndjson',
        Array.from({ length: 10 }, (_, i) => JSON.stringify({ message: `ev ${i}` })).join('\n'),
      ),
      2000,
      '/v1/events while saturated',
    );
    expect(events.statusCode).toBe(429);
    expect(events.headers['retry-after']).toBe('3');
    expect(t.stored).toHaveLength(0);

    t.release();
    const a = await first;
    expect(a.statusCode).toBe(200);
    expect(a.json()).toEqual({});
    expect(t.stored).toHaveLength(10);
    expect(t.budget.events).toBe(0);
    expect(t.budget.bytes).toBe(0);
    // The refused senders retry and are stored.
    expect((await post('/v1/logs', 'application/json', otlpJson('second', 10))).statusCode).toBe(
      200,
    );
    const again = await post('/v1/logs', 'application/x-protobuf', otlpProtobuf('third', 10));
    expect(again.statusCode).toBe(200);
    expect(Buffer.compare(again.rawPayload, encodeOtlpLogsResponse())).toBe(0);
    expect(t.stored).toHaveLength(30);
  });

  it('refuses on bytes before reading the body when the request would not fit', async () => {
    const t = setup({ maxEvents: 1000, maxBytes: 1500 });
    t.hold();
    const body = otlpJson('bytes', 10); // about 1,000 bytes: two do not fit in 1,500
    expect(body.length).toBeGreaterThan(750);
    const first = t.app.inject({
      method: 'POST',
      url: '/v1/logs',
      headers: { 'content-type': 'application/json' },
      payload: body,
    });
    await vi.waitFor(() => expect(t.budget.bytes).toBeGreaterThan(0));
    const second = await within(
      t.app.inject({
        method: 'POST',
        url: '/v1/logs',
        headers: { 'content-type': 'application/json' },
        payload: otlpJson('bytes2', 10),
      }),
      2000,
      'second request',
    );
    expect(second.statusCode).toBe(429);
    expect(second.headers['retry-after']).toBe('3');
    t.release();
    expect((await first).statusCode).toBe(200);
    expect(t.stored).toHaveLength(10);
  });
});

describe('OTLP failures', () => {
  it('answers a JSON request with a JSON google.rpc.Status, and another Content-Type too', async () => {
    const t = setup();
    const post = (type: string, payload: string) =>
      t.app.inject({ method: 'POST', url: '/v1/logs', headers: { 'content-type': type }, payload });
    const bad = await post('application/json', '{"resourceLogs":{}}');
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('application/json');
    expect(bad.json()).toEqual({
      code: 3, // INVALID_ARGUMENT
      message:
        'LW_BODY_MALFORMED: not an OTLP ExportLogsServiceRequest: resourceLogs must be an array',
      details: [
        {
          '@type': ERROR_INFO_TYPE,
          reason: 'LW_BODY_MALFORMED',
          domain: 'logwarden',
          metadata: {},
        },
      ],
    });
    const other = await post('text/plain', otlpJson('text', 1));
    expect(other.statusCode).toBe(415);
    expect(other.headers['content-type']).toContain('application/json');
    expect(other.json()).toMatchObject({
      code: 2, // UNKNOWN
      message: expect.stringMatching(
        /^LW_UNSUPPORTED_MEDIA: .*application\/x-protobuf or application\/json/,
      ),
      details: [{ reason: 'LW_UNSUPPORTED_MEDIA' }],
    });
    expect(t.stored).toHaveLength(0);
  });
});

describe('OTLP partial success for many bad records', () => {
  it('names the first rejected records by their path and counts the rest (20,000 bad records)', async () => {
    const t = setup({ maxEvents: 100_000, maxBatchItems: 30_000 });
    // Two scopes; in each, every record but every 10th has an out-of-range client.port (rejected
    // when prepared), and two non-objects shift the positions of the items after them.
    const scope = (marker: string, n: number) => {
      const recs: unknown[] = [];
      for (let i = 0; i < n; i++) {
        const port = i % 10 === 0 ? 443 : 70000;
        recs.push({
          body: { stringValue: `${marker} ${i}` },
          attributes: [{ key: 'client.port', value: { intValue: port } }],
        });
      }
      recs.splice(3, 0, 'not a record');
      return { logRecords: recs };
    };
    const req = {
      resourceLogs: [
        { scopeLogs: [scope('a', 11_000)] },
        { scopeLogs: [{ logRecords: 'nope' }, scope('b', 11_000)] },
      ],
    };
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/logs',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(req),
    });
    expect(res.statusCode).toBe(200);
    const ps = (
      res.json() as { partialSuccess: { rejectedLogRecords: number; errorMessage: string } }
    ).partialSuccess;
    // 2 x 9,900 bad ports + 2 non-objects; the scope whose logRecords is not an array is named
    // but is not a record.
    expect(ps.rejectedLogRecords).toBe(19_802);
    const p = (ri: number, si: number, i: number) =>
      `resourceLogs[${ri}].scopeLogs[${si}].logRecords[${i}]`;
    const port = 'client.port: expected an integer in 0..65535, got 70000';
    expect(ps.errorMessage).toBe(
      `19802 log record(s) rejected: ${p(0, 0, 3)}: not an object; ` +
        `resourceLogs[1].scopeLogs[0].logRecords: missing or not an array; ` +
        `${p(1, 1, 3)}: not an object; ${p(0, 0, 1)}: ${port}; ${p(0, 0, 2)}: ${port}` +
        ` (and 19798 more)`,
    );
    expect(t.stored).toHaveLength(2 * 1100);
  });
});

describe('OTLP limits before decoding or mapping', () => {
  const post = (t: ReturnType<typeof setup>, type: string, payload: string | Buffer) =>
    t.app.inject({ method: 'POST', url: '/v1/logs', headers: { 'content-type': type }, payload });

  it('refuses 8 MB of empty protobuf records over max_batch_items (counted on the wire)', async () => {
    const t = setup({ maxBatchItems: 10_000 });
    const records = Buffer.alloc(4_000_000 * 2); // 4,000,000 empty LogRecords (field 2, length 0)
    for (let i = 0; i < records.length; i += 2) records[i] = 0x12;
    const body = pbLen(1, pbLen(2, records));
    const res = await post(t, 'application/x-protobuf', body);
    expect(res.statusCode).toBe(413);
    expect(decodeRpcStatus(res.rawPayload).message).toBe(
      "LW_BODY_TOO_LARGE: request has more than 10000 log records, over server.max_batch_items (10000); lower the exporter's batch size",
    );
    expect(t.stored).toHaveLength(0);
  });

  it('refuses OTLP/JSON over max_batch_items once parsed, before mapping', async () => {
    const t = setup({ maxBatchItems: 5 });
    const res = await post(t, 'application/json', otlpJson('many', 6));
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({
      code: 8, // RESOURCE_EXHAUSTED
      message: expect.stringContaining(
        'LW_BODY_TOO_LARGE: request has 6 log records, over server.max_batch_items (5)',
      ),
      details: [{ reason: 'LW_BODY_TOO_LARGE' }],
    });
  });

  it('rejects a record over max_fields attributes by its position, in both encodings', async () => {
    const t = setup();
    const attrs = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ key: `a${i}`, value: { intValue: i } }));
    const json = JSON.stringify({
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: [
                { body: { stringValue: 'fine' }, attributes: attrs(3) },
                { body: { stringValue: 'wide' }, attributes: attrs(257) },
              ],
            },
          ],
        },
      ],
    });
    const r = await post(t, 'application/json', json);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({
      partialSuccess: {
        rejectedLogRecords: 1,
        errorMessage:
          '1 log record(s) rejected: resourceLogs[0].scopeLogs[0].logRecords[1]: 257 attributes, over server.max_fields (256)',
      },
    });
    // The same as protobuf: a record of 300 empty KeyValues (field 6) after one with a body.
    const wide = Buffer.alloc(300 * 2);
    for (let i = 0; i < wide.length; i += 2) wide[i] = 0x32;
    const fine = pbLen(2, pbLen(5, pbLen(1, Buffer.from('fine 2'))));
    const pb = pbLen(1, pbLen(2, Buffer.concat([fine, pbLen(2, wide)])));
    const p = await post(t, 'application/x-protobuf', pb);
    expect(p.statusCode).toBe(200);
    expect(decodeOtlpLogsResponse(p.rawPayload).partialSuccess).toEqual({
      rejectedLogRecords: '1',
      errorMessage:
        '1 log record(s) rejected: resourceLogs[0].scopeLogs[0].logRecords[1]: 300 attributes, over server.max_fields (256)',
    });
    expect(t.stored).toHaveLength(2);
  });

  it('refuses a resource over max_fields attributes with 413 naming it', async () => {
    const t = setup();
    const attributes = Array.from({ length: 300 }, (_, i) => ({
      key: `r${i}`,
      value: { stringValue: 'x' },
    }));
    const res = await post(
      t,
      'application/json',
      JSON.stringify({ resourceLogs: [{ resource: { attributes }, scopeLogs: [] }] }),
    );
    expect(res.statusCode).toBe(413);
    expect(res.json().message).toBe(
      'LW_BODY_TOO_LARGE: resourceLogs[0].resource has 300 attributes, over server.max_fields (256)',
    );
  });
});
