import { describe, expect, it } from 'vitest';
import type { SecurityEvent } from '../event.js';
import { EVENT_FIELDS } from '../event.js';
import { prepareEvent } from '../prepare.js';
import { VOCABULARY, VOCABULARY_EVENT_NAMES } from '../vocabulary.js';
import { ECS_FIELD_MAP, fromEcs, toEcs } from './ecs.js';
import type { OwaspLogRecord } from './owasp.js';
import { fromOwasp, toOwasp } from './owasp.js';

const NOW = Date.UTC(2026, 10, 27, 12);
const prep = (input: unknown): SecurityEvent => {
  const r = prepareEvent(input, { source: 't', now: NOW });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.prepared.event;
};

// Shaped like the cheat sheet's example record, with our own values.
const SAMPLE: OwaspLogRecord = {
  datetime: '2026-03-04T05:06:07-0700',
  appid: 'acme.shop_auth',
  event: 'AUTHN_login_lock:alice7,maxretries',
  level: 'WARN',
  description: 'User alice7 locked after too many failures',
  useragent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
  source_ip: '198.51.100.23',
  host_ip: '10.1.2.3',
  hostname: 'auth.acme.example',
  protocol: 'https',
  port: '8443',
  request_uri: '/api/v1/login?next=%2Fhome',
  request_method: 'POST',
  region: 'EU-WEST-1',
  geo: 'DEU',
};

describe('OWASP recommended JSON format', () => {
  it('imports the sample record into a valid event', () => {
    const e = prep(fromOwasp(SAMPLE));
    expect(e).toMatchObject({
      time: '2026-03-04T12:06:07.000Z',
      'event.name': 'authn_login_lock',
      'user.id': 'alice7',
      'event.reason': 'maxretries',
      severity: 'WARN',
      'client.address': '198.51.100.23',
      'server.address': '10.1.2.3',
      'server.port': 8443,
      'url.path': '/api/v1/login',
      'url.query': 'next=%2Fhome',
      'http.request.method': 'POST',
      'service.name': 'acme.shop_auth',
      attributes: { protocol: 'https', region: 'EU-WEST-1', geo: 'DEU' },
    });
  });

  it('round-trips record -> event -> record', () => {
    const back = toOwasp(prep(fromOwasp(SAMPLE)));
    expect(back).toEqual({
      ...SAMPLE,
      datetime: '2026-03-04T12:06:07.000Z',
      event: 'authn_login_lock:alice7,maxretries',
    });
  });

  it('round-trips every vocabulary event with all its params, commas in values included', () => {
    for (const name of VOCABULARY_EVENT_NAMES) {
      const input: Record<string, unknown> = { 'event.name': name };
      const attributes: Record<string, unknown> = {};
      for (const p of VOCABULARY[name].params) {
        if ('sameSlotAs' in p) continue;
        const v =
          p.kind === 'number'
            ? 7
            : p.kind === 'string[]'
              ? ['a,b', 'c']
              : p.field === 'user.id'
                ? 'u%1'
                : `v,${p.name}`;
        if (p.field.startsWith('attributes.')) attributes[p.field.slice(11)] = v;
        else input[p.field] = v;
      }
      if (Object.keys(attributes).length > 0) input.attributes = attributes;
      const e = prep(input);
      const again = prep(fromOwasp(toOwasp(e)));
      for (const [f] of EVENT_FIELDS) {
        if (f === 'id' || f === 'time' || f === 'observed_time') continue;
        expect(again[f], `${name} ${f}`).toEqual(e[f]);
      }
    }
  });

  it('puts an IP into the userid|IP slot when there is no user, and reads it back as client.address', () => {
    const e = prep({
      'event.name': 'malicious_attack_tool',
      'client.address': '203.0.113.5',
      'user_agent.original': 'sqlmap/1.8',
      attributes: { toolname: 'sqlmap' },
    });
    const rec = toOwasp(e);
    expect(rec.event).toBe('malicious_attack_tool:203.0.113.5,sqlmap,sqlmap/1.8');
    const back = fromOwasp({ event: rec.event });
    expect(back).toMatchObject({
      'client.address': '203.0.113.5',
      'user_agent.original': 'sqlmap/1.8',
      attributes: { toolname: 'sqlmap' },
    });
    expect(back['user.id']).toBeUndefined();
  });

  it('reads a zone-less datetime as UTC and keeps unknown keys as attributes', () => {
    const e = prep(
      fromOwasp({ datetime: '2019-01-01 00:00:00,000', event: 'custom_thing', tenant: 'x' }),
    );
    expect(e).toMatchObject({
      time: '2019-01-01T00:00:00.000Z',
      'event.name': 'custom_thing',
      attributes: { tenant: 'x' },
    });
  });
});

