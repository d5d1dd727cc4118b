/**
 * SQL functions registered on every connection. `lw_in_cidr(address, 'net/prefix')` is 1 when
 * the address text lies in the network (IPv4-mapped IPv6 addresses match IPv4 networks), 0 when
 * not, NULL when the address is NULL. A function rather than numeric columns: it costs nothing
 * at insert time, and CIDR searches are rare next to inserts.
 */
import type Database from 'better-sqlite3';
import { inCidr, parseCidr, parseIp } from '../../core/ip.js';
import type { IpNetwork } from '../../core/ip.js';

/** Parsed networks, keyed by text: a query names a handful; bounded anyway. */
const NETWORKS = new Map<string, IpNetwork | null>();
const MAX_CACHED = 256;

function network(text: string): IpNetwork | null {
  let net = NETWORKS.get(text);
  if (net === undefined) {
    net = parseCidr(text) ?? null;
    if (NETWORKS.size >= MAX_CACHED) NETWORKS.clear();
    NETWORKS.set(text, net);
  }
  return net;
}

export function registerSqlFunctions(db: Database.Database): void {
  db.function('lw_in_cidr', { deterministic: true }, (address: unknown, cidr: unknown) => {
    if (typeof address !== 'string' || typeof cidr !== 'string') return null;
    const net = network(cidr);
    // A zone id (fe80::1%eth0) does not change which network an address is in.
    const pct = address.indexOf('%');
    const ip = parseIp(pct < 0 ? address : address.slice(0, pct));
    return net !== null && ip !== undefined && inCidr(ip, net) ? 1 : 0;
  });
}
