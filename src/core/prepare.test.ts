import { describe, expect, it } from 'vitest';
import type { SecurityEvent } from './event.js';
import { isUuid } from './ids.js';
import type { PrepareResult } from './prepare.js';
import { prepareEvent } from './prepare.js';
import { createRedactor } from './redact.js';
import { canonicalJson } from './serialize.js';

const NOW = Date.UTC(2026, 10, 27, 9, 30, 0, 0);
const ok = (r: PrepareResult): SecurityEvent => {
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.prepared.event;
};
const prep = (input: unknown) => prepareEvent(input, { source: 'test', now: NOW });
const errorsOf = (r: PrepareResult) => (r.ok ? [] : r.errors);

describe('prepareEvent: defaults and ids', () => {
  it('fills id, times and vocabulary defaults; body is the canonical JSON', () => {
    const r = prep({ 'event.name': 'authn_login_fail', 'user.id': 'joebob1' });
    const e = ok(r);
    expect(isUuid(e.id)).toBe(true);
    expect(e.id[14]).toBe('7');
    expect(e.observed_time).toBe('2026-11-27T09:30:00.000Z');
    expect(e.time).toBe(e.observed_time);
    expect(e).toMatchObject({
      'event.category': 'authn',
      severity: 'WARN',
      severity_number: 13,
      'event.outcome': 'failure',
    });
    expect(r.ok && JSON.parse(r.prepared.body)).toEqual(e);
    expect(r.ok && r.prepared.source).toBe('test');
  });

  it('keeps a producer UUID of any version (lower-cased), rejects other ids', () => {
    expect(ok(prep({ 'event.name': 'log', id: 'F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6' })).id).toBe(
      'f81d4fae-7dec-11d0-a765-00a0c91e6bf6',
    );
    expect(errorsOf(prep({ 'event.name': 'log', id: 'req-123' }))).toEqual([
      { field: 'id', reason: expect.stringMatching(/expected a UUID.*'req-123'/) },
    ]);
    expect(errorsOf(prep({ 'event.name': 'log', id: 42 }))[0]?.field).toBe('id');
  });

  it('accepts custom and non-vocabulary names, rejects malformed ones and a missing name', () => {
    expect(ok(prep({ 'event.name': 'checkout_done' }))['event.category']).toBeUndefined();
    expect(ok(prep({ 'event.name': 'http_request' }))['event.category']).toBe('http');
    expect(ok(prep({ 'event.name': 'AUTHZ_FAIL' }))['event.name']).toBe('authz_fail');
    expect(errorsOf(prep({ 'event.name': 'authn_login_fail:joebob1' }))[0]?.field).toBe(
      'event.name',
    );
    expect(errorsOf(prep({ 'user.id': 'x' }))).toEqual([
      { field: 'event.name', reason: expect.stringContaining('required') },
    ]);
    expect(
      errorsOf(prep({ 'event.name': 'authn_login_fail', 'event.category': 'web' }))[0]?.field,
    ).toBe('event.category');
  });

  it('keeps explicit severity and outcome over vocabulary defaults; maps severity aliases', () => {
    const e = ok(
      prep({ 'event.name': 'upload_validation', severity: 'critical', 'event.outcome': 'FAILURE' }),
    );
    expect(e).toMatchObject({
      severity: 'CRITICAL',
      severity_number: 21,
      'event.outcome': 'failure',
    });
    expect(ok(prep({ 'event.name': 'log', severity: 'warning' })).severity).toBe('WARN');
    expect(errorsOf(prep({ 'event.name': 'log', severity: 'loud' }))[0]?.field).toBe('severity');
  });

  it('does not modify its input', () => {
    const input = {
      'event.name': 'log',
      message: 'a\nb',
      attributes: { password: 'x', deep: { c: 'line\r' } },
    };
    const copy = structuredClone(input);
    ok(prep(input));
    expect(input).toEqual(copy);
  });
});

