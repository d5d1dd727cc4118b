import { z } from 'zod';
import { parseCidr, parseIp } from '../../core/ip.js';
import { parseListen } from '../listen.js';
import { defineSection, type ConfigIssue } from './define.js';

const MiB = 1024 * 1024;
const positive = () => z.number().int().positive();

/** The HTTP server: where it listens, what it accepts, how much it holds in memory. */
export const serverSection = defineSection({
  schema: z
    .strictObject({
      listen: z
        .string()
        .default('127.0.0.1:7420')
        .describe('HOST:PORT to listen on. Loopback by default: expose it on purpose, behind TLS.'),
      max_body_bytes: positive()
        .default(10 * MiB)
        .describe('Largest request body, after gzip decompression (a gzip bomb gets 413).'),
      max_item_bytes: positive()
        .default(64 * 1024)
        .describe('Largest single event (one array element or NDJSON line) in bytes.'),
      max_fields: positive()
        .default(256)
        .describe('Most fields (keys, counted recursively) in one event.'),
      max_depth: positive().default(8).describe('Deepest nesting of objects/arrays in one event.'),
      max_batch_items: positive().default(10_000).describe('Most events in one request.'),
      max_inflight_bytes: positive()
        .default(64 * MiB)
        .describe(
          'Request bytes held while awaiting commit; above it requests get 429 (backpressure).',
        ),
      max_inflight_events: positive()
        .default(100_000)
        .describe('Events held while awaiting commit; above it requests get 429 (backpressure).'),
      retry_after_secs: positive().default(1).describe('Retry-After sent with 429 answers.'),
      request_timeout_secs: positive()
        .default(30)
        .describe(
          'Longest time to receive one whole request; a slow sender cannot hold in-flight budget longer.',
        ),
      shutdown_timeout_secs: positive()
        .default(30)
        .describe('On SIGTERM, how long to wait for in-flight requests to commit before closing.'),
      trust_proxy: z
        .array(z.string(), {
          error: 'expected a list of proxy addresses or CIDRs, e.g. ["127.0.0.1", "10.0.0.0/8"]',
        })
        .default([])
        .describe(
          "Reverse proxies whose X-Forwarded-For (and X-Forwarded-Proto) is believed: IP addresses, CIDRs (10.0.0.0/8, fd00::/8) or loopback, linklocal, uniquelocal. The client address (login rate limit and lockout, client.address of the dashboard's own security events) is then the last X-Forwarded-For hop not in this list. Empty (default): the header is ignored and the client is the TCP peer.",
        ),
      metrics_public: z
        .boolean()
        .default(false)
        .describe('Serve GET /metrics without a token. Off by default: metrics name every source.'),
      log_level: z
        .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
        .default('info')
        .describe("logwarden's own log level (pino, JSON lines on stderr)."),
    })
    .prefault({}),
  validate(s) {
    const issues: ConfigIssue[] = [];
    try {
      parseListen(s.listen);
    } catch (e) {
      issues.push({ path: ['listen'], message: (e as Error).message.replace(/^listen: /, '') });
    }
    s.trust_proxy.forEach((entry, i) => {
      const problem = trustProxyProblem(entry);
      if (problem) issues.push({ path: ['trust_proxy', i], message: problem });
    });
    if (s.max_item_bytes > s.max_body_bytes) {
      issues.push({
        path: ['max_item_bytes'],
        message: `${s.max_item_bytes} is above max_body_bytes ${s.max_body_bytes}`,
      });
    }
    if (s.max_body_bytes > s.max_inflight_bytes) {
      issues.push({
        path: ['max_inflight_bytes'],
        message: `${s.max_inflight_bytes} is below max_body_bytes ${s.max_body_bytes}: no request could ever be admitted`,
      });
    }
    return issues;
  },
});

/** The names proxy-addr (Fastify's trustProxy) knows besides addresses and CIDRs. */
const TRUST_PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * Why `entry` is not a server.trust_proxy entry, or undefined when it is one. Addresses and
 * CIDRs are parsed by core/ip.ts (strict: no zone id, no leading zeros). The prefix length
 * starts at 1: Fastify's proxy-addr refuses /0 (trusting every peer) when the server starts.
 */
function trustProxyProblem(entry: string): string | undefined {
  if (TRUST_PROXY_NAMES.has(entry)) return undefined;
  const slash = entry.indexOf('/');
  const ip = parseIp(slash < 0 ? entry : entry.slice(0, slash));
  if (ip === undefined)
    return `${JSON.stringify(entry)}: expected an IP address, a CIDR (10.0.0.0/8, fd00::/8) or one of loopback, linklocal, uniquelocal`;
  if (slash < 0) return undefined;
  const net = parseCidr(entry);
  if (net === undefined || net.prefix === 0)
    return `${JSON.stringify(entry)}: the prefix length must be a number from 1 to ${ip.version === 4 ? 32 : 128}`;
  return undefined;
}
