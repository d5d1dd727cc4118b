/**
 * OTLP/HTTP protobuf into a real `logwarden serve`, sent by the OpenTelemetry JS SDK itself:
 * @opentelemetry/sdk-logs records exported by @opentelemetry/exporter-logs-otlp-proto (its own
 * protobuf encoder, not logwarden's), plain and gzip. Also: a retried export is stored once and
 * answered as success both times; malformed protobuf gets 400 with a google.rpc.Status naming
 * the problem while a valid request beside it is stored; a wrong token gets 401.
 */
import { ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
  type ReadableLogRecord,
} from '@opentelemetry/sdk-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRpcStatus } from '../../src/sources/otlp/proto.js';
import {
  cleanupTemps,
  createToken,
  killAllServes,
  startServe,
  tempDir,
  type ServeProcess,
} from './helpers.js';
import { metric, metricsText, storedEvents, writeConfig } from './sources-helpers.js';

let dir: string;
let srv: ServeProcess;
let token: string;
let readToken: string;

beforeAll(async () => {
  dir = tempDir('lw-otlp-pb-');
  const config = writeConfig(dir, { detection: { enabled: false } });
  token = await createToken(dir, 'checkout', 'ingest');
  readToken = await createToken(dir, 'reader', 'read');
  srv = await startServe({ dataDir: dir, args: ['--config', config] });
}, 60_000);

afterAll(async () => {
  await srv?.stop();
  killAllServes();
  cleanupTemps();
});

const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const SPAN_ID = 'eee19b7ec3c1b174';

function exporter(opts: { token?: string; gzip?: boolean } = {}): OTLPLogExporter {
  return new OTLPLogExporter({
    url: `${srv.url}/v1/logs`,
    headers: { Authorization: `Bearer ${opts.token ?? token}` },
    // The exporter's CompressionAlgorithm enum values are these strings.
    compression: (opts.gzip ? 'gzip' : 'none') as never,
    timeoutMillis: 10_000,
  });
}

/** Emit records through a real LoggerProvider and collect them as the SDK hands them to exporters. */
async function sdkRecords(marker: string, n = 1): Promise<ReadableLogRecord[]> {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({
      'service.name': 'checkout',
      'service.version': '1.4.2',
      'host.name': 'shop-1',
      'k8s.pod.name': 'checkout-7d9f',
    }),
    processors: [new SimpleLogRecordProcessor({ exporter: memory })],
  });
  const logger = provider.getLogger('auth', '2.0.0');
  const context = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: TRACE_ID,
    spanId: SPAN_ID,
    traceFlags: TraceFlags.SAMPLED,
  });
  for (let i = 0; i < n; i++)
    logger.emit({
      severityNumber: SeverityNumber.WARN,
      severityText: 'WARN',
      body: `login failed ${marker} #${i}`,
      eventName: 'authn_login_fail',
      context,
      attributes: {
        'enduser.id': 'joebob1',
        'client.address': '203.0.113.9',
        'http.request.method': 'POST',
        'url.path': '/login',
        'http.response.status_code': 401,
        attempt: 3,
        ratio: 0.5,
        tags: ['a', 'b'],
      },
    });
  await provider.forceFlush();
  const records = memory.getFinishedLogRecords();
  await provider.shutdown();
  return records;
}

/** One export call as the SDK's processors make it: resolves to the exporter's result. */
function exportOnce(
  ex: OTLPLogExporter,
  records: ReadableLogRecord[],
): Promise<{ code: number; error?: Error }> {
  return new Promise((resolve) => ex.export(records, resolve));
}

async function storedWith(marker: string) {
  return (await storedEvents(dir)).filter((e) => String(e.event.message ?? '').includes(marker));
}