describe('ECS', () => {
  const full = prep({
    id: '0190f5a8-7b7c-7cc3-8a2e-0f1e2d3c4b5a',
    time: '2026-11-27T09:00:00.123Z',
    'event.name': 'authz_fail',
    'event.action': 'transfer_funds',
    'event.reason': 'not owner',
    message: 'denied',
    'service.name': 'bank',
    'service.version': '1.2.3',
    'deployment.environment': 'prod',
    'host.name': 'web-1',
    'http.request.method': 'POST',
    'url.path': '/transfer',
    'url.query': 'a=1',
    'http.route': '/transfer',
    'http.response.status_code': 403,
    'http.response.body.bytes': 12,
    'http.request.referrer': 'https://bank.example/',
    'http.server.duration_ms': 12.5,
    'code.function': 'transfer',
    'server.address': 'bank.example',
    'server.port': 443,
    'client.address': '2001:db8::7',
    'client.port': 50000,
    'user.id': 'u1',
    'user.name': 'Ann',
    'session.id': 'raw-session',
    'user_agent.original': 'curl/8',
    'request.id': 'r-1',
    trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
    span_id: '00f067aa0ba902b7',
    'error.type': 'Forbidden',
    'error.message': 'no',
    'exception.stacktrace': 'at x',
    'log.source': 'sdk',
    'log.source_id': 'app-1',
    'log.format': 'json',
    'log.original': '{"raw":1}',
    attributes: { account: 'acc-9', nested: { k: [1, 2] } },
  });

  it('maps to nested ECS names', () => {
    const doc = toEcs(full) as Record<string, Record<string, unknown>>;
    expect(doc['@timestamp']).toBe('2026-11-27T09:00:00.123Z');
    expect(doc.event).toMatchObject({
      action: 'authz_fail',
      outcome: 'failure',
      category: ['iam'],
      kind: 'event',
      duration: 12_500_000,
    });
    expect(doc.source).toEqual({ ip: '2001:db8::7', port: 50000 });
    expect(doc.user_agent).toEqual({ original: 'curl/8' });
    expect(doc.http).toMatchObject({
      request: { method: 'POST', id: 'r-1' },
      response: { status_code: 403 },
    });
    expect(doc.log).toMatchObject({ level: 'critical', origin: { function: 'transfer' } });
    expect(doc.error).toEqual({ type: 'Forbidden', message: 'no', stack_trace: 'at x' });
  });

  it('round-trips every field of the schema (nested and flattened documents)', () => {
    const present = EVENT_FIELDS.map(([f]) => f).filter((f) => full[f] !== undefined);
    expect(present.length).toBe(EVENT_FIELDS.length); // the fixture covers the whole schema
    expect(fromEcs(toEcs(full))).toEqual(full);
    const flat: Record<string, unknown> = {};
    const walk = (o: Record<string, unknown>, p: string) => {
      for (const [k, v] of Object.entries(o)) {
        const key = p === '' ? k : `${p}.${k}`;
        if (
          typeof v === 'object' &&
          v !== null &&
          !Array.isArray(v) &&
          key !== 'logwarden.attributes'
        )
          walk(v as Record<string, unknown>, key);
        else flat[key] = v;
      }
    };
    walk(toEcs(full), '');
    expect(fromEcs(flat)).toEqual(full);
    expect(ECS_FIELD_MAP.length).toBeGreaterThan(35);
  });

  it('imports foreign ECS documents into valid events', () => {
    const e = prep(
      fromEcs({
        '@timestamp': '2026-11-27T09:00:00Z',
        event: { action: 'user-login', outcome: 'failure' },
        source: { ip: '192.0.2.1' },
        log: { level: 'warning' },
      }),
    );
    expect(e).toMatchObject({
      'event.name': 'user_login',
      'event.outcome': 'failure',
      'client.address': '192.0.2.1',
      severity: 'WARN',
    });
  });
});
