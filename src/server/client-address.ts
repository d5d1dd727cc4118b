/**
 * The one place the HTTP server says who the client is: the TCP peer, or, when the peer is one
 * of server.trust_proxy, the last X-Forwarded-For hop that is not a trusted proxy (Fastify's
 * trustProxy sets request.ip so). IPv4-mapped IPv6 (`::ffff:192.0.2.7`, seen on a dual-stack
 * listener) is written as the IPv4 address, so one client is one key for the login rate limit.
 *
 * @example
 * const ip = clientAddress(request); // '203.0.113.9'
 */
import type { FastifyRequest } from 'fastify';
import { canonicalIp } from '../core/ip.js';

export function clientAddress(request: FastifyRequest): string {
  const ip = request.ip;
  return canonicalIp(ip) ?? ip;
}
