/**
 * OTLP/HTTP logs into a real `logwarden serve` (issue 3): POST /v1/logs with payloads shaped as
 * the OpenTelemetry JS SDK's OTLPLogExporter (http/json) and the Collector's otlphttp exporter
 * (encoding: json, gzip) send them; the OTLP partial-success answer; 400/415/401/403 refusals.
 * The protobuf encoding is tested with the real SDK exporter in otlp-protobuf.test.ts.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  dir = tempDir('lw-otlp-');
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

async function post(
  body: unknown,
  opts: { gzip?: boolean; contentType?: string; auth?: string | null } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  let payload: Buffer = Buffer.isBuffer(body)
    ? body
    : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  const headers: Record<string, string> = {
    'content-type': opts.contentType ?? 'application/json',
  };
  if (opts.gzip) {
    payload = gzipSync(payload);
    headers['content-encoding'] = 'gzip';
  }
  if (opts.auth !== null) headers.authorization = `Bearer ${opts.auth ?? token}`;
  const res = await fetch(`${srv.url}/v1/logs`, { method: 'POST', headers, body: payload });
  const text = await res.text();
  return {
    status: res.status,
    body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
  };
}

const nowNs = () => `${BigInt(Date.now()) * 1_000_000n}`;

/**
 * As @opentelemetry/exporter-logs-otlp-http (JsonLogsSerializer) writes it: times as decimal
 * strings, JS integers as numeric intValue, hex ids, droppedAttributesCount and flags present,
 * absent optionals left out.
 */
function sdkRequest(marker: string) {
  return {
    resourceLogs: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: { stringValue: 'checkout' } },
            { key: 'service.version', value: { stringValue: '1.4.2' } },
            { key: 'telemetry.sdk.language', value: { stringValue: 'nodejs' } },
            { key: 'telemetry.sdk.name', value: { stringValue: 'opentelemetry' } },
            { key: 'telemetry.sdk.version', value: { stringValue: '1.30.1' } },
            { key: 'host.name', value: { stringValue: 'shop-1' } },
          ],
          droppedAttributesCount: 0,
        },
        scopeLogs: [
          {
            scope: { name: 'auth', version: '2.0.0' },
            logRecords: [
              {
                timeUnixNano: nowNs(),
                observedTimeUnixNano: nowNs(),
                severityNumber: 13,
                severityText: 'WARN',
                body: { stringValue: `login failed ${marker}` },
                eventName: 'authn_login_fail',
                attributes: [
                  { key: 'enduser.id', value: { stringValue: 'joebob1' } },
                  { key: 'client.address', value: { stringValue: '203.0.113.9' } },
                  { key: 'http.request.method', value: { stringValue: 'POST' } },
                  { key: 'url.path', value: { stringValue: '/login' } },
                  { key: 'http.response.status_code', value: { intValue: 401 } },
                  { key: 'attempt', value: { intValue: 3 } },
                ],
                droppedAttributesCount: 0,
                flags: 1,
                traceId: '5b8efff798038103d269b633813fc60c',
                spanId: 'eee19b7ec3c1b174',
              },
            ],
          },
        ],
      },
    ],
  };
}

/** As the Collector's otlphttp exporter (pdata JSON) writes it: int64 as strings, schemaUrl. */
function collectorRequest(marker: string) {
  return {
    resourceLogs: [
      {
        resource: {
          attributes: [
            { key: 'service.name', value: { stringValue: 'nginx-ingress' } },
            { key: 'deployment.environment.name', value: { stringValue: 'prod' } },
            { key: 'k8s.pod.name', value: { stringValue: 'ingress-7d9f' } },
          ],
        },
        scopeLogs: [
          {
            scope: {},
            logRecords: [
              {
                timeUnixNano: nowNs(),
                observedTimeUnixNano: nowNs(),
                severityNumber: 9,
                severityText: 'INFO',
                body: { stringValue: `GET /admin?id=1 ${marker}` },
                attributes: [
                  { key: 'event.name', value: { stringValue: 'http_request' } },
                  { key: 'http.request.method', value: { stringValue: 'GET' } },
                  { key: 'url.full', value: { stringValue: 'https://shop.example/admin?id=1' } },
                  { key: 'http.response.status_code', value: { intValue: '403' } },
                  { key: 'client.address', value: { stringValue: '198.51.100.23' } },
                  { key: 'log.file.name', value: { stringValue: 'access.log' } },
                ],
                traceId: '',
                spanId: '',
              },
            ],
          },
        ],
        schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
      },
    ],
  };
}

async function storedWith(marker: string) {
  return (await storedEvents(dir)).filter((e) => String(e.event.message ?? '').includes(marker));
}

