import { isIP } from 'node:net';
import { describe, expect, it } from 'vitest';
import { canonicalIp, formatIp, inCidr, parseCidr, parseIp } from './ip.js';

describe('ip', () => {
  it('agrees with node:net on what is an address (zone ids aside: not accepted)', () => {
    const samples = [
      '1.2.3.4',
      '255.255.255.255',
      '256.1.1.1',
      '01.2.3.4',
      '1.2.3',
      '::',
      '::1',
      '2001:db8::1',
      '2001:db8:0:0:0:0:0:1',
      '1:2:3:4:5:6:7:8',
      '1:2:3:4:5:6:7:8:9',
      '1::2::3',
      '::ffff:192.0.2.1',
      '::ffff:192.0.2.256',
      'fe80::1:2',
      '12345::',
      'g::1',
      '1:2:3:4:5:6:7::',
      '::2:3:4:5:6:7:8',
      '::ffff:01.2.3.4',
      '1::1.2.3.4',
      '::1.2.3.4',
      '1:2:3:4:5:6:1.2.3.4',
      '1:2:3:4:5:6:7:1.2.3.4',
      '::ffff:1.2.3',
      ':1::2',
      ':::',
      '1::2:',
      '[::1]',
      '0000:0000:0000:0000:0000:ffff:255.255.255.255',
    ];
    for (const s of samples) expect(parseIp(s) !== undefined, s).toBe(isIP(s) !== 0);
  });

  it('formats RFC 5952 canonical text', () => {
    const f = (s: string): string => formatIp(parseIp(s)!);
    expect(f('2001:0DB8:0000:0000:0000:0000:0000:0001')).toBe('2001:db8::1');
    expect(f('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
    expect(f('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1');
    expect(f('::')).toBe('::');
    expect(f('::ffff:c000:0201')).toBe('::ffff:192.0.2.1');
    expect(f('10.0.0.1')).toBe('10.0.0.1');
  });

  it('matches networks, IPv4-mapped addresses against IPv4 networks', () => {
    const net = parseCidr('10.0.0.0/8')!;
    expect(inCidr(parseIp('10.255.1.1')!, net)).toBe(true);
    expect(inCidr(parseIp('11.0.0.1')!, net)).toBe(false);
    expect(inCidr(parseIp('::ffff:10.1.1.1')!, net)).toBe(true);
    const v6 = parseCidr('2001:db8::/32')!;
    expect(inCidr(parseIp('2001:db8:ffff::1')!, v6)).toBe(true);
    expect(inCidr(parseIp('2001:db9::1')!, v6)).toBe(false);
    expect(inCidr(parseIp('10.0.0.1')!, v6)).toBe(false);
    expect(inCidr(parseIp('192.168.1.77')!, parseCidr('192.168.1.64/27')!)).toBe(true);
    expect(inCidr(parseIp('192.168.1.96')!, parseCidr('192.168.1.64/27')!)).toBe(false);
    expect(inCidr(parseIp('1.2.3.4')!, parseCidr('0.0.0.0/0')!)).toBe(true);
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
    expect(parseCidr('::/129')).toBeUndefined();
  });

  it('is the parser canonicalIp uses, strict where canonicalIp (for logged data) is lenient', () => {
    // A leading zero: ambiguous to write (octal in some parsers), read as decimal in logs.
    expect(parseIp('010.0.0.1')).toBeUndefined();
    expect(canonicalIp('010.0.0.1')).toBe('10.0.0.1');
    expect(parseIp('::ffff:010.0.0.1')).toBeUndefined();
    expect(canonicalIp('::ffff:010.0.0.1')).toBe('10.0.0.1');
    for (const s of ['2001:DB8::1', '::ffff:192.0.2.7', '1:0:0:2:0:0:0:3', '192.0.2.1'])
      expect(formatIp(parseIp(s)!).replace(/^::ffff:(?=\d+\.)/, '')).toBe(canonicalIp(s));
  });
});
