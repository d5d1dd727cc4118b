import { describe, expect, it } from 'vitest';
import { deterministicId } from '../../core/ids.js';
import { mapOtlpLogs } from './map.js';

// Shaped as the OpenTelemetry JS SDK's OTLPLogExporter (http/json) sends it.
const request = {
  resourceLogs: [
    {
      resource: {
        attributes: [
          { key: 'service.name', value: { stringValue: 'checkout' } },
          { key: 'service.version', value: { stringValue: '1.4.2' } },
          { key: 'deployment.environment.name', value: { stringValue: 'prod' } },
          { key: 'telemetry.sdk.language', value: { stringValue: 'nodejs' } },
        ],
        droppedAttributesCount: 0,
      },
      scopeLogs: [
        {
          scope: { name: 'auth', version: '' },
          logRecords: [
            {
              timeUnixNano: '1764237600123000000',
              observedTimeUnixNano: '1764237600124000000',
              severityNumber: 13,
              severityText: 'WARN',
              body: { stringValue: 'login failed' },
              attributes: [
                { key: 'event.name', value: { stringValue: 'authn_login_fail' } },
                { key: 'enduser.id', value: { stringValue: 'joebob1' } },
                { key: 'client.address', value: { stringValue: '203.0.113.9' } },
                { key: 'http.response.status_code', value: { intValue: '401' } },
                {
                  key: 'url.full',
                  value: { stringValue: 'https://shop.example/login?next=%2Fcart' },
                },
                { key: 'attempt', value: { intValue: 3 } },
                {
                  key: 'tags',
                  value: { arrayValue: { values: [{ stringValue: 'a' }, { boolValue: true }] } },
                },
              ],
              droppedAttributesCount: 0,
              flags: 1,
              traceId: '5B8EFFF798038103D269B633813FC60C',
              spanId: 'EEE19B7EC3C1B174',
            },
            {
              timeUnixNano: '0',
              observedTimeUnixNano: '1764237600200000000',
              body: { kvlistValue: { values: [{ key: 'k', value: { doubleValue: 1.5 } }] } },
            },
            'not a record',
          ],
        },
      ],
    },
  ],
};

describe('OTLP/JSON logs mapping', () => {
  it('maps resource and record attributes onto the schema and keeps the rest', () => {
    const { items, rejected } = mapOtlpLogs(request);
    expect(rejected).toEqual([
      { path: 'resourceLogs[0].scopeLogs[0].logRecords[2]', reason: 'not an object', record: true },
    ]);
    expect(items).toHaveLength(2);
    const first = items[0]!;
    expect(first).toMatchObject({
      'event.name': 'authn_login_fail',
      time: '2025-11-27T10:00:00.123Z',
      observed_time: '2025-11-27T10:00:00.124Z',
      severity: 'WARN',
      message: 'login failed',
      'service.name': 'checkout',
      'service.version': '1.4.2',
      'deployment.environment': 'prod',
      'user.id': 'joebob1',
      'client.address': '203.0.113.9',
      'http.response.status_code': 401,
      'url.path': '/login',
      'url.query': 'next=%2Fcart',
      trace_id: '5b8efff798038103d269b633813fc60c',
      span_id: 'eee19b7ec3c1b174',
      'log.format': 'otlp',
    });
    expect(first.attributes).toEqual({
      'resource.telemetry.sdk.language': 'nodejs',
      attempt: 3,
      tags: ['a', true],
      'otel.scope.name': 'auth',
    });
    const second = items[1]!;
    expect(second['event.name']).toBe('log');
    expect(second.time).toBe('2025-11-27T10:00:00.200Z');
    expect((second.attributes as Record<string, unknown>)['otel.body']).toEqual({ k: 1.5 });
  });

  it('rejects a request without resourceLogs, naming it', () => {
    const r = mapOtlpLogs({ foo: 1 });
    expect(r.items).toEqual([]);
    expect(r.rejected).toEqual([
      { path: 'resourceLogs', reason: 'missing or not an array', record: false },
    ]);
  });

  it('knows the path of every item and tells rejected records from rejected containers', () => {
    const rec = (m: string) => ({ body: { stringValue: m } });
    const r = mapOtlpLogs({
      resourceLogs: [
        { scopeLogs: [{ logRecords: [rec('a'), 7, rec('b')] }, { logRecords: null }] },
        { scopeLogs: 'x' },
        { scopeLogs: [{ logRecords: [] }, { logRecords: [null, rec('c')] }] },
      ],
    });
    expect(r.items.map((i) => i.message)).toEqual(['a', 'b', 'c']);
    expect([0, 1, 2].map((i) => r.recordPath(i))).toEqual([
      'resourceLogs[0].scopeLogs[0].logRecords[0]',
      'resourceLogs[0].scopeLogs[0].logRecords[2]',
      'resourceLogs[2].scopeLogs[1].logRecords[1]',
    ]);
    expect(r.rejected).toEqual([
      { path: 'resourceLogs[0].scopeLogs[0].logRecords[1]', reason: 'not an object', record: true },
      {
        path: 'resourceLogs[0].scopeLogs[1].logRecords',
        reason: 'missing or not an array',
        record: false,
      },
      { path: 'resourceLogs[1].scopeLogs', reason: 'missing or not an array', record: false },
      { path: 'resourceLogs[2].scopeLogs[1].logRecords[0]', reason: 'not an object', record: true },
    ]);
  });

  it('keeps a custom event name that is not a valid identifier as an attribute', () => {
    const { items } = mapOtlpLogs({
      resourceLogs: [
        {
          scopeLogs: [
            { logRecords: [{ eventName: 'browser.page_view', body: { stringValue: 'x' } }] },
          ],
        },
      ],
    });
    expect(items[0]!['event.name']).toBe('log');
    expect((items[0]!.attributes as Record<string, unknown>)['otel.event_name']).toBe(
      'browser.page_view',
    );
  });
});