describe('OTLP/HTTP logs into serve', () => {
  it('stores a JS SDK OTLPLogExporter request with resource and record attributes mapped', async () => {
    const r = await post(sdkRequest('m-sdk'));
    expect(r).toEqual({ status: 200, body: {} });
    // Answered after the commit: the record is in the store now, without waiting.
    const [ev] = await storedWith('m-sdk');
    expect(ev!.source).toBe('checkout');
    expect(ev!.event).toMatchObject({
      'event.name': 'authn_login_fail',
      'event.outcome': 'failure',
      severity: 'WARN',
      'service.name': 'checkout',
      'service.version': '1.4.2',
      'host.name': 'shop-1',
      'user.id': 'joebob1',
      'client.address': '203.0.113.9',
      'http.request.method': 'POST',
      'url.path': '/login',
      'http.response.status_code': 401,
      trace_id: '5b8efff798038103d269b633813fc60c',
      span_id: 'eee19b7ec3c1b174',
      'log.source': 'otlp',
      'log.format': 'otlp',
    });
    expect(ev!.event.attributes).toMatchObject({
      attempt: 3,
      'resource.telemetry.sdk.language': 'nodejs',
      'otel.scope.name': 'auth',
    });
  });

  it('stores a gzip-compressed Collector otlphttp request', async () => {
    const r = await post(collectorRequest('m-col'), { gzip: true });
    expect(r).toEqual({ status: 200, body: {} });
    const [ev] = await storedWith('m-col');
    expect(ev!.event).toMatchObject({
      'event.name': 'http_request',
      'service.name': 'nginx-ingress',
      'deployment.environment': 'prod',
      'url.path': '/admin',
      'url.query': 'id=1',
      'http.response.status_code': 403,
      'client.address': '198.51.100.23',
    });
    expect(ev!.event.attributes).toMatchObject({
      'resource.k8s.pod.name': 'ingress-7d9f',
      'log.file.name': 'access.log',
    });
    expect(ev!.event.trace_id).toBeUndefined();
  });

  it('answers partial success naming each rejected record, and stores the valid ones', async () => {
    const req = sdkRequest('m-part-ok');
    const records = req.resourceLogs[0]!.scopeLogs[0]!.logRecords as unknown[];
    const bad = structuredClone(records[0]) as { body: unknown; attributes: unknown[] };
    bad.body = { stringValue: 'm-part-bad' };
    bad.attributes.push({ key: 'client.port', value: { intValue: 70000 } });
    records.push(bad, 'not a record');
    const before = (await storedEvents(dir)).length;
    const r = await post(req);
    expect(r.status).toBe(200);
    const ps = r.body.partialSuccess as { rejectedLogRecords: number; errorMessage: string };
    expect(ps.rejectedLogRecords).toBe(2);
    expect(ps.errorMessage).toContain('resourceLogs[0].scopeLogs[0].logRecords[1]: client.port');
    expect(ps.errorMessage).toContain('resourceLogs[0].scopeLogs[0].logRecords[2]: not an object');
    const after = await storedEvents(dir);
    expect(after.length).toBe(before + 1);
    expect(await storedWith('m-part-ok')).toHaveLength(1);
    expect(await storedWith('m-part-bad')).toHaveLength(0);
    const text = await metricsText(srv.url, readToken);
    expect(metric(text, 'logwarden_events_rejected_total', { source: 'checkout' })).toBe(1);
    expect(
      metric(text, 'logwarden_events_rejected_total', {
        source: 'checkout',
        reason: 'otlp_invalid',
      }),
    ).toBe(1);
  });

  it('refuses what is not an ExportLogsServiceRequest with 400, and stores nothing', async () => {
    const before = (await storedEvents(dir)).length;
    for (const body of ['[{"resourceLogs":[]}]', '{"resourceLogs":', '{"resourceLogs":{}}', '42']) {
      const r = await post(body);
      expect(r.status, body).toBe(400);
      // A google.rpc.Status in the JSON mapping (OTLP/HTTP "Failures").
      expect(r.body.code, body).toBe(3); // INVALID_ARGUMENT
      expect(String(r.body.message)).toMatch(/^LW_BODY_MALFORMED: .*ExportLogsServiceRequest/);
      expect(r.body.details).toEqual([
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'LW_BODY_MALFORMED',
          domain: 'logwarden',
          metadata: {},
        },
      ]);
    }
    const invalidUtf8 = Buffer.concat([
      Buffer.from('{"resourceLogs":[],"x":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}'),
    ]);
    const r = await post(invalidUtf8);
    expect(r.status).toBe(400);
    expect(String(r.body.message)).toContain('UTF-8');
    expect((await storedEvents(dir)).length).toBe(before);
    // An empty request is a valid one with no records.
    expect(await post({})).toEqual({ status: 200, body: {} });
  });

  it('answers another Content-Type with 415 naming both encodings; needs an ingest-scope token', async () => {
    const other = await post(sdkRequest('m-text'), { contentType: 'text/plain' });
    expect(other.status).toBe(415);
    expect(String(other.body.message)).toContain('application/x-protobuf or application/json');
    expect(await storedWith('m-text')).toHaveLength(0);
    expect((await post(sdkRequest('m-noauth'), { auth: null })).status).toBe(401);
    expect((await post(sdkRequest('m-read'), { auth: readToken })).status).toBe(403);
    expect(await storedWith('m-noauth')).toHaveLength(0);
  });
});
