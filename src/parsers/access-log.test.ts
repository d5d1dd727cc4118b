import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAccessLine } from './access-log.js';
import { createLineParser, MAX_FIELD_CHARS, MAX_LINE_CHARS, MAX_ORIGINAL_CHARS } from './index.js';

const FIXTURES = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../test/fixtures/logs',
);
const ctx = { now: Date.parse('2026-11-27T12:00:00Z') };
const lines = readFileSync(path.join(FIXTURES, 'access-combined.log'), 'utf8')
  .trimEnd()
  .split('\n');

describe('access log parser', () => {
  it('reads every field of a combined line', () => {
    const ev = parseAccessLine(lines[0]!, ctx)!;
    expect(ev).toMatchObject({
      'event.name': 'http_request',
      time: '2026-11-27T09:00:00.000Z',
      'log.format': 'combined',
      'log.original': lines[0],
      'client.address': '203.0.113.9',
      'http.request.method': 'GET',
      'url.path': '/index.html',
      'http.response.status_code': 200,
      'http.response.body.bytes': 5120,
      'http.request.referrer': 'https://example.org/',
      'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0',
    });
    expect(ev['user.name']).toBeUndefined();
    expect(ev['url.query']).toBeUndefined();
  });

  it('handles IPv6 clients, users, queries, zones and dashes', () => {
    const ev = parseAccessLine(lines[1]!, ctx)!;
    expect(ev['client.address']).toBe('2001:db8::7');
    expect(ev['user.name']).toBe('alice');
    expect(ev.time).toBe('2026-11-27T09:00:01.000Z'); // +0100 converted to UTC
    expect(ev['url.path']).toBe('/login');
    expect(ev['url.query']).toBe('next=%2Faccount');
    expect(ev['http.request.referrer']).toBeUndefined();
    expect(ev.attributes?.['network.protocol.version']).toBe('2.0');
  });

  it('unescapes quotes inside the user agent', () => {
    const ev = parseAccessLine(lines[2]!, ctx)!;
    expect(ev['user_agent.original']).toBe('Mozilla/5.0 "quoted" agent');
    expect(ev['http.response.status_code']).toBe(404);
  });

  it('keeps TLS handshakes and `-` requests as malformed requests', () => {
    const tls = parseAccessLine(lines[3]!, ctx)!;
    expect(tls['event.name']).toBe('http_request');
    expect(tls.attributes?.['http.request.malformed']).toBe(true);
    expect(tls.attributes?.['http.request.line']).toBe(
      String.raw`\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03`,
    );
    expect(tls['http.request.method']).toBeUndefined();
    expect(tls['http.response.status_code']).toBe(400);
    const dash = parseAccessLine(lines[4]!, ctx)!;
    expect(dash.attributes?.['http.request.malformed']).toBe(true);
    expect(dash['http.response.body.bytes']).toBeUndefined();
    expect(dash['http.response.status_code']).toBe(408);
  });

  it('reads the common log format and vhost prefixes', () => {
    const common = parseAccessLine(
      '192.0.2.1 - - [27/Nov/2026:09:00:00 +0000] "GET / HTTP/1.0" 200 12',
      ctx,
    )!;
    expect(common['log.format']).toBe('common');
    expect(common['http.response.body.bytes']).toBe(12);
    const vhost = parseAccessLine(
      'shop.example.org:443 192.0.2.1 - - [27/Nov/2026:09:00:00 +0000] "GET /cart HTTP/1.1" 200 12 "-" "ua"',
      ctx,
    )!;
    expect(vhost).toMatchObject({
      'log.format': 'vhost_combined',
      'host.name': 'shop.example.org',
      'server.port': 443,
      'client.address': '192.0.2.1',
    });
    const bare = parseAccessLine(
      'shop.example.org 192.0.2.1 - - [27/Nov/2026:09:00:00 +0000] "GET / HTTP/1.1" 200 1',
      ctx,
    )!;
    expect(bare).toMatchObject({
      'log.format': 'vhost_common',
      'host.name': 'shop.example.org',
      'client.address': '192.0.2.1',
    });
  });

  it('reads response times: nginx seconds, Apache %D microseconds, rt=, Traefik ms', () => {
    const base = '192.0.2.1 - - [27/Nov/2026:09:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "ua"';
    expect(parseAccessLine(`${base} 0.123`, ctx)!['http.server.duration_ms']).toBe(123);
    expect(parseAccessLine(`${base} 1234`, ctx)!['http.server.duration_ms']).toBe(1.234);
    const rt = parseAccessLine(`${base} rt=0.050 uct="0.000" "10.0.0.1, 10.0.0.2"`, ctx)!;
    expect(rt['http.server.duration_ms']).toBe(50);
    expect(rt.attributes?.['access.extra']).toEqual(['uct="0.000"', '10.0.0.1, 10.0.0.2']);
    const traefik = parseAccessLine(`${base} 7 "router@docker" "http://10.0.0.2:80" 12ms`, ctx)!;
    expect(traefik['http.server.duration_ms']).toBe(12);
  });

  it('rejects lines that are not access logs', () => {
    for (const l of [
      'Nov 27 09:00:00 web1 sshd[1]: hello',
      '{"a":1}',
      '192.0.2.1 - - [27/Nov/2026:09:00:00 +0000] GET / 200',
      '192.0.2.1 - - [99/Nov/2026:09:00:00 +0000] "GET / HTTP/1.1" 200 1',
      '192.0.2.1 - - [27/Nov/2026:09:00:00 +0000] "GET / HTTP/1.1" abc 1',
      '',
    ])
      expect(parseAccessLine(l, ctx), l).toBeNull();
  });

  it('keeps replacement characters of non-UTF-8 bytes and every other field', () => {
    const text = readFileSync(path.join(FIXTURES, 'access-latin1.log')).toString('utf8').trimEnd();
    expect(text).toContain('\uFFFD');
    const ev = createLineParser('access').parse(text, ctx);
    expect(ev['url.path']).toBe('/caf\uFFFD');
    expect(ev['user_agent.original']).toBe('Bad\uFFFD\uFFFDAgent');
    expect(ev['http.response.status_code']).toBe(404);
    expect(ev['client.address']).toBe('203.0.113.77');
  });

  it('caps very long lines, keeps the event and says it was truncated', () => {
    const longPath = `/${'a'.repeat(200_000)}`;
    const line = `192.0.2.1 - - [27/Nov/2026:09:00:00 +0000] "GET ${longPath} HTTP/1.1" 414 0 "-" "ua"`;
    const ev = createLineParser('access').parse(line, ctx);
    expect(ev['http.response.status_code']).toBe(414);
    expect(ev['url.path']!.length).toBe(MAX_FIELD_CHARS);
    expect(ev['log.original'].length).toBe(MAX_ORIGINAL_CHARS);
    expect(ev.attributes?.['log.truncated']).toBe(true);
    expect(ev.attributes?.['log.original_chars']).toBe(line.length);
    // Beyond MAX_LINE_CHARS the line is cut before parsing: still one event, never dropped.
    const huge = `192.0.2.1 - - [27/Nov/2026:09:00:00 +0000] "GET /${'b'.repeat(MAX_LINE_CHARS + 10)} HTTP/1.1" 200 1`;
    const ev2 = createLineParser('auto').parse(huge, ctx);
    expect(ev2['log.format']).toBe('unparsed');
    expect(ev2.attributes?.['log.truncated']).toBe(true);
    expect(ev2.attributes?.['log.original_chars']).toBe(huge.length);
    expect(ev2.message!.length).toBe(MAX_FIELD_CHARS);
  });

  it("reads Nginx Proxy Manager's proxy-host format", () => {
    const ev = parseAccessLine(
      '[27/Nov/2026:09:00:00 +0100] - 404 200 - GET https shop.example.org "/v1/health?x=1" [Client 192.0.2.104] [Length 512] [Gzip 1.1] [Sent-to 10.0.0.5] "curl/8.5.0" "-"',
      ctx,
    )!;
    expect(ev).toMatchObject({
      'log.format': 'npm_proxy',
      time: '2026-11-27T08:00:00.000Z',
      'client.address': '192.0.2.104',
      'http.request.method': 'GET',
      'url.path': '/v1/health',
      'url.query': 'x=1',
      'http.response.status_code': 200,
      'http.response.body.bytes': 512,
      'host.name': 'shop.example.org',
      'user_agent.original': 'curl/8.5.0',
    });
    expect(ev['http.request.referrer']).toBeUndefined();
    expect(parseAccessLine('[27/Nov/2026:09:00:00 +0100] something else', ctx)).toBeNull();
  });
});

