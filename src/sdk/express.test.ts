import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { setOperation, setUser } from './context.js';
import type { HttpSecurityOptions } from './express.js';
import { expressSecurity, validationError } from './express.js';
import type { SecurityLoggerOptions } from './options.js';
import { createTestSecurityLogger } from './testing.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

async function app(
  opts: HttpSecurityOptions = {},
  loggerOpts: Partial<SecurityLoggerOptions> = {},
) {
  const { logger, events } = createTestSecurityLogger({ service: 'express-test', ...loggerOpts });
  const security = expressSecurity(logger, opts);
  const a = express();
  a.use(security.middleware);
  a.use(express.json());
  a.use((req, _res, next) => {
    const u = req.header('x-test-user');
    if (u) setUser(u);
    next();
  });
  const api = express.Router();
  api.get('/items/:id', (req, res) => {
    setOperation('read_item');
    if (req.params.id !== 'mine') {
      res.status(403).json({ error: 'not yours' });
      return;
    }
    res.json({ ok: true });
  });
  api.delete('/items/:id', (req, res) => {
    logger.emit('authz_fail', { resource: `item:${req.params.id}` });
    res.status(403).end();
  });
  a.use('/api', api);
  a.post('/signup', (req, res) => {
    const body = req.body as { email?: string };
    if (!body.email?.includes('@')) throw validationError(['email'], 'email must be an address');
    res.status(201).json({ ok: true });
  });
  a.get('/boom', () => {
    throw new TypeError('secret internals: db password is hunter2');
  });
  a.get('/ok', (_req, res) => {
    res.send('ok');
  });
  a.get('/admin', security.enforce, (_req, res) => {
    res.send('admin');
  });
  a.use(security.errorHandler);
  const server = a.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  servers.push(server);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, events, logger };
}

describe('expressSecurity', () => {
  it('fills the context and records authz_fail on 403 with the route template', async () => {
    const { base, events } = await app();
    const res = await fetch(`${base}/api/items/7`, {
      headers: {
        'x-test-user': 'bob',
        'user-agent': 'ua-test/1',
        'x-request-id': 'rid-42',
        'x-forwarded-for': '6.6.6.6',
      },
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('x-request-id')).toBe('rid-42');
    const ev = events.expectEvent('authz_fail', {}, 1);
    expect(ev).toMatchObject({
      'http.request.method': 'GET',
      'http.route': '/api/items/:id',
      'url.path': '/api/items/7',
      'event.action': 'read_item',
      'client.address': '127.0.0.1', // X-Forwarded-For is not trusted by default
      'user.id': 'bob',
      'user_agent.original': 'ua-test/1',
      'request.id': 'rid-42',
      'service.name': 'express-test',
      'http.response.status_code': 403,
      attributes: { resource: '/api/items/:id' },
    });
    expect(typeof ev['http.server.duration_ms']).toBe('number');
  });

  it('does not double an authz_fail the app recorded itself; 200s record nothing by default', async () => {
    const { base, events } = await app();
    expect((await fetch(`${base}/api/items/9`, { method: 'DELETE' })).status).toBe(403);
    expect((await fetch(`${base}/api/items/mine`)).status).toBe(200);
    expect(events.names()).toEqual(['authz_fail']);
    expect(events.all[0]!.attributes).toEqual({ resource: 'item:9' });
  });

  it('answers validation errors with 400 and records input_validation_fail with the fields', async () => {
    const { base, events } = await app();
    const res = await fetch(`${base}/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'nope' }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: 'bad_request',
      fields: ['email'],
      message: 'email must be an address',
    });
    events.expectEvent(
      'input_validation_fail',
      { 'attributes.fields': ['email'], 'http.route': '/signup', 'event.reason': 'validation' },
      1,
    );
    // malformed JSON from the body parser is a validation failure too
    const bad = await fetch(`${base}/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email":',
    });
    expect(bad.status).toBe(400);
    events.expectEvent('input_validation_fail', { 'event.reason': 'entity.parse.failed' }, 1);
  });

  it('records unhandled errors and answers a generic 500 without stack or message', async () => {
    const { base, events } = await app();
    const res = await fetch(`${base}/boom`, { headers: { 'x-request-id': 'rid-boom' } });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: 'internal_error', request_id: 'rid-boom' });
    expect(text).not.toMatch(/hunter2|TypeError|at /);
    const ev = events.expectEvent('app_error', {
      severity: 'ERROR',
      'event.category': 'error',
      'event.outcome': 'failure',
      'error.type': 'TypeError',
      'http.route': '/boom',
      'http.response.status_code': 500,
    });
    // the password in the error message is redacted before it leaves the process
    expect(ev['error.message']).toContain('secret internals');
    expect(ev['exception.stacktrace']).toBeUndefined(); // the stack stays in the process
  });

  it('samples plain request events only when asked', async () => {
    const off = await app();
    await fetch(`${off.base}/ok`);
    expect(off.events.find('http_request')).toHaveLength(0);
    const on = await app({ requests: { sample: 1 } });
    await fetch(`${on.base}/ok`);
    on.events.expectEvent(
      'http_request',
      { 'http.route': '/ok', 'http.response.status_code': 200, 'event.outcome': 'success' },
      1,
    );
  });

  it('generates a request id, or takes the traceparent trace id', async () => {
    const { base, events } = await app({ requests: { sample: 1 } });
    const a = await fetch(`${base}/ok`);
    expect(a.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const b = await fetch(`${base}/ok`, {
      headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
    });
    expect(b.headers.get('x-request-id')).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    events.expectEvent('http_request', {
      trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
      span_id: '00f067aa0ba902b7',
    });
  });

  it('enforces isBlocked by address and, via enforce, by user; a throwing hook fails open', async () => {
    const { base, events } = await app({
      isBlocked: (ip, user) => {
        if (user === 'explode') throw new Error('decision API down');
        return user === 'banned' || ip === '203.0.113.66';
      },
    });
    expect((await fetch(`${base}/admin`, { headers: { 'x-test-user': 'banned' } })).status).toBe(
      403,
    );
    events.expectEvent('authz_fail', { 'event.reason': 'blocked', 'user.id': 'banned' }, 1);
    expect((await fetch(`${base}/admin`, { headers: { 'x-test-user': 'alice' } })).status).toBe(
      200,
    );
    expect((await fetch(`${base}/admin`, { headers: { 'x-test-user': 'explode' } })).status).toBe(
      200,
    );
  });

  it('trusts X-Forwarded-For only from configured proxies', async () => {
    const { base, events } = await app(
      { requests: { sample: 1 } },
      { trustProxy: ['127.0.0.1/32'] },
    );
    await fetch(`${base}/ok`, { headers: { 'x-forwarded-for': '198.51.100.23' } });
    events.expectEvent('http_request', { 'client.address': '198.51.100.23' });
  });

  it('rejects bad options at creation', () => {
    const { logger } = createTestSecurityLogger();
    expect(() => expressSecurity(logger, { requests: { sample: 2 } })).toThrow(/requests\.sample/);
    expect(() => expressSecurity(logger, { authzFailOn: [99] })).toThrow(/authzFailOn/);
    expect(() => expressSecurity(logger, { bogus: 1 } as HttpSecurityOptions)).toThrow(
      /unknown option "bogus"/,
    );
  });
});