describe('OTLP/HTTP protobuf from the OpenTelemetry JS SDK exporter', () => {
  it('stores the records with attributes, severity, trace/span ids and resource mapped as JSON maps them', async () => {
    const ex = exporter();
    const r = await exportOnce(ex, await sdkRecords('m-pb'));
    expect(r.error).toBeUndefined();
    expect(r.code).toBe(0); // ExportResultCode.SUCCESS
    await ex.shutdown();
    // Answered after the commit: stored now, without waiting.
    const [ev] = await storedWith('m-pb');
    expect(ev!.source).toBe('checkout');
    expect(ev!.event).toMatchObject({
      'event.name': 'authn_login_fail',
      'event.outcome': 'failure',
      severity: 'WARN',
      message: 'login failed m-pb #0',
      'service.name': 'checkout',
      'service.version': '1.4.2',
      'host.name': 'shop-1',
      'user.id': 'joebob1',
      'client.address': '203.0.113.9',
      'http.request.method': 'POST',
      'url.path': '/login',
      'http.response.status_code': 401,
      trace_id: TRACE_ID,
      span_id: SPAN_ID,
      'log.source': 'otlp',
      'log.format': 'otlp',
    });
    expect(ev!.event.attributes).toMatchObject({
      attempt: 3,
      ratio: 0.5,
      tags: ['a', 'b'],
      'resource.k8s.pod.name': 'checkout-7d9f',
      'otel.scope.name': 'auth',
    });
    // The record's own time, to the millisecond the SDK took it.
    expect(Date.parse(String(ev!.event.time))).toBeGreaterThan(Date.now() - 60_000);
  });

  it('stores a gzip-compressed export of many records', async () => {
    const ex = exporter({ gzip: true });
    const r = await exportOnce(ex, await sdkRecords('m-pbgz', 50));
    await ex.shutdown();
    expect(r).toEqual({ code: 0 });
    expect(await storedWith('m-pbgz')).toHaveLength(50);
  });

  it('stores a retried export once and answers success both times', async () => {
    const records = await sdkRecords('m-retry', 3);
    const before = await metricsText(srv.url, readToken);
    const dupBefore = metric(before, 'logwarden_events_duplicates_total', { source: 'checkout' });
    const ex = exporter();
    expect(await exportOnce(ex, records)).toEqual({ code: 0 });
    // The sender did not see the answer (timeout, lost connection) and sends the same export.
    expect(await exportOnce(ex, records)).toEqual({ code: 0 });
    await ex.shutdown();
    const stored = await storedWith('m-retry');
    expect(stored).toHaveLength(3);
    expect(new Set(stored.map((e) => e.id)).size).toBe(3);
    const after = await metricsText(srv.url, readToken);
    expect(
      metric(after, 'logwarden_events_duplicates_total', { source: 'checkout' }) - dupBefore,
    ).toBe(3);
    // A genuinely new record (later time, same body) is stored.
    const again = await sdkRecords('m-retry', 1);
    const ex2 = exporter();
    expect(await exportOnce(ex2, again)).toEqual({ code: 0 });
    await ex2.shutdown();
    expect(await storedWith('m-retry')).toHaveLength(4);
  });

  it('answers malformed protobuf with 400 and a Status naming the problem; a valid export beside it is stored', async () => {
    const valid = await sdkRecords('m-neighbour', 2);
    const ex = exporter();
    const send = (body: Buffer) =>
      fetch(`${srv.url}/v1/logs`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${token}` },
        body,
      });
    // Field 1 (resource_logs) says 100 bytes follow; 3 do.
    const truncated = Buffer.from([0x0a, 0x64, 0x0a, 0x01, 0x00]);
    const [bad, json, ok] = await Promise.all([
      send(truncated),
      send(Buffer.from('{"resourceLogs":[]}')),
      exportOnce(ex, valid),
    ]);
    await ex.shutdown();
    for (const [res, re] of [
      [
        bad,
        /^LW_BODY_MALFORMED: not an OTLP ExportLogsServiceRequest: malformed protobuf: a field's length runs past the end of its message or of the 5-byte body \(index out of range/,
      ],
      [json, /malformed protobuf: .*looks like JSON: send it with Content-Type application\/json/],
    ] as const) {
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/x-protobuf');
      const status = decodeRpcStatus(new Uint8Array(await res.arrayBuffer()));
      expect(status.code).toBe(3); // INVALID_ARGUMENT
      expect(status.message).toMatch(re);
    }
    expect(ok).toEqual({ code: 0 });
    expect(await storedWith('m-neighbour')).toHaveLength(2);
  });

  it('refuses more records than server.max_batch_items with 413, counted before decoding', async () => {
    // 10,001 empty LogRecords (2 bytes each) in one ScopeLogs: the default limit is 10,000.
    const records = Buffer.alloc(10_001 * 2);
    for (let i = 0; i < records.length; i += 2) records[i] = 0x12;
    const varint = (n: number) => {
      const out: number[] = [];
      for (; n > 0x7f; n >>>= 7) out.push((n & 0x7f) | 0x80);
      return [...out, n];
    };
    const scopeLogs = Buffer.concat([Buffer.from([0x12, ...varint(records.length)]), records]);
    const body = Buffer.concat([Buffer.from([0x0a, ...varint(scopeLogs.length)]), scopeLogs]);
    const res = await fetch(`${srv.url}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${token}` },
      body,
    });
    expect(res.status).toBe(413);
    const status = decodeRpcStatus(new Uint8Array(await res.arrayBuffer()));
    expect(status.code).toBe(8); // RESOURCE_EXHAUSTED
    expect(status.message).toContain('more than 10000 log records, over server.max_batch_items');
    expect(status.errorInfo).toEqual({
      reason: 'LW_BODY_TOO_LARGE',
      domain: 'logwarden',
      metadata: {},
    });
  });

  it('refuses a wrong token with 401 and stores nothing', async () => {
    const ex = exporter({ token: 'lw_wrong_token_0000000000000000' });
    const r = await exportOnce(ex, await sdkRecords('m-badtoken'));
    await ex.shutdown();
    expect(r.code).toBe(1); // ExportResultCode.FAILED
    expect(String(r.error?.message)).toMatch(/401|Unauthorized/);
    expect(await storedWith('m-badtoken')).toHaveLength(0);
    // The same answer, read directly: 401 with a protobuf Status naming the failure.
    const res = await fetch(`${srv.url}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf', authorization: 'Bearer nope' },
      body: Buffer.alloc(0),
    });
    expect(res.status).toBe(401);
    const status = decodeRpcStatus(new Uint8Array(await res.arrayBuffer()));
    expect(status.code).toBe(16); // UNAUTHENTICATED
    expect(status.message).toMatch(/^LW_AUTH_/);
  });
});
