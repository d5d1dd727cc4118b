import { LogwardenError } from './errors.js';

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * Parse `HOST:PORT` (`[::1]:7420` for IPv6). `:PORT` alone means 127.0.0.1: a listener is
 * reachable from the network only when a host is named. Port 0 asks the OS for an ephemeral
 * port. One parser for every listen address (HTTP server, syslog receivers, config checks).
 *
 * @example parseListen('127.0.0.1:7420') // { host: '127.0.0.1', port: 7420 }
 * @example parseListen(':5514') // { host: '127.0.0.1', port: 5514 }
 */
export function parseListen(text: string, what = 'listen'): ListenAddress {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]*)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) {
    throw new LogwardenError(
      'LW_CONFIG_INVALID',
      `${what}: expected HOST:PORT (e.g. 127.0.0.1:7420 or [::1]:7420), got ${JSON.stringify(text)}`,
    );
  }
  const host = m[1] ?? m[2] ?? '';
  return { host: host === '' ? '127.0.0.1' : host, port };
}

/** Whether a listen host only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
