/**
 * IP addresses and CIDRs for search filters: parsed in core (core/ip.ts), the one IP parser of
 * the code base. Kept as a re-export for the store's SQL functions (src/storage imports it).
 */
export { formatIp, inCidr, parseCidr, parseIp } from '../core/ip.js';
export type { IpAddress, IpNetwork } from '../core/ip.js';
