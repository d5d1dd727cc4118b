import net from 'node:net';
import { LogwardenError } from '../../core/errors.js';

/** `127.0.0.1:514`, `[::1]:514` or `:514` (= 127.0.0.1: secure default) into host and port. */
export function splitHostPort(listen: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(listen);
  const host = m ? (m[1] ?? m[2] ?? '') : '';
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535 || (host !== '' && m[1] !== undefined && !net.isIPv6(host))) {
    throw new LogwardenError(
      'LW_CONFIG_INVALID',
      `listen address "${listen}" is not HOST:PORT (e.g. 127.0.0.1:5514 or [::1]:5514)`,
    );
  }
  return { host: host === '' ? '127.0.0.1' : host, port };
}
