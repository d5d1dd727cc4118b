/**
 * `logwarden/testing` used the way an application developer would: their own code (a tiny
 * account service and Express app, written here as an app would be) is exercised, and the test
 * asserts which security events it emits: names, fields, order, and that no secret leaks.
 * (Imports go through src/ until package.json exports `logwarden/testing`.)
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import type { SecurityLogger } from '../../src/index.js';
import { setOperation, setUser } from '../../src/index.js';
import { expressSecurity } from '../../src/sdk/express.js';
import { createTestSecurityLogger } from '../../src/sdk/testing.js';

// ---- "application code" under test ----
function createAccounts(security: SecurityLogger, maxFails = 3) {
  const fails = new Map<string, number>();
  const locked = new Set<string>();
  return {
    login(user: string, password: string): boolean {
      setOperation('login');
      if (locked.has(user) || password !== `${user}-secret`) {
        const n = (fails.get(user) ?? 0) + 1;
        fails.set(user, n);
        security.emit('authn_login_fail', { userid: user }, { attributes: { password } });
        if (n === maxFails) {
          locked.add(user);
          security.emit('authn_login_lock', { userid: user, reason: 'maxretries' });
        }
        return false;
      }
      setUser(user);
      security.emit(
        (fails.get(user) ?? 0) > 0 ? 'authn_login_successafterfail' : 'authn_login_success',
        { userid: user },
      );
      fails.delete(user);
      return true;
    },
  };
}

function createApp(security: SecurityLogger) {
  const accounts = createAccounts(security);
  const sec = expressSecurity(security);
  const app = express();
  app.use(sec.middleware);
  app.use(express.json());
  app.post('/login', (req, res) => {
    const { user, password } = req.body as { user: string; password: string };
    res.status(accounts.login(user, password) ? 200 : 401).end();
  });
  app.get('/invoices/:id', (req, res) => {
    setOperation('read_invoice');
    res.status(req.params.id === '1' ? 200 : 403).end();
  });
  app.use(sec.errorHandler);
  return app;
}

// ---- the developer's tests ----
const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

async function serve(app: express.Express): Promise<string> {
  const s = app.listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  servers.push(s);
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

describe('an app developer asserting their security events', () => {
  it('locks the account after three failures and never records the password', () => {
    const { logger, events } = createTestSecurityLogger({ service: 'billing' });
    const accounts = createAccounts(logger);
    for (let i = 0; i < 3; i++) accounts.login('joe', 'guess');
    expect(events.names()).toEqual([
      'authn_login_fail',
      'authn_login_fail',
      'authn_login_fail',
      'authn_login_lock',
    ]);
    events.expectEvent(
      'authn_login_fail',
      { 'user.id': 'joe', severity: 'WARN', 'event.outcome': 'failure' },
      3,
    );
    events.expectEvent('authn_login_lock', { 'user.id': 'joe', 'event.reason': 'maxretries' }, 1);
    expect(JSON.stringify(events.all)).not.toContain('guess');
    events.expectNoEvent('authn_login_success');
  });

  it('the assertion message lists what was captured when an expectation fails', () => {
    const { logger, events } = createTestSecurityLogger();
    createAccounts(logger).login('amy', 'amy-secret');
    expect(() => events.expectEvent('authn_login_fail', { 'user.id': 'amy' })).toThrow(
      /found 0; captured:\n {2}authn_login_success/,
    );
  });

  it('the HTTP layer records who was refused which invoice', async () => {
    const { logger, events } = createTestSecurityLogger({ service: 'billing' });
    const base = await serve(createApp(logger));
    await fetch(`${base}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'amy', password: 'amy-secret' }),
    });
    expect((await fetch(`${base}/invoices/2`)).status).toBe(403);
    events.expectEvent(
      'authn_login_success',
      { 'user.id': 'amy', 'event.action': 'login', 'http.route': '/login' },
      1,
    );
    events.expectEvent(
      'authz_fail',
      {
        'http.route': '/invoices/:id',
        'event.action': 'read_invoice',
        'http.response.status_code': 403,
      },
      1,
    );
  });
});