describe('OTLP record ids (idempotent retries)', () => {
  const one = (rec: Record<string, unknown>, resource = 'checkout', scope = 'auth') => ({
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: resource } }] },
        scopeLogs: [{ scope: { name: scope }, logRecords: [rec] }],
      },
    ],
  });
  const base = {
    timeUnixNano: '1764237600123000001',
    observedTimeUnixNano: '1764237600124000000',
    severityNumber: 13,
    body: { stringValue: 'login failed' },
    attributes: [{ key: 'attempt', value: { intValue: 3 } }],
  };
  const idOf = (req: unknown, idScope = 'tok') => mapOtlpLogs(req, { idScope }).items[0]!.id;

  it('gives the same record the same UUID every time, and the JSON spellings of one value agree', () => {
    const id = idOf(one(base));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(idOf(one(structuredClone(base)))).toBe(id);
    // intValue as a JSON number or as a decimal string (protobuf's int64) is one value.
    const asString = { ...base, attributes: [{ key: 'attempt', value: { intValue: '3' } }] };
    expect(idOf(one(asString))).toBe(id);
  });

  it('keeps apart records that differ in any field, resource, scope or token', () => {
    const id = idOf(one(base));
    const variants: Record<string, unknown>[] = [
      { ...base, timeUnixNano: '1764237600123000002' }, // one nanosecond later
      { ...base, observedTimeUnixNano: '1764237600124000001' },
      { ...base, body: { stringValue: 'login failed!' } },
      { ...base, severityNumber: 17 },
      { ...base, attributes: [{ key: 'attempt', value: { intValue: 4 } }] },
      { ...base, attributes: [{ key: 'attempt', value: { doubleValue: 3 } }] },
      { ...base, attributes: [{ key: 'attempt', value: { stringValue: '3' } }] },
      { ...base, traceId: '5b8efff798038103d269b633813fc60c' },
      { ...base, eventName: 'authn_login_fail' },
    ];
    const ids = new Set([id, ...variants.map((v) => idOf(one(v)))]);
    expect(ids.size).toBe(variants.length + 1);
    expect(idOf(one(base, 'billing'))).not.toBe(id);
    expect(idOf(one(base, 'checkout', 'payments'))).not.toBe(id);
    expect(idOf(one(base), 'other-token')).not.toBe(id);
  });

  it('is deterministicId over the documented canonical parts (stable across versions)', () => {
    const req = {
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'c' } }] },
          scopeLogs: [
            {
              scope: { name: 's', version: '1' },
              logRecords: [
                {
                  timeUnixNano: '1764237600123000001',
                  body: { stringValue: 'hi' },
                  attributes: [{ key: 'n', value: { intValue: 3 } }],
                },
              ],
            },
          ],
        },
      ],
    };
    expect(mapOtlpLogs(req, { idScope: 't' }).items[0]!.id).toBe(
      deterministicId(
        'otlp',
        't',
        '[["service.name",["s","c"]]]',
        '["s","1",[]]',
        '["1764237600123000001","","","",["s","hi"],[["n",["i","3"]]],"","","",""]',
      ),
    );
  });

  it('gives the ids it gave before (values computed before ids moved to core/ids)', () => {
    const req = {
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'kassé' } }] },
          scopeLogs: [
            {
              scope: { name: 'auth', version: '2.0.0' },
              logRecords: [
                {
                  timeUnixNano: '1764237600123000001',
                  observedTimeUnixNano: '1764237600124000000',
                  severityNumber: 13,
                  severityText: 'WARN',
                  body: { stringValue: 'connexion échouée 🔒' },
                  attributes: [
                    { key: 'attempt', value: { intValue: 3 } },
                    {
                      key: 'tags',
                      value: {
                        arrayValue: { values: [{ stringValue: 'a' }, { boolValue: true }] },
                      },
                    },
                  ],
                  traceId: '5B8EFFF798038103D269B633813FC60C',
                  spanId: 'EEE19B7EC3C1B174',
                  flags: 1,
                  eventName: 'authn_login_fail',
                },
                {
                  timeUnixNano: '1764237600123000002',
                  body: { kvlistValue: { values: [{ key: 'k', value: { doubleValue: 1.5 } }] } },
                },
              ],
            },
          ],
        },
      ],
    };
    expect(mapOtlpLogs(req, { idScope: 'checkout-tök' }).items.map((i) => i.id)).toEqual([
      '923c755d-a3e2-8daf-ae4e-5fb64b6ef595',
      '4ed4b429-8539-833a-9741-d3d765786035',
    ]);
  });

  it('collapses two records identical in every field (the documented edge)', () => {
    const req = one(base);
    (req.resourceLogs[0]!.scopeLogs[0]!.logRecords as unknown[]).push(structuredClone(base));
    const { items } = mapOtlpLogs(req, { idScope: 'tok' });
    expect(items).toHaveLength(2);
    expect(items[0]!.id).toBe(items[1]!.id);
  });

  it('does not overflow on deeply nested values', () => {
    let v: Record<string, unknown> = { stringValue: 'leaf' };
    for (let i = 0; i < 5000; i++) v = { arrayValue: { values: [v] } };
    const { items } = mapOtlpLogs(one({ ...base, body: v }), { idScope: 'tok' });
    expect(items[0]!.id).toMatch(/^[0-9a-f-]{36}$/);
  });
});
