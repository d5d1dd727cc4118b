/**
 * The frame parser of the network syslog receiver: RFC 5424 (with structured data) or RFC 3164,
 * then the program's own wording (sshd, sudo, su, PAM...), through the same syslog line parser
 * as files (src/parsers/syslog.ts), so a frame and a line of auth.log become the same event.
 * A frame that is not syslog is kept as a `log` event (`log.format: unparsed`), never dropped.
 *
 * @example
 * const parse = createSyslogFrameParser({});
 * parse('<38>Nov 27 09:00:00 web1 sshd[42]: Failed password for root from 203.0.113.9 port 52144 ssh2', '192.0.2.7', 'udp');
 * // { 'event.name': 'authn_login_fail', 'user.name': 'root', 'client.address': '203.0.113.9', ... }
 */
import { createLineParser, validateParseContext, type ParserStats } from '../../parsers/index.js';

export interface SyslogFrameParserOptions {
  /** Zone for RFC 3164 timestamps (which carry none); default UTC. */
  readonly timezone?: string;
  /** Year for RFC 3164 timestamps; default inferred from the clock. */
  readonly year?: number;
  readonly now?: () => number;
}

export interface SyslogFrameParser {
  (text: string, sender: string, transport: 'udp' | 'tcp' | 'tls'): Record<string, unknown>;
  stats(): ParserStats;
}

export function createSyslogFrameParser(opts: SyslogFrameParserOptions): SyslogFrameParser {
  const now = opts.now ?? Date.now;
  const base = {
    ...(opts.timezone !== undefined ? { timezone: opts.timezone } : {}),
    ...(opts.year !== undefined ? { year: opts.year } : {}),
  };
  validateParseContext({ ...base, now: now() }); // fail at init, never per frame
  // Explicit format: no fallback to other parsers (a frame is syslog or it is unparsed).
  const parser = createLineParser('syslog');
  const parse = (text: string, sender: string, transport: 'udp' | 'tcp' | 'tls') => {
    const ev = parser.parse(text, { ...base, now: now(), source: `syslog:${sender}` }) as Record<
      string,
      unknown
    >;
    const attributes = (ev.attributes ??= {}) as Record<string, unknown>;
    attributes['syslog.transport'] = transport;
    return ev;
  };
  return Object.assign(parse, { stats: () => parser.stats() });
}