describe('prepareEvent: normalization', () => {
  it.each([
    ['2026-11-27T10:00:00+01:00', '2026-11-27T09:00:00.000Z'],
    ['2026-11-27t09:00:00.123456z', '2026-11-27T09:00:00.123Z'],
    ['2026-11-27 09:00:00Z', '2026-11-27T09:00:00.000Z'],
    ['2024-02-29T23:59:60Z', '2024-02-29T23:59:59.999Z'],
    [1764234000, '2025-11-27T09:00:00.000Z'],
    [1764234000123, '2025-11-27T09:00:00.123Z'],
    [1764234000.5, '2025-11-27T09:00:00.500Z'],
    ['1764234000', '2025-11-27T09:00:00.000Z'],
  ])('time %s -> %s', (input, want) => {
    expect(ok(prep({ 'event.name': 'log', time: input })).time).toBe(want);
  });

  it.each([
    '2021-02-29T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-04-31T00:00:00Z',
    '2026-11-27T24:00:00Z',
    'yesterday',
    '2026-11-27',
    -5,
    true,
  ])('rejects impossible or unparseable time %s', (input) => {
    const errs = errorsOf(prep({ 'event.name': 'log', time: input }));
    expect(errs).toHaveLength(1);
    expect(errs[0]!.field).toBe('time');
  });

  it.each([
    ['192.0.2.7', '192.0.2.7', undefined],
    ['192.000.002.007', '192.0.2.7', undefined],
    ['::ffff:192.0.2.7', '192.0.2.7', undefined],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1', undefined],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1', undefined],
    ['2001:0db8:0000:0001:0001:0001:0001:0001', '2001:db8:0:1:1:1:1:1', undefined],
    ['fe80::1%eth0', 'fe80::1%eth0', undefined],
    ['192.0.2.7:51234', '192.0.2.7', 51234],
    ['[2001:db8::1]:443', '2001:db8::1', 443],
    ['[::ffff:10.0.0.1]:80', '10.0.0.1', 80],
    ['proxy.example.COM', 'proxy.example.com', undefined],
  ])('client.address %s -> %s port %s', (input, addr, port) => {
    const e = ok(prep({ 'event.name': 'log', 'client.address': input }));
    expect(e['client.address']).toBe(addr);
    expect(e['client.port']).toBe(port);
  });

  it.each([
    '256.1.1.1',
    '1.2.3',
    '2001:db8::1::2',
    'not an ip',
    '[2001:db8::1]:99999',
    '1:2:3:4:5:6:7:8:9',
  ])('rejects address %s', (input) => {
    expect(errorsOf(prep({ 'event.name': 'log', 'client.address': input }))[0]?.field).toBe(
      'client.address',
    );
  });

  it('an explicit client.port wins over one split from the address', () => {
    expect(
      ok(prep({ 'event.name': 'log', 'client.port': 1, 'client.address': '192.0.2.1:2' }))[
        'client.port'
      ],
    ).toBe(1);
  });

  it('upper-cases methods, checks the token grammar, splits URLs, coerces status', () => {
    const e = ok(
      prep({
        'event.name': 'http_request',
        'http.request.method': 'get',
        'url.path': '/a/b?x=1&y=2',
        'http.response.status_code': '404',
      }),
    );
    expect(e).toMatchObject({
      'http.request.method': 'GET',
      'url.path': '/a/b',
      'url.query': 'x=1&y=2',
      'http.response.status_code': 404,
    });
    const f = ok(
      prep({ 'event.name': 'http_request', 'url.full': 'https://shop.example:8443/cart?id=7#top' }),
    );
    expect(f).toMatchObject({
      'url.path': '/cart',
      'url.query': 'id=7',
      'server.address': 'shop.example',
      'server.port': 8443,
    });
    expect(f).not.toHaveProperty('url.full');
    expect(errorsOf(prep({ 'event.name': 'log', 'http.request.method': 'GE T' }))[0]?.field).toBe(
      'http.request.method',
    );
    expect(
      errorsOf(prep({ 'event.name': 'log', 'http.response.status_code': 700 }))[0]?.reason,
    ).toMatch(/100\.\.599, got 700/);
    expect(
      errorsOf(prep({ 'event.name': 'log', 'http.response.status_code': 200.5 }))[0]?.field,
    ).toBe('http.response.status_code');
  });

  it('coerces numeric ids to strings but rejects other wrong types with what came', () => {
    expect(ok(prep({ 'event.name': 'log', 'user.id': 42 }))['user.id']).toBe('42');
    expect(errorsOf(prep({ 'event.name': 'log', 'user.id': { id: 1 } }))).toEqual([
      { field: 'user.id', reason: 'expected a string, got an object' },
    ]);
    expect(errorsOf(prep({ 'event.name': 'log', 'user.name': true }))).toEqual([
      { field: 'user.name', reason: 'expected a string, got boolean true' },
    ]);
  });
});

