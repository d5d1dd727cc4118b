import { LogwardenError } from '../core/errors.js';

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/**
 * Parse `HOST:PORT` (`[::1]:7420` for IPv6). Port 0 asks the OS for an ephemeral port.
 *
 * @example parseListen('127.0.0.1:7420') // { host: '127.0.0.1', port: 7420 }
 */
export function parseListen(text: string, what = 'listen'): ListenAddress {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) {
    throw new LogwardenError(
      'LW_CONFIG_INVALID',
      `${what}: expected HOST:PORT (e.g. 127.0.0.1:7420 or [::1]:7420), got ${JSON.stringify(text)}`,
    );
  }
  return { host: (m[1] ?? m[2]) as string, port };
}

/** Whether a listen host only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
