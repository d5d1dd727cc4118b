/**
 * Every code example of docs/sdk.md runs here. A block in the guide preceded by
 * `<!-- snippet: NAME -->` must equal the `// #region NAME` block of this file (imports aside,
 * which are checked against the real exports), so the guide cannot drift from code that works.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import express from 'express';
import Fastify from 'fastify';
import pino from 'pino';
import winston from 'winston';
import { afterEach, describe, expect, it } from 'vitest';
import * as root from '../../src/index.js';
import { createSecurityLogger, setOperation, setUser } from '../../src/index.js';
import type { SecurityLogger } from '../../src/index.js';
import * as expressMod from '../../src/sdk/express.js';
import { expressSecurity, validationError } from '../../src/sdk/express.js';
import * as fastifyMod from '../../src/sdk/fastify.js';
import { fastifySecurity } from '../../src/sdk/fastify.js';
import * as pinoMod from '../../src/sdk/pino.js';
import { pinoDestination } from '../../src/sdk/pino.js';
import * as testingMod from '../../src/sdk/testing.js';
import { createTestSecurityLogger } from '../../src/sdk/testing.js';
import * as winstonMod from '../../src/sdk/winston.js';
import { LogwardenTransport } from '../../src/sdk/winston.js';
import { startTestCollector } from '../e2e/sdk-collector.js';
import { waitFor } from '../helpers/wait.js';

const HERE = fileURLToPath(import.meta.url);
const GUIDE = path.join(path.dirname(HERE), '../../docs/sdk.md');
const SUBPATHS: Record<string, Record<string, unknown>> = {
  logwarden: root,
  'logwarden/express': expressMod,
  'logwarden/fastify': fastifyMod,
  'logwarden/pino': pinoMod,
  'logwarden/winston': winstonMod,
  'logwarden/testing': testingMod,
};
const PACKAGES = new Set(['express', 'fastify', 'pino', 'winston']);

const cleanups: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const tmp = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'lw-guide-'));
  cleanups.push(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
};
const sink = (): Writable => new Writable({ write: (_c, _e, cb) => cb() });
describe('docs/sdk.md examples', () => {
  it('createSecurityLogger delivers to a collector, then shuts down', async () => {
    const collector = await startTestCollector('guide-token');
    cleanups.push(() => collector.stop());
    const collectorUrl = collector.url;
    const spoolDir = tmp();
    process.env.LOGWARDEN_TOKEN = 'guide-token';
    cleanups.push(() => {
      delete process.env.LOGWARDEN_TOKEN;
    });
    // #region create
    const security = createSecurityLogger({
      endpoint: collectorUrl, // e.g. 'https://logs.example.com'
      token: process.env.LOGWARDEN_TOKEN!,
      service: 'shop',
      environment: 'prod',
      spool: { dir: spoolDir }, // bridges collector outages, survives restarts
    });
    security.emit('authn_login_fail', { userid: 'joebob1' }, { message: 'bad password' });
    security.loginSuccess('joebob1');
    await security.shutdown(); // flushes what is queued; safe to call twice
    const { sent, dropped } = security.stats();
    // #endregion
    expect(sent).toBe(2);
    expect(Object.values(dropped).every((n) => n === 0)).toBe(true);
    const stored = [...collector.events.values()];
    expect(stored.map((e) => e['event.name']).sort()).toEqual([
      'authn_login_fail',
      'authn_login_success',
    ]);
    expect(stored.find((e) => e['event.name'] === 'authn_login_fail')).toMatchObject({
      'user.id': 'joebob1',
      'event.category': 'authn',
      'event.outcome': 'failure',
      'service.name': 'shop',
      'deployment.environment': 'prod',
      message: 'bad password',
    });
  });

  it('trustProxy decides which X-Forwarded-For hops are believed', async () => {
    // #region trust-proxy
    const behindProxy = createSecurityLogger({
      service: 'shop',
      enabled: false, // (only to show the option; use your endpoint and token)
      trustProxy: ['10.0.0.0/8'], // or a hop count: trustProxy: 1
    });
    behindProxy.resolveClientAddress('10.0.0.2', '203.0.113.7'); // '203.0.113.7'
    behindProxy.resolveClientAddress('198.51.100.4', '203.0.113.7'); // '198.51.100.4': not our proxy
    // #endregion
    expect(behindProxy.resolveClientAddress('10.0.0.2', '203.0.113.7')).toBe('203.0.113.7');
    expect(behindProxy.resolveClientAddress('198.51.100.4', '203.0.113.7')).toBe('198.51.100.4');
    const direct = createSecurityLogger({ service: 'shop', enabled: false });
    expect(direct.resolveClientAddress('198.51.100.4', '203.0.113.7')).toBe('198.51.100.4');
  });

  it('Express: context, login events, automatic authz/validation/app_error events', async () => {
    const { logger, events } = createTestSecurityLogger({ service: 'shop' });
    // #region express
    const security = expressSecurity(logger); // options: requests: { sample: 0.01 }, isBlocked, ...
    const app = express();
    app.use(express.json());
    app.use(security.middleware); // first: request context and request id
    app.use((req, _res, next) => {
      const user = req.get('x-demo-user'); // your authentication goes here
      if (user) setUser(user);
      next();
    });
    app.post('/login', (req, res) => {
      setOperation('login');
      const { username, password } = req.body as { username: string; password: string };
      if (password !== 'correct horse battery staple') {
        logger.loginFail(username);
        return res.status(401).json({ error: 'invalid credentials' });
      }
      logger.loginSuccess(username);
      res.json({ ok: true });
    });
    app.post('/notes', (req, res) => {
      setOperation('create_note');
      if (typeof req.body?.text !== 'string') throw validationError(['text']);
      res.status(201).json({ ok: true });
    });
    app.get('/admin', (_req, res) => {
      res.status(403).json({ error: 'forbidden' }); // authz_fail is recorded for you
    });
    app.get('/reports/:id', () => {
      throw new Error('db rejected password=hunter2'); // app_error; the client gets a generic 500
    });
    app.use(security.errorHandler); // last
    // #endregion
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    cleanups.push(() => new Promise((r) => server.close(r)));
    const port = (server.address() as { port: number }).port;
    const call = (method: string, p: string, body?: unknown) =>
      fetch(`http://127.0.0.1:${port}${p}`, {
        method,
        headers: { 'content-type': 'application/json', 'x-demo-user': 'u42', 'x-request-id': p },
        body: body === undefined ? undefined : JSON.stringify(body),
      });

    expect((await call('POST', '/login', { username: 'joebob1', password: 'x' })).status).toBe(401);
    expect((await call('POST', '/notes', { text: 5 })).status).toBe(400);
    expect((await call('GET', '/admin')).status).toBe(403);
    const boom = await call('GET', '/reports/7');
    expect(boom.status).toBe(500);
    const text = await boom.text();
    expect(text).not.toMatch(/hunter2|rejected|Error|at /);

    events.expectEvent('authn_login_fail', {
      'user.id': 'joebob1',
      'event.action': 'login',
      'http.route': '/login',
      'client.address': '127.0.0.1',
    });
    events.expectNoEvent('authz_fail', { 'http.route': '/login' });
    events.expectEvent('input_validation_fail', { 'event.action': 'create_note' });
    events.expectEvent('authz_fail', { 'http.route': '/admin', 'user.id': 'u42' });
    const err = events.expectEvent('app_error', {
      severity: 'ERROR',
      'event.category': 'error',
      'error.type': 'Error',
      'http.route': '/reports/:id',
      'http.response.status_code': 500,
      'request.id': '/reports/7',
    });
    expect(err['error.message']).toContain('db rejected');
    expect(err['error.message']).not.toContain('hunter2');
  });

  it('Fastify: schema validation failures and unhandled errors', async () => {
    const { logger, events } = createTestSecurityLogger({ service: 'shop' });
    // #region fastify
    const app = Fastify();
    await app.register(fastifySecurity(logger)); // before the routes
    app.post(
      '/signup',
      { schema: { body: { type: 'object', required: ['email'] } } },
      async () => ({ ok: true }),
    );
    app.get('/boom', async () => {
      throw new Error('upstream timed out');
    });
    // #endregion
    cleanups.push(() => app.close());
    const signup = await app.inject({ method: 'POST', url: '/signup', payload: {} });
    expect(signup.statusCode).toBe(400);
    const boom = await app.inject({ method: 'GET', url: '/boom' });
    expect(boom.statusCode).toBe(500);
    expect(boom.body).not.toContain('upstream');
    events.expectEvent('input_validation_fail', { 'http.route': '/signup' });
    events.expectEvent('app_error', {
      'error.message': 'upstream timed out',
      'http.route': '/boom',
    });
  });

  it('the vocabulary: typed emit and the shortcuts', () => {
    const { logger: security, events } = createTestSecurityLogger({ service: 'shop' });
    // #region vocabulary
    security.emit('authn_login_lock', { userid: 'joebob1', reason: 'maxretries' });
    security.emit('authn_password_change', { userid: 'joebob1' });
    security.emit('authz_admin', { userid: 'joebob1', event: 'user_privilege_change' });
    security.emit('upload_complete', { userid: 'joebob1', filename: 'cv.pdf', type: 'PDF' });
    security.authzFail('/admin/users', { message: 'not an admin' });
    security.inputValidationFail(['email', 'age']);
    security.emit('sys_crash', { reason: 'out of memory' }, { severity: 'CRITICAL' });
    // #endregion
    expect(events.expectEvent('authn_login_lock')).toMatchObject({
      'event.category': 'authn',
      severity: 'WARN',
      'event.reason': 'maxretries',
    });
    events.expectEvent('authn_password_change', { 'user.id': 'joebob1', severity: 'INFO' });
    events.expectEvent('authz_admin', { 'event.action': 'user_privilege_change' });
    events.expectEvent('upload_complete', {
      'attributes.filename': 'cv.pdf',
      'attributes.type': 'PDF',
    });
    events.expectEvent('authz_fail', {
      'attributes.resource': '/admin/users',
      severity: 'CRITICAL',
    });
    events.expectEvent('input_validation_fail', {});
    events.expectEvent('sys_crash', { severity: 'CRITICAL', 'event.reason': 'out of memory' });
  });

  it('pino: records with a vocabulary `event` become security events', async () => {
    const { logger: security, events } = createTestSecurityLogger({ service: 'shop' });
    const appLog = sink();
    // #region pino
    const log = pino(
      {},
      pino.multistream([
        { stream: appLog }, // where your logs already go
        { stream: pinoDestination(security), level: 'info' },
      ]),
    );
    log.warn({ event: 'authn_login_fail', userId: 'joebob1' }, 'bad password');
    log.info('cache warmed'); // not a security event: ignored
    // #endregion
    events.expectEvent('authn_login_fail', { 'user.id': 'joebob1', message: 'bad password' }, 1);
    expect(events.names()).toEqual(['authn_login_fail']);
  });

  it('winston: the same through a transport', async () => {
    const { logger: security, events } = createTestSecurityLogger({ service: 'shop' });
    const appLog = sink();
    // #region winston
    const log = winston.createLogger({
      transports: [
        new winston.transports.Stream({ stream: appLog }), // where your logs already go
        new LogwardenTransport({ logger: security }),
      ],
    });
    log.warn('bad password', { event: 'authn_login_fail', userId: 'joebob1' });
    log.info('cache warmed'); // ignored
    // #endregion
    await waitFor(() => events.find('authn_login_fail').length > 0, 'the winston event', 5_000, 10);
    events.expectEvent('authn_login_fail', { 'user.id': 'joebob1', message: 'bad password' }, 1);
    log.close();
  });

  it('logwarden/testing: asserting the events of your own code', () => {
    // #region testing
    // app code
    function changePassword(security: SecurityLogger, userid: string, ok: boolean): void {
      security.emit(ok ? 'authn_password_change' : 'authn_password_change_fail', { userid });
    }

    // your test
    const { logger, events } = createTestSecurityLogger({ service: 'shop' });
    changePassword(logger, 'alice', false);
    events.expectEvent('authn_password_change_fail', { 'user.id': 'alice' });
    events.expectNoEvent('authn_password_change');
    // #endregion
    expect(() => events.expectEvent('authn_password_change')).toThrow(/expected at least 1/);
  });

  it('redaction: what never leaves the process', () => {
    const { logger: security, events } = createTestSecurityLogger({ service: 'shop' });
    // #region redaction
    security.emit(
      'log',
      {},
      {
        message: 'retry with password=hunter2 for card 4111 1111 1111 1111',
        attributes: { api_key: 'sk_live_abc', plan: 'pro', headers: { cookie: 'sid=raw' } },
      },
    );
    // stored: message 'retry with password=[REDACTED:secret] for card [REDACTED:card]',
    // attributes { api_key: '[REDACTED:apikey]', plan: 'pro', headers: { cookie: '[REDACTED:cookie]' } },
    // 'log.redactions' lists each redaction by name
    // #endregion
    const ev = events.expectEvent('log');
    expect(ev.message).not.toMatch(/hunter2|4111/);
    expect(ev.message).toBe('retry with password=[REDACTED:secret] for card [REDACTED:card]');
    expect(ev.attributes).toEqual({
      api_key: '[REDACTED:apikey]',
      plan: 'pro',
      headers: { cookie: '[REDACTED:cookie]' },
    });
    expect(ev['log.redactions']).toEqual(
      expect.arrayContaining(['field:attributes.api_key', 'field:attributes.headers.cookie']),
    );
  });

  it('docs/sdk.md shows exactly these examples, importing real exports', async () => {
    const guide = fs.readFileSync(GUIDE, 'utf8');
    const me = fs.readFileSync(HERE, 'utf8');
    // Formatting aside (prettier wraps code in markdown at a different width): no whitespace,
    // no trailing commas.
    const norm = (code: string): string => code.replace(/\s+/g, '').replace(/,([)\]}])/g, '$1');
    const blocks = [...guide.matchAll(/<!-- snippet: ([a-z-]+) -->\n\s*```ts\n([\s\S]*?)```/g)];
    const regions = new Map(
      [...me.matchAll(/\/\/ #region ([a-z-]+)\n([\s\S]*?)\/\/ #endregion/g)].map((m) => [
        m[1]!,
        m[2]!,
      ]),
    );
    expect(blocks.map((b) => b[1]).sort()).toEqual([...regions.keys()].sort());
    for (const [, name, code] of blocks) {
      const body: string[] = [];
      for (const line of code!.split('\n')) {
        const imp =
          /^import (?:type )?\{([^}]+)\} from '([^']+)';$|^import (\w+) from '([^']+)';$/.exec(
            line,
          );
        if (imp === null) {
          body.push(line);
          continue;
        }
        if (imp[3] !== undefined) {
          expect(PACKAGES.has(imp[4]!), `${name}: package ${imp[4]}`).toBe(true);
          continue;
        }
        const mod = SUBPATHS[imp[2]!];
        expect(mod, `${name}: module ${imp[2]}`).toBeDefined();
        for (const n of imp[1]!
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)) {
          // types vanish at run time: the type-only names are checked by tsc via this file's imports
          if (n === 'SecurityLogger') continue;
          expect(mod![n], `${name}: ${imp[2]} exports ${n}`).toBeDefined();
        }
      }
      expect(norm(body.join('\n')), `snippet ${name}`).toBe(norm(regions.get(name!)!));
    }
  });
});
