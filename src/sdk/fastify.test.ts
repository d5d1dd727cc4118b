import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { setOperation, setUser } from './context.js';
import type { FastifySecurityOptions } from './fastify.js';
import { fastifySecurity } from './fastify.js';
import { createTestSecurityLogger } from './testing.js';

const apps: Array<{ close(): Promise<unknown> }> = [];
afterEach(async () => {
  for (const a of apps.splice(0)) await a.close();
});

async function start(opts: FastifySecurityOptions = {}) {
  const { logger, events } = createTestSecurityLogger({ service: 'fastify-test' });
  const app = Fastify();
  apps.push(app);
  await app.register(fastifySecurity(logger, opts));
  app.addHook('preHandler', async (req) => {
    const u = req.headers['x-test-user'];
    if (typeof u === 'string') setUser(u);
  });
  app.get('/docs/:id', async (req, reply) => {
    setOperation('read_doc');
    const { id } = req.params as { id: string };
    if (id !== 'mine') return reply.code(403).send({ error: 'no' });
    return { ok: true };
  });
  app.post(
    '/signup',
    {
      schema: {
        body: {
          type: 'object',
          required: ['email'],
          properties: { email: { type: 'string', format: 'email' } },
        },
      },
    },
    async () => ({ ok: true }),
  );
  app.get('/boom', async () => {
    throw new Error('internal detail: connection string postgres://x');
  });
  app.get('/ok', async () => 'ok');
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return { base: address, events };
}

describe('fastifySecurity', () => {
  it('fills the context and records authz_fail on 403 with the route template', async () => {
    const { base, events } = await start();
    const res = await fetch(`${base}/docs/42`, {
      headers: { 'x-test-user': 'carol', 'user-agent': 'ua/2', 'x-request-id': 'rid-f' },
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('x-request-id')).toBe('rid-f');
    expect(events.expectEvent('authz_fail', {}, 1)).toMatchObject({
      'http.request.method': 'GET',
      'http.route': '/docs/:id',
      'url.path': '/docs/42',
      'event.action': 'read_doc',
      'user.id': 'carol',
      'client.address': '127.0.0.1',
      'user_agent.original': 'ua/2',
      'request.id': 'rid-f',
      'http.response.status_code': 403,
    });
  });

  it('records schema validation failures with the failing fields, once', async () => {
    const { base, events } = await start();
    const res = await fetch(`${base}/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x' }),
    });
    expect(res.status).toBe(400);
    events.expectEvent(
      'input_validation_fail',
      { 'attributes.fields': ['email'], 'event.reason': 'schema', 'http.route': '/signup' },
      1,
    );
  });

  it('records unhandled errors and answers a generic 500', async () => {
    const { base, events } = await start();
    const res = await fetch(`${base}/boom`, { headers: { 'x-request-id': 'rid-b' } });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: 'internal_error', request_id: 'rid-b' });
    expect(text).not.toContain('postgres');
    const ev = events.expectEvent(
      'app_error',
      {
        severity: 'ERROR',
        'event.category': 'error',
        'error.type': 'Error',
        'http.route': '/boom',
        'http.response.status_code': 500,
      },
      1,
    );
    expect(ev['error.message']).toContain('postgres');
    expect(ev['exception.stacktrace']).toBeUndefined(); // the stack stays in the process
  });

  it('samples requests only when asked, and blocks with isBlocked', async () => {
    const { base, events } = await start({
      requests: { sample: 1 },
      isBlocked: (ip) => ip === '203.0.113.66',
    });
    await fetch(`${base}/ok`);
    events.expectEvent(
      'http_request',
      { 'http.route': '/ok', 'http.response.status_code': 200 },
      1,
    );
    const blocked = await start({ isBlocked: () => Promise.resolve(true) });
    const res = await fetch(`${blocked.base}/ok`);
    expect(res.status).toBe(403);
    blocked.events.expectEvent('authz_fail', { 'event.reason': 'blocked' }, 1);
  });
});