describe('truncated time zones (found by mutating corpus lines)', () => {
  it('rejects `+0` and `+` as a zone instead of throwing, and caches no stale time', () => {
    const bad = '203.0.113.9 - - [05/Mar/2021:09:01:38 +0] "GET / HTTP/1.1" 200 1';
    // before: digitsAt read past the end as NaN, Date threw, and the CLF cache kept the text
    expect(() => parseAccessLine(bad, ctx)).not.toThrow();
    expect(parseAccessLine(bad, ctx)).toBeNull();
    expect(parseAccessLine(bad.replace('+0]', '+]'), ctx)).toBeNull();
    const good = parseAccessLine(bad.replace('+0]', '+0100]'), ctx);
    expect(good?.time).toBe('2021-03-05T08:01:38.000Z');
  });

  it('does not throw on an ISO time that ends in a bare sign', async () => {
    const { parseIso } = await import('./time.js');
    expect(() => parseIso('2023-03-19T12:34:09.757188+', ctx)).not.toThrow();
    expect(parseIso('2023-03-19T12:34:09.757188+', ctx)).toBeNull();
    const p = createLineParser('auto');
    expect(() => p.parse('<35>1 2022-01-19T15:14:32+0 host app 1 - - msg', ctx)).not.toThrow();
  });
});
