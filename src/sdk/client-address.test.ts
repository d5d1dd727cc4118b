import { describe, expect, it } from 'vitest';
import { createClientAddressResolver } from './client-address.js';

describe('client address', () => {
  it('ignores X-Forwarded-For by default', () => {
    const r = createClientAddressResolver();
    expect(r('::ffff:10.0.0.2', '1.2.3.4')).toBe('10.0.0.2');
    expect(r('2001:db8::1', undefined)).toBe('2001:db8::1');
  });

  it('walks N trusted hops', () => {
    const one = createClientAddressResolver(1);
    expect(one('10.0.0.2', '198.51.100.7')).toBe('198.51.100.7');
    // A client-supplied entry left of the real one is not believed with one hop.
    expect(one('10.0.0.2', '6.6.6.6, 198.51.100.7')).toBe('198.51.100.7');
    const two = createClientAddressResolver(2);
    expect(two('10.0.0.2', '6.6.6.6, 198.51.100.7, 10.0.0.9')).toBe('198.51.100.7');
    expect(two('10.0.0.2', undefined)).toBe('10.0.0.2');
  });

  it('walks trusted CIDRs right to left and stops at the first untrusted hop', () => {
    const r = createClientAddressResolver(['10.0.0.0/8', '::1/128']);
    expect(r('10.0.0.2', '6.6.6.6, 198.51.100.7, 10.1.2.3')).toBe('198.51.100.7');
    expect(r('::1', '2001:db8::5')).toBe('2001:db8::5');
    // The peer is not a trusted proxy: its header is ignored.
    expect(r('203.0.113.1', '1.1.1.1')).toBe('203.0.113.1');
    // Garbage in the chain stops the walk at the last good hop.
    expect(r('10.0.0.2', ['1.1.1.1, not-an-ip'])).toBe('10.0.0.2');
  });

  it('rejects bad settings', () => {
    expect(() => createClientAddressResolver(['10.0.0.0/40'])).toThrow(/trustProxy/);
    expect(() => createClientAddressResolver(['example.com'])).toThrow(/not a CIDR/);
    expect(() => createClientAddressResolver(-1)).toThrow(/hop count/);
  });
});
