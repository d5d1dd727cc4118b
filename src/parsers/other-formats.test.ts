import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseLogfmtLine } from './logfmt.js';
import { parseApacheErrorLine, parseNginxErrorLine } from './server-errors.js';
import { parseTimestampedLine } from './timestamped.js';
import { parseUrlLine } from './url-line.js';

const FIXTURES = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../test/fixtures/logs',
);
const ctx = { now: Date.parse('2026-11-27T12:00:00Z') };
const read = (f: string): string[] =>
  readFileSync(path.join(FIXTURES, f), 'utf8').trimEnd().split('\n');

describe('nginx error log', () => {
  const [open, limit, auth, notice] = read('nginx-error.log').map((l) =>
    parseNginxErrorLine(l, ctx)!,
  );
  it('reads level, client, request and host; assumes the zone', () => {
    expect(open).toMatchObject({
      time: '2026-11-27T09:00:00.000Z',
      severity: 'ERROR',
      'client.address': '203.0.113.9',
      'http.request.method': 'GET',
      'url.path': '/.env',
      'host.name': 'example.org',
      'server.address': 'example.org',
      'log.format': 'nginx_error',
    });
    expect(open!.message).toBe(
      'open() "/usr/share/nginx/html/.env" failed (2: No such file or directory)',
    );
    expect(open!.attributes).toMatchObject({
      'time.assumed': 'tz=UTC',
      'process.pid': 1234,
      'nginx.connection': 5,
    });
    expect(notice).toMatchObject({ severity: 'INFO', message: 'signal process started' });
  });
  it('maps rate limiting and basic-auth failures', () => {
    expect(limit).toMatchObject({
      'event.name': 'excess_rate_limit_exceeded',
      'client.address': '203.0.113.9',
    });
    expect(limit!.attributes).toMatchObject({ 'nginx.limit_zone': 'login', 'nginx.excess': 10.5 });
    expect(auth).toMatchObject({
      'event.name': 'authn_login_fail',
      'user.name': 'admin',
      'event.reason': 'wrong_password',
      'client.address': '198.51.100.4',
    });
  });
  it('rejects other lines', () => {
    expect(parseNginxErrorLine('2026/11/27 09:00:00 [bogus] x', ctx)).toBeNull();
    expect(parseNginxErrorLine('2026-11-27 09:00:00 [error] x', ctx)).toBeNull();
  });
});

describe('Apache error log', () => {
  const [uri, missing, auth, denied] = read('apache-error.log').map((l) =>
    parseApacheErrorLine(l, ctx)!,
  );
  it('reads 2.4 and 2.2 forms', () => {
    expect(uri).toMatchObject({
      time: '2026-11-27T09:00:00.123Z',
      severity: 'ERROR',
      'client.address': '203.0.113.9',
      'client.port': 52144,
    });
    expect(uri!.attributes).toMatchObject({
      'apache.module': 'core',
      'apache.code': 'AH00126',
      'process.pid': 4242,
    });
    expect(missing).toMatchObject({
      'client.address': '198.51.100.4',
      message: 'File does not exist: /var/www/html/phpmyadmin',
    });
  });
  it('maps auth failures and denials', () => {
    expect(auth).toMatchObject({
      'event.name': 'authn_login_fail',
      'user.name': 'bob',
      'event.reason': 'wrong_password',
      'url.path': '/admin',
      'http.request.referrer': 'https://example.org/',
    });
    expect(denied).toMatchObject({ 'event.name': 'authz_fail', 'client.address': '198.51.100.5' });
  });
});

describe('logfmt', () => {
  const [a, b, c] = read('logfmt.log').map((l) => parseLogfmtLine(l, ctx)!);
  it('maps the usual keys', () => {
    expect(a).toMatchObject({
      time: '2026-11-27T09:00:00.000Z',
      severity: 'ERROR',
      'http.request.method': 'POST',
      'url.path': '/api/firstfactor',
      'client.address': '203.0.113.9',
      'log.format': 'logfmt',
    });
    expect(a!.message).toBe("Unsuccessful 1FA authentication attempt by user 'admin'");
    expect(b).toMatchObject({
      'event.name': 'http_request',
      'url.query': 'x=1',
      'http.response.status_code': 200,
      'http.server.duration_ms': 12.5,
    });
    expect(c).toMatchObject({
      severity: 'WARN',
      message: 'quoted "inner" text',
      'user.name': 'alice',
    });
  });
  it('rejects free text', () => {
    for (const l of ['hello world', 'a=1 and more', 'only=1', 'k="unterminated'])
      expect(parseLogfmtLine(l, ctx), l).toBeNull();
  });
});

