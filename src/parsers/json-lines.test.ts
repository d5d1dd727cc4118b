import { Writable } from 'node:stream';
import pino from 'pino';
import winston from 'winston';
import { describe, expect, it } from 'vitest';
import { parseJsonLine } from './json-lines.js';

const ctx = { now: Date.parse('2026-11-27T12:00:00Z') };

/** Lines written by a real logger into memory. */
function sink(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString('utf8').split('\n')) if (l !== '') lines.push(l);
      cb();
    },
  });
  return { stream, lines };
}

describe('JSON lines', () => {
  it('maps real pino output (level number, epoch ms, msg, pino-http fields)', () => {
    const { stream, lines } = sink();
    const log = pino({ base: { pid: 4242, hostname: 'api-1' } }, stream);
    log.warn({ userId: 'u-17' }, 'login throttled');
    log.info(
      {
        req: {
          id: 9,
          method: 'POST',
          url: '/login?next=/home',
          remoteAddress: '203.0.113.9',
          remotePort: 5050,
        },
        res: { statusCode: 401 },
        responseTime: 12,
      },
      'request completed',
    );
    const before = Date.now();
    const [a, b] = lines.map((l) => parseJsonLine(l, ctx)!);
    expect(a).toMatchObject({
      'event.name': 'log',
      severity: 'WARN',
      message: 'login throttled',
      'user.id': 'u-17',
      'host.name': 'api-1',
      'log.format': 'json',
    });
    expect(a!.attributes).toMatchObject({ 'json.dialect': 'pino', pid: 4242 });
    expect(Math.abs(Date.parse(a!.time!) - before)).toBeLessThan(60_000);
    expect(b).toMatchObject({
      'event.name': 'http_request',
      severity: 'INFO',
      'http.request.method': 'POST',
      'url.path': '/login',
      'url.query': 'next=/home',
      'http.response.status_code': 401,
      'client.address': '203.0.113.9',
      'client.port': 5050,
      'http.server.duration_ms': 12,
      'request.id': '9',
    });
  });

  it('maps real winston JSON output (string level, message, ISO timestamp)', async () => {
    const { stream, lines } = sink();
    const log = winston.createLogger({
      format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
      transports: [new winston.transports.Stream({ stream })],
    });
    log.error('payment failed', { user: 'alice', ip: '198.51.100.4', status: 500 });
    await new Promise((r) => setTimeout(r, 20));
    const ev = parseJsonLine(lines[0]!, ctx)!;
    expect(ev).toMatchObject({
      severity: 'ERROR',
      message: 'payment failed',
      'user.name': 'alice',
      'client.address': '198.51.100.4',
      'http.response.status_code': 500,
    });
    expect(ev.attributes?.['json.dialect']).toBe('winston');
    expect(ev.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('maps bunyan, ECS and our own schema', () => {
    const bunyan = parseJsonLine(
      '{"name":"shop","hostname":"h1","pid":7,"level":50,"msg":"db down","time":"2026-11-27T09:00:00.000Z","v":0}',
      ctx,
    )!;
    expect(bunyan).toMatchObject({
      severity: 'ERROR',
      message: 'db down',
      'service.name': 'shop',
      'host.name': 'h1',
      time: '2026-11-27T09:00:00.000Z',
    });
    expect(bunyan.attributes?.['json.dialect']).toBe('bunyan');
    const ecs = parseJsonLine(
      '{"@timestamp":"2026-11-27T09:00:00.5Z","log.level":"warn","message":"denied","ecs.version":"8.11.0","source":{"ip":"192.0.2.8"},"user":{"name":"bob"},"http":{"request":{"method":"GET"},"response":{"status_code":403}},"url":{"path":"/admin"},"event":{"action":"view_admin","outcome":"failure"}}',
      ctx,
    )!;
    expect(ecs).toMatchObject({
      time: '2026-11-27T09:00:00.500Z',
      severity: 'WARN',
      'client.address': '192.0.2.8',
      'user.name': 'bob',
      'http.request.method': 'GET',
      'http.response.status_code': 403,
      'url.path': '/admin',
      'event.action': 'view_admin',
      'event.outcome': 'failure',
      'event.name': 'http_request',
    });
    expect(ecs.attributes?.['json.dialect']).toBe('ecs');
    const own = parseJsonLine(
      '{"time":"2026-11-27T09:00:00.000Z","event.name":"authn_login_fail","user.id":"joebob1","client.address":"203.0.113.9","attributes":{"maxlimit":5}}',
      ctx,
    )!;
    expect(own).toMatchObject({
      'event.name': 'authn_login_fail',
      'user.id': 'joebob1',
      'client.address': '203.0.113.9',
    });
    expect(own.attributes).toMatchObject({ maxlimit: 5, 'json.dialect': 'logwarden' });
  });

  it('maps OTLP/JSON log records (AnyValue attributes, nanosecond times, severityNumber)', () => {
    const rec = {
      timeUnixNano: '1795770000123000000',
      severityNumber: 17,
      severityText: 'ERROR',
      body: { stringValue: 'login failed' },
      attributes: [
        { key: 'event.name', value: { stringValue: 'authn_login_fail' } },
        { key: 'user.id', value: { stringValue: 'u1' } },
        { key: 'client.address', value: { stringValue: '203.0.113.9' } },
        { key: 'http.response.status_code', value: { intValue: '401' } },
      ],
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: 'eee19b7ec3c1b174',
    };
    const ev = parseJsonLine(JSON.stringify(rec), ctx)!;
    expect(ev).toMatchObject({
      'event.name': 'authn_login_fail',
      time: new Date(1795770000123).toISOString(),
      severity: 'ERROR',
      message: 'login failed',
      'user.id': 'u1',
      'client.address': '203.0.113.9',
      'http.response.status_code': 401,
      trace_id: '5b8efff798038103d269b633813fc60c',
      span_id: 'eee19b7ec3c1b174',
    });
    expect(ev.attributes?.['json.dialect']).toBe('otel');
  });

  it('takes the last hop of a forwarded chain and splits ip:port', () => {
    const ev = parseJsonLine(
      '{"ClientHost":"192.168.1.100,10.0.0.50","RequestMethod":"GET","RequestPath":"/x","DownstreamStatus":404}',
      ctx,
    )!;
    expect(ev['client.address']).toBe('10.0.0.50');
    expect(ev.attributes?.['client.address_chain']).toEqual(['192.168.1.100', '10.0.0.50']);
    expect(parseJsonLine('{"remote_addr":"192.0.2.1:4444","msg":"x"}', ctx)).toMatchObject({
      'client.address': '192.0.2.1',
      'client.port': 4444,
    });
  });

  it('keeps unknown keys as attributes, with a cap', () => {
    const big: Record<string, number> = { msg: 1 };
    for (let i = 0; i < 300; i++) big[`k${i}`] = i;
    const ev = parseJsonLine(JSON.stringify(big), ctx)!;
    expect(ev.attributes?.k0).toBe(0);
    expect(ev.attributes?.['log.attributes_dropped']).toBeGreaterThan(0);
  });

  it('rejects what is not one JSON object', () => {
    for (const l of ['[1,2]', '{"a":', 'null', 'plain text', '"str"'])
      expect(parseJsonLine(l, ctx), l).toBeNull();
  });
});
