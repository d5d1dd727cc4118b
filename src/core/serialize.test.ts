import { describe, expect, it } from 'vitest';
import type { SecurityEvent } from './event.js';
import { EVENT_FIELDS } from './event.js';
import { LogwardenError } from './errors.js';
import { canonicalJson, sortedJson } from './serialize.js';

const base = { id: '0190f5a8-7b7c-7cc3-8a2e-0f1e2d3c4b5a', time: '2026-11-27T09:00:00.000Z' };

describe('canonicalJson', () => {
  it('writes fields in EVENT_FIELDS order whatever the insertion order', () => {
    const e = {
      attributes: { z: 1, a: 2 },
      'user.id': 'u',
      'event.name': 'log',
      ...base,
    } as SecurityEvent;
    const s = canonicalJson(e);
    expect(s).toBe(
      '{"id":"0190f5a8-7b7c-7cc3-8a2e-0f1e2d3c4b5a","time":"2026-11-27T09:00:00.000Z","event.name":"log","user.id":"u","attributes":{"a":2,"z":1}}',
    );
    const keys = Object.keys(JSON.parse(s) as object);
    const order = EVENT_FIELDS.map(([f]) => f as string);
    expect([...keys].sort((x, y) => order.indexOf(x) - order.indexOf(y))).toEqual(keys);
  });

  it('round-trips through JSON.parse and is byte-stable when re-serialized', () => {
    const e = {
      ...base,
      'event.name': 'log',
      message: 'quote " backslash \\ nl \n uni é 😀 lone \ud800',
      'http.response.status_code': 404,
      'log.redactions': ['pattern:card'],
      attributes: { nested: { b: [3, { y: null, x: true }], a: 'é' }, n: -0.5 },
    } as SecurityEvent;
    const s = canonicalJson(e);
    const back = JSON.parse(s) as SecurityEvent;
    expect(back.message).toBe(JSON.parse(JSON.stringify(e.message)));
    expect(canonicalJson(back)).toBe(s);
    // Same bytes as JSON.stringify of the parsed object: no whitespace, the standard escaping.
    expect(JSON.stringify(JSON.parse(s))).toBe(s);
    expect(s).toContain('"attributes":{"n":-0.5,"nested":{"a":"é","b":[3,{"x":true,"y":null}]}}');
  });

  it('omits undefined fields and refuses unknown ones instead of dropping them', () => {
    expect(
      canonicalJson({ ...base, 'event.name': 'log', message: undefined } as SecurityEvent),
    ).not.toContain('message');
    const bad = { ...base, 'event.name': 'log', extra: 1 } as unknown as SecurityEvent;
    expect(() => canonicalJson(bad)).toThrow(LogwardenError);
    expect(() => canonicalJson(bad)).toThrow(/'extra'/);
  });
});

describe('sortedJson', () => {
  it('matches JSON.stringify semantics for special values', () => {
    expect(sortedJson([undefined, NaN, () => 1, new Date(0)])).toBe(
      '[null,null,null,"1970-01-01T00:00:00.000Z"]',
    );
    expect(sortedJson({ b: undefined, a: Infinity })).toBe('{"a":null}');
    expect(() => sortedJson({ a: 1n })).toThrow(LogwardenError);
  });
});