describe('timestamp + URL lines', () => {
  const [a, b, c, d] = read('url-line.log').map((l) => parseUrlLine(l, ctx)!);
  it('reads what little there is, and records the assumed zone', () => {
    expect(a).toMatchObject({
      'event.name': 'http_request',
      time: '2026-11-27T09:00:01.000Z',
      'http.request.method': 'GET',
      'url.path': '/account',
      'url.query': 'id=7',
      'log.format': 'url_line',
    });
    expect(a!.attributes?.['time.assumed']).toBe('tz=UTC');
    expect(b).toMatchObject({ 'http.request.method': 'POST', 'http.response.status_code': 401 });
    expect(c).toMatchObject({ time: '2026-11-27T09:00:03.000Z', 'url.path': '/login' });
    expect(d).toMatchObject({ 'client.address': '203.0.113.9', 'http.response.status_code': 403 });
    expect(d!.attributes?.['time.assumed']).toBeUndefined();
  });
  it('stays strict', () => {
    for (const l of [
      '2026-11-27 09:00:01 user logged in from /dev/tty1 ok now',
      '2026-11-27 09:00:01 hello',
      'GET /x',
    ])
      expect(parseUrlLine(l, ctx), l).toBeNull();
  });
});

describe('generic timestamped lines', () => {
  it('reads time, level, message and a cued client address', () => {
    const ev = parseTimestampedLine(
      '2024-03-12T04:31:44Z [AUTH] WARN: Incorrect username or password for user bob. IP=192.168.1.1',
      ctx,
    )!;
    expect(ev).toMatchObject({
      time: '2024-03-12T04:31:44.000Z',
      severity: 'WARN',
      'client.address': '192.168.1.1',
      'log.format': 'timestamped',
    });
    const py = parseTimestampedLine(
      '2022-04-05 14:40:34,644 1 INFO odoo odoo.addons.base.models.res_users: Login failed for db:odoo login:x from 172.19.0.1',
      ctx,
    )!;
    expect(py).toMatchObject({
      time: '2022-04-05T14:40:34.644Z',
      severity: 'INFO',
      'client.address': '172.19.0.1',
    });
    const go = parseTimestampedLine(
      '2022/05/06 04:53:57 [190.2.139.67:58629] authentication for user "root" with password "x" accepted',
      ctx,
    )!;
    expect(go).toMatchObject({
      time: '2022-05-06T04:53:57.000Z',
      'client.address': '190.2.139.67',
    });
    const pg = parseTimestampedLine(
      '2021-09-28 09:22:18.536 UTC [147] 1.2.3.4 u@db FATAL:  password authentication failed',
      ctx,
    )!;
    expect(pg).toMatchObject({ time: '2021-09-28T09:22:18.536Z', severity: 'CRITICAL' });
    expect(pg.attributes?.['time.assumed']).toBeUndefined();
    expect(
      parseTimestampedLine(
        'Mon Jun 8 12:08:53 2020 [pid 27244] [user] FAIL LOGIN: Client "::ffff:93.24.101.89"',
        ctx,
      ),
    ).toMatchObject({ time: '2020-06-08T12:08:53.000Z', 'client.address': '::ffff:93.24.101.89' });
  });
  it('needs a timestamp at the start', () => {
    for (const l of ['hello 2026-11-27T09:00:00Z', '12345 x', ''])
      expect(parseTimestampedLine(l, ctx), l).toBeNull();
  });
});

describe('apache error time with a broken fraction (found by mutating corpus lines)', () => {
  it('is not an apache_error line, and parsing it does not throw', () => {
    const line =
      '[Wed Jul 05 09:19:28.a528126 2023] [proxy_fcgi:error] [pid 1:tid 2] [client 203.0.113.9:5] AH01071: x';
    expect(() => parseApacheErrorLine(line, { now: 0 })).not.toThrow();
    expect(parseApacheErrorLine(line, { now: 0 })).toBeNull();
    const ok = parseApacheErrorLine(line.replace('.a528126', '.528126'), { now: 0 });
    expect(ok?.['log.format']).toBe('apache_error');
  });
});