describe('prepareEvent: bad input', () => {
  it('names every unknown field and suggests where it belongs', () => {
    const errs = errorsOf(
      prep({ 'event.name': 'log', level: 'WARN', foo: 1, event: { name: 'x' } }),
    );
    expect(errs.map((e) => e.field)).toEqual(['level', 'foo', 'event']);
    expect(errs[0]!.reason).toContain("'severity'");
    expect(errs[1]!.reason).toContain('attributes');
    expect(errs[2]!.reason).toContain("'event.name'");
  });

  it('rejects non-objects', () => {
    for (const v of [null, [], 'x', 3]) expect(errorsOf(prep(v))[0]?.field).toBe('(event)');
  });

  it('enforces limits: depth, fields, string and attribute size, item size', () => {
    const deep: Record<string, unknown> = {};
    let cur = deep;
    for (let i = 0; i < 10; i++) cur = (cur.x = {}) as Record<string, unknown>;
    expect(errorsOf(prep({ 'event.name': 'log', attributes: deep }))[0]?.reason).toMatch(
      /deeper than 8/,
    );
    const many = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, i]));
    expect(errorsOf(prep({ 'event.name': 'log', attributes: many }))[0]?.reason).toMatch(
      /exceed the limit of 256/,
    );
    expect(errorsOf(prep({ 'event.name': 'log', message: 'é'.repeat(20_000) }))).toEqual([
      { field: 'message', reason: 'string longer than 32768 bytes' },
    ]);
    const big = {
      'event.name': 'log',
      attributes: { a: 'x'.repeat(10_000), b: 'y'.repeat(10_000) },
    };
    expect(errorsOf(prep(big))[0]?.field).toBe('attributes');
    const r = prepareEvent(
      { 'event.name': 'log', message: 'x'.repeat(500) },
      { source: 't', limits: { maxItemBytes: 400 } },
    );
    expect(errorsOf(r)[0]?.reason).toMatch(/limit is 400/);
  });

  it('rejects non-JSON attribute values by path', () => {
    const errs = errorsOf(
      prep({ 'event.name': 'log', attributes: { a: { b: [1, NaN] }, f: () => 1, m: new Map() } }),
    );
    expect(errs.map((e) => e.field)).toEqual(['attributes.a.b[1]', 'attributes.f', 'attributes.m']);
  });
});

describe('prepareEvent: safety', () => {
  it('neutralizes control characters everywhere and counts them', () => {
    const r = prep({
      'event.name': 'log',
      'user.name': 'admin\r\n2026 INFO login ok',
      attributes: { 'k\n': ['\x1b[2J'] },
    });
    const e = ok(r);
    expect(e['user.name']).toBe('admin\\r\\n2026 INFO login ok');
    expect(e.attributes).toEqual({ 'k\\n': ['\\x1b[2J'] });
    expect(r.ok && r.neutralized).toBe(4);
    expect(r.ok && r.prepared.body).not.toMatch(/[\u0000-\u001f]/);
  });

  it('redacts, hashes session ids and records every redaction in log.redactions', () => {
    const r = prep({
      'event.name': 'authn_login_fail',
      'session.id': 's3cr3t-session',
      'url.query': 'user=a&password=hunter2',
      attributes: {
        headers: { Authorization: 'Basic YWxpY2U6cGFzcw==', Cookie: 'sid=1' },
        note: 'card 4111-1111-1111-1111',
      },
    });
    const e = ok(r);
    expect(e['session.id']).toMatch(/^sha256:[0-9a-f]{32}$/);
    expect(e['url.query']).toBe('user=a&password=[REDACTED:secret]');
    expect(e.attributes).toEqual({
      headers: { Authorization: '[REDACTED:authorization]', Cookie: '[REDACTED:cookie]' },
      note: 'card [REDACTED:card]',
    });
    expect([...e['log.redactions']!].sort()).toEqual([
      'field:attributes.headers.Authorization',
      'field:attributes.headers.Cookie',
      'hash:session.id',
      'pattern:card',
      'pattern:secret_param',
    ]);
    expect(r.ok && r.redactions).toEqual(e['log.redactions']);
    expect(r.ok && r.prepared.body).not.toMatch(/hunter2|4111|YWxpY2U|s3cr3t/);
    // an already-hashed session id is kept as is
    expect(ok(prep({ 'event.name': 'log', 'session.id': e['session.id'] }))['session.id']).toBe(
      e['session.id'],
    );
  });

  it('uses a configured redactor and takes log.source from the options', () => {
    const redactor = createRedactor({ extraFields: ['x-internal'] });
    const r = prepareEvent(
      { 'event.name': 'log', 'log.source': 'forged', attributes: { 'X-Internal': 'v' } },
      { source: 's', redactor, logSource: 'http' },
    );
    expect(ok(r)).toMatchObject({
      'log.source': 'http',
      attributes: { 'X-Internal': '[REDACTED:xinternal]' },
    });
  });
});

