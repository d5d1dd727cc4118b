import { describe, expect, it } from 'vitest';
import {
  canonicalIp,
  normalizeAddress,
  normalizeTime,
  parseRfc3339,
  splitUrl,
} from './normalize.js';

describe('canonicalIp (RFC 5952 for IPv6)', () => {
  it.each([
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // first of two equal runs (§4.2.3)
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a single 0 group is not compressed (§4.2.2)
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'], // the longest run (§4.2.3)
    ['2001:DB8::ABCD', '2001:db8::abcd'], // lower case (§4.3)
    ['::ffff:192.0.2.1', '192.0.2.1'], // IPv4-mapped -> IPv4
    ['::ffff:c000:201', '192.0.2.1'],
    ['64:ff9b::192.0.2.1', '64:ff9b::c000:201'], // embedded IPv4 that is not a mapped address
    ['::192.0.2.1', '::c000:201'],
    ['1:2:3:4:5:6:192.0.2.1', '1:2:3:4:5:6:c000:201'],
    ['fe80::1%25eth0'.replace('%25', '%'), 'fe80::1%eth0'],
    ['10.0.0.1', '10.0.0.1'],
    ['010.000.000.001', '10.0.0.1'],
  ])('%s -> %s', (input, want) => {
    expect(canonicalIp(input)).toBe(want);
  });

  it.each([
    '',
    ':',
    ':::',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8:9',
    '1::2::3',
    '12345::',
    'g::1',
    '1.2.3.256',
    '1.2.3',
    '::ffff:1.2.3',
    'fe80::1%',
    'fe80::1%a b',
  ])('rejects %j', (input) => {
    expect(canonicalIp(input)).toBeNull();
  });
});

describe('normalizeAddress', () => {
  it('splits ports and keeps host names, lower-cased', () => {
    expect(normalizeAddress('Example.COM:8080')).toEqual({
      ok: true,
      value: { address: 'example.com', port: 8080, ip: false },
    });
    expect(normalizeAddress('[fe80::1]')).toEqual({
      ok: true,
      value: { address: 'fe80::1', ip: true },
    });
    expect(normalizeAddress('host_with_underscore.local').ok).toBe(true);
    expect(normalizeAddress('bad host').ok).toBe(false);
    expect(normalizeAddress('1.2.3.4:70000')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('70000'),
    });
  });
});

describe('time', () => {
  it('handles offsets across day and year boundaries', () => {
    expect(normalizeTime('2026-01-01T00:30:00+01:00')).toEqual({
      ok: true,
      value: '2025-12-31T23:30:00.000Z',
    });
    expect(normalizeTime('2026-12-31T23:30:00-0130')).toEqual({
      ok: true,
      value: '2027-01-01T01:00:00.000Z',
    });
    expect(parseRfc3339('2000-02-29T00:00:00Z').ok).toBe(true); // divisible by 400
    expect(parseRfc3339('1900-02-29T00:00:00Z').ok).toBe(false); // divisible by 100
    expect(normalizeTime('9999-12-31T23:59:59.999Z').ok).toBe(true);
    expect(normalizeTime(1e20).ok).toBe(false);
  });
});

describe('splitUrl', () => {
  it.each([
    ['/a?b=1', { path: '/a', query: 'b=1' }],
    ['/a?', { path: '/a', query: '' }],
    ['/a#frag?x', { path: '/a#frag', query: 'x' }], // a raw request target: kept as sent
    ['http://h', { path: '/', host: 'h' }],
    [
      'https://user:pw@[2001:db8::1]:8443?q',
      { path: '/', query: 'q', host: '2001:db8::1', port: 8443 },
    ],
    ['*', { path: '*' }],
  ])('%s', (input, want) => {
    expect(splitUrl(input)).toEqual(want);
  });
});
