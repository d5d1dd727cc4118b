import { describe, expect, it } from 'vitest';
import { parseConfig } from '../load.js';

const parse = (sources: unknown) =>
  parseConfig({ version: 1, sources }, { origin: 'test.yaml', env: {} }).config.sources;

function errorOf(sources: unknown): string {
  try {
    parse(sources);
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
}

describe('sources config section', () => {
  it('is off by default except the authenticated OTLP route', () => {
    const s = parse(undefined);
    expect(s.files).toEqual([]);
    expect(s.syslog.udp).toBeUndefined();
    expect(s.syslog.tcp).toBeUndefined();
    expect(s.syslog.tls).toBeUndefined();
    expect(s.syslog.max_frame_bytes).toBe(65536);
    expect(s.otlp.enabled).toBe(true);
  });

  it('fills file entry defaults and keeps what was given', () => {
    const s = parse({ files: [{ paths: ['/var/log/auth.log'], timezone: 'Europe/Paris' }] });
    expect(s.files[0]).toEqual({
      paths: ['/var/log/auth.log'],
      format: 'auto',
      timezone: 'Europe/Paris',
      start_at: 'beginning',
      poll_ms: 250,
    });
  });

  it('binds TLS to loopback unless told otherwise, and accepts :PORT', () => {
    const s = parse({ syslog: { tcp: ':5514', tls: { cert_file: 'c.pem', key_file: 'k.pem' } } });
    expect(s.syslog.tcp).toBe(':5514');
    expect(s.syslog.tls).toMatchObject({ listen: '127.0.0.1:6514', client_auth: false });
  });

  it('names the key of each mistake', () => {
    expect(errorOf({ syslog: { udp: 'localhost' } })).toMatch(/sources\.syslog\.udp/);
    expect(errorOf({ files: [{ paths: [] }] })).toMatch(/sources\.files\.0\.paths/);
    expect(errorOf({ files: [{ paths: ['x'], poll_ms: 1 }] })).toMatch(/poll_ms/);
    expect(
      errorOf({ syslog: { tls: { cert_file: 'c', key_file: 'k', client_auth: true } } }),
    ).toMatch(/sources\.syslog\.tls\.ca_file.*client_auth needs ca_file/);
    expect(errorOf({ syslog: { udp: ':514', extra: 1 } })).toMatch(/unknown key/);
  });
});
