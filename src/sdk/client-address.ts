/**
 * Client address resolution with explicit proxy trust. X-Forwarded-For is attacker-controlled
 * unless a proxy we trust wrote it, so it is ignored by default (`trustProxy: false`).
 *
 * - a number N: N proxies in front of the app; the address N hops left of the socket peer.
 * - a list of CIDRs: walk right to left through peer + X-Forwarded-For while the hop is a
 *   trusted proxy; the first untrusted hop is the client (same rule as Express's `trust proxy`).
 */
import { BlockList, isIP } from 'node:net';
import { LogwardenError } from '../core/errors.js';

export type TrustProxy = false | number | readonly string[];

export type ClientAddressResolver = (
  peer: string | undefined,
  forwardedFor: string | string[] | undefined,
) => string | undefined;

/** Strips the IPv4-mapped IPv6 prefix so `::ffff:10.0.0.1` and `10.0.0.1` compare equal. */
export function normalizeAddress(addr: string | undefined): string | undefined {
  if (addr === undefined || addr === '') return undefined;
  if (addr.startsWith('::ffff:') && isIP(addr.slice(7)) === 4) return addr.slice(7);
  return addr;
}

function forwardedList(h: string | string[] | undefined): string[] {
  if (h === undefined) return [];
  const joined = Array.isArray(h) ? h.join(',') : h;
  const out: string[] = [];
  for (const part of joined.split(',')) {
    const a = part.trim();
    if (a !== '') out.push(a);
  }
  return out;
}

/**
 * Compiles a trust-proxy setting into a resolver. Throws LW_SDK_CONFIG on a bad setting.
 *
 * @example
 * const resolve = createClientAddressResolver(['10.0.0.0/8']);
 * resolve('10.0.0.2', '198.51.100.7, 10.0.0.9'); // '198.51.100.7'
 */
export function createClientAddressResolver(trust: TrustProxy = false): ClientAddressResolver {
  if (trust === false) return (peer) => normalizeAddress(peer);
  if (typeof trust === 'number') {
    if (!Number.isInteger(trust) || trust < 0 || trust > 32) {
      throw new LogwardenError(
        'LW_SDK_CONFIG',
        `trustProxy: expected a hop count 0..32, got ${String(trust)}`,
      );
    }
    const hops = trust;
    return (peer, xff) => {
      const chain = forwardedList(xff);
      chain.push(peer ?? '');
      // chain[len-1] is the peer; each trusted hop moves one step left, never past the first entry.
      const idx = Math.max(0, chain.length - 1 - hops);
      for (let i = idx; i < chain.length; i++) {
        const a = normalizeAddress(chain[i]);
        if (a !== undefined && isIP(a) !== 0) return a;
      }
      return normalizeAddress(peer);
    };
  }
  if (!Array.isArray(trust)) {
    throw new LogwardenError(
      'LW_SDK_CONFIG',
      'trustProxy: expected false, a hop count or a list of CIDRs',
    );
  }
  const list = new BlockList();
  for (const cidr of trust as readonly string[]) {
    const [net, bits, extra] = String(cidr).split('/');
    const family = isIP(net ?? '');
    const prefix = bits === undefined ? (family === 6 ? 128 : 32) : Number(bits);
    if (
      family === 0 ||
      extra !== undefined ||
      !Number.isInteger(prefix) ||
      prefix < 0 ||
      prefix > (family === 6 ? 128 : 32)
    ) {
      throw new LogwardenError(
        'LW_SDK_CONFIG',
        `trustProxy: "${String(cidr)}" is not a CIDR (e.g. 10.0.0.0/8, ::1/128)`,
      );
    }
    list.addSubnet(net!, prefix, family === 6 ? 'ipv6' : 'ipv4');
  }
  const trusted = (a: string): boolean => {
    const f = isIP(a);
    return f !== 0 && list.check(a, f === 6 ? 'ipv6' : 'ipv4');
  };
  return (peer, xff) => {
    let current = normalizeAddress(peer);
    if (current === undefined || !trusted(current)) return current;
    const chain = forwardedList(xff);
    for (let i = chain.length - 1; i >= 0; i--) {
      const hop = normalizeAddress(chain[i]);
      if (hop === undefined || isIP(hop) === 0) return current; // garbage: stop at the last good hop
      current = hop;
      if (!trusted(current)) return current;
    }
    return current;
  };
}