describe('prepareEvent: body is canonical JSON', () => {
  it('equals canonicalJson(event) for random events with unsorted, nested, unicode attributes', () => {
    let seed = 42;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const pick = <T>(xs: T[]): T => xs[rnd(xs.length)]!;
    const strs = ['a', 'Z', 'é', '😀', 'x y', 'line\nbreak', '"q"', '\\', '', '10', '__proto__x'];
    const value = (depth: number): unknown => {
      const k = rnd(depth > 2 ? 4 : 6);
      if (k === 0) return pick(strs);
      if (k === 1) return rnd(1000) - 500 + (rnd(2) ? 0.25 : 0);
      if (k === 2) return pick([true, false, null]);
      if (k === 3) return pick(strs) + pick(strs);
      if (k === 4) return Array.from({ length: rnd(4) }, () => value(depth + 1));
      return Object.fromEntries(
        Array.from({ length: rnd(5) }, () => [pick(strs) + pick(strs), value(depth + 1)]),
      );
    };
    for (let i = 0; i < 300; i++) {
      const r = prep({
        'event.name': 'log',
        message: pick(strs),
        'user.id': pick(strs) || 'u',
        attributes: { z: value(1), a: value(1), m: value(0) },
      });
      const e = ok(r);
      expect(r.ok && r.prepared.body).toBe(canonicalJson(e));
    }
  });
});

describe('prepareEvent: prototype keys', () => {
  it('refuses an own __proto__ key from JSON.parse, naming its path', () => {
    const input: unknown = JSON.parse(
      '{"event.name":"log","attributes":{"a":{"__proto__":{"password":"hunter2"}}}}',
    );
    expect(errorsOf(prep(input))).toEqual([
      { field: 'attributes.a.__proto__', reason: "'__proto__' is not allowed as a key" },
    ]);
  });

  it('copy helpers keep an own __proto__ property as data (redaction and neutralization apply)', async () => {
    const { neutralizeDeep } = await import('./neutralize.js');
    const { sortKeysDeep } = await import('./serialize.js');
    const v = JSON.parse('{"__proto__":{"password":"hunter2","m":"a\\nb"},"z":1}') as Record<
      string,
      unknown
    >;
    const e = {
      id: 'x',
      time: 't',
      'event.name': 'log',
      attributes: v,
    } as unknown as SecurityEvent;
    createRedactor().redactEvent(e);
    const n = neutralizeDeep(sortKeysDeep(e.attributes), { count: 0 }) as Record<string, unknown>;
    expect(Object.keys(n)).toEqual(['__proto__', 'z']);
    expect(JSON.stringify(n)).toBe(
      '{"__proto__":{"m":"a\\\\nb","password":"[REDACTED:password]"},"z":1}',
    );
    expect(Object.getPrototypeOf(n)).toBe(Object.prototype);
  });
});

describe('prepareEvent: limits option', () => {
  it('merges partial limits with the defaults; an undefined entry keeps the default', () => {
    const limits = { maxStringBytes: 100, maxItemBytes: undefined };
    const long = prepareEvent(
      { 'event.name': 'log', message: 'x'.repeat(101) },
      { source: 's', limits },
    );
    expect(errorsOf(long)).toEqual([{ field: 'message', reason: 'string longer than 100 bytes' }]);
    expect(
      prepareEvent({ 'event.name': 'log', message: 'x'.repeat(100) }, { source: 's', limits }).ok,
    ).toBe(true);
  });
});
