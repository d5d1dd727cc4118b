import { describe, expect, it } from 'vitest';
import { LogwardenError } from '../core/errors.js';
import { VOCABULARY, VOCABULARY_EVENT_NAMES } from '../core/vocabulary.js';
import {
  createRequestContext,
  runWithContext,
  setOperation,
  setSession,
  setUser,
} from './context.js';
import { createSecurityLogger } from './logger.js';
import type { SecurityLoggerOptions } from './options.js';
import { createTestSecurityLogger } from './testing.js';

function configError(opts: unknown): LogwardenError {
  try {
    createSecurityLogger(opts as SecurityLoggerOptions);
  } catch (e) {
    return e as LogwardenError;
  }
  throw new Error('expected createSecurityLogger to throw');
}

describe('createSecurityLogger options', () => {
  it.each([
    [{}, /service/],
    [{ service: 'shop' }, /endpoint: required/],
    [{ service: 'shop', endpoint: 'http://127.0.0.1:1' }, /token/],
    [{ service: 'shop', endpoint: 'not a url', token: 't' }, /not a URL/],
    [{ service: 'shop', endpoint: 'ftp://127.0.0.1', token: 't' }, /protocol ftp:/],
    [{ service: 'shop', endpoint: 'http://logs.example.com', token: 't' }, /unencrypted/],
    [{ service: 'shop', endpoint: 'https://u:p@logs.example.com', token: 't' }, /credentials/],
    [
      {
        service: 'shop',
        endpoint: 'https://logs.example.com',
        token: 't',
        batch: { maxEvents: 0 },
      },
      /batch\.maxEvents/,
    ],
    [
      {
        service: 'shop',
        endpoint: 'https://logs.example.com',
        token: 't',
        trustProxy: ['10.0.0.0/33'],
      },
      /trustProxy/,
    ],
    [
      { service: 'shop', endpoint: 'https://logs.example.com', token: 't', sevice: 'typo' },
      /unknown option "sevice"/,
    ],
    [{ service: 'a\nb', enabled: false }, /service: contains control/],
    [
      {
        service: 'shop',
        enabled: false,
        redaction: { extraPatterns: [{ name: 'x', pattern: '(' }] },
      },
      /redaction/,
    ],
  ])('rejects %j with LW_SDK_CONFIG naming the option', (opts, re) => {
    const e = configError(opts);
    expect(e).toBeInstanceOf(LogwardenError);
    expect(e.code).toBe('LW_SDK_CONFIG');
    expect(e.message).toMatch(re);
  });

  it('accepts plain http to loopback and https anywhere', async () => {
    const a = createSecurityLogger({ service: 's', endpoint: 'http://127.0.0.1:9', token: 't' });
    const b = createSecurityLogger({
      service: 's',
      endpoint: 'https://logs.example.com/v1/events',
      token: 't',
    });
    await Promise.all([a.shutdown(), b.shutdown()]);
  });
});

describe('emit', () => {
  it('fills category, severity and outcome from the vocabulary for every OWASP event', () => {
    const { logger, events } = createTestSecurityLogger({
      service: 'shop',
      environment: 'test',
      version: '1.2.3',
    });
    for (const name of VOCABULARY_EVENT_NAMES) logger.emit(name, {});
    const got = events.all;
    expect(got).toHaveLength(VOCABULARY_EVENT_NAMES.length);
    got.forEach((ev, i) => {
      const spec = VOCABULARY[VOCABULARY_EVENT_NAMES[i]!];
      expect(ev['event.name']).toBe(VOCABULARY_EVENT_NAMES[i]);
      expect(ev['event.category']).toBe(spec.category);
      expect(ev.severity).toBe(spec.level);
      expect(ev['event.outcome']).toBe(spec.outcome);
      expect(ev['service.name']).toBe('shop');
      expect(ev['deployment.environment']).toBe('test');
      expect(ev['service.version']).toBe('1.2.3');
      expect(ev['log.source']).toBe('sdk');
      expect(ev.id).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    });
    expect(new Set(got.map((e) => e.id)).size).toBe(got.length);
  });

  it('maps typed params onto schema fields and attributes', () => {
    const { logger, events } = createTestSecurityLogger();
    logger.emit('authn_login_lock', { userid: 'joebob1', reason: 'maxretries' });
    logger.emit('authz_fail', { userid: 'bob', resource: '/admin' });
    logger.emit('input_validation_fail', { fields: ['email', 'age'] });
    logger.emit('authn_login_successafterfail', { userid: 'amy', retries: 3 });
    const [lock, authz, input, after] = events.all;
    expect(lock).toMatchObject({ 'user.id': 'joebob1', 'event.reason': 'maxretries' });
    expect(authz).toMatchObject({ 'user.id': 'bob', attributes: { resource: '/admin' } });
    expect(input?.attributes).toEqual({ fields: ['email', 'age'] });
    expect(after?.attributes).toEqual({ retries: 3 });
  });

  it('takes context fields from the current request and lets params override the user', () => {
    const { logger, events } = createTestSecurityLogger();
    const ctx = createRequestContext({
      method: 'POST',
      route: '/accounts/:id/transfer',
      path: '/accounts/7/transfer',
      clientAddress: '203.0.113.9',
      userAgent: 'curl/8',
      requestId: 'req-1',
      hashSession: logger.hashSession,
    });
    runWithContext(ctx, () => {
      setUser('alice', 'alice@example.com');
      setOperation('transfer_funds');
      setSession('raw-session-secret');
      logger.emit('sensitive_update', { object: 'account:7' });
      logger.emit('authz_fail', { userid: 'mallory' });
    });
    logger.emit('sys_startup', {}); // outside: no request fields
    const [a, b, c] = events.all;
    expect(a).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/accounts/:id/transfer',
      'url.path': '/accounts/7/transfer',
      'event.action': 'transfer_funds',
      'client.address': '203.0.113.9',
      'user.id': 'alice',
      'user.name': 'alice@example.com',
      'user_agent.original': 'curl/8',
      'request.id': 'req-1',
      attributes: { object: 'account:7' },
    });
    expect(a?.['session.id']).toMatch(/^hmac-sha256:[0-9a-f]{32}$/);
    expect(JSON.stringify(events.all)).not.toContain('raw-session-secret');
    expect(b?.['user.id']).toBe('mallory');
    expect(c?.['request.id']).toBeUndefined();
    expect(c?.['user.id']).toBeUndefined();
  });

  it('redacts secrets and neutralizes CR/LF before the event leaves the logger', () => {
    const { logger, events } = createTestSecurityLogger();
    logger.emit(
      'authn_login_fail',
      { userid: 'eve\r\n[INFO] authn_login_success admin' },
      {
        attributes: { password: 'hunter2', note: 'card 4111 1111 1111 1111' },
      },
    );
    const ev = events.all[0]!;
    expect(ev['user.id']).toBe('eve\\r\\n[INFO] authn_login_success admin');
    expect(JSON.stringify(ev)).not.toContain('hunter2');
    expect(JSON.stringify(ev)).not.toContain('4111 1111 1111 1111');
    expect(ev['log.redactions']).toEqual(expect.arrayContaining(['field:attributes.password']));
  });

  it('never throws into the application after creation; internal errors are counted', () => {
    const { logger } = createTestSecurityLogger();
    const hostile = Object.defineProperty({}, 'userid', {
      enumerable: true,
      get() {
        throw new Error('boom from a getter');
      },
    });
    expect(() => logger.emit('authn_login_fail', hostile as { userid: string })).not.toThrow();
    expect(logger.stats().errors).toBe(1);
    expect(logger.stats().lastError).toContain('boom from a getter');
  });

  it('is a no-op when disabled', async () => {
    const logger = createSecurityLogger({ service: 'x', enabled: false });
    logger.emit('authn_login_fail', { userid: 'a' });
    expect(logger.stats().emitted).toBe(0);
    await logger.flush();
    await logger.shutdown();
  });

  it('records error type and message, never the stack', () => {
    const { logger, events } = createTestSecurityLogger();
    logger.emit('sys_crash', { reason: 'worker died' }, { error: new TypeError('x is undefined') });
    const ev = events.expectEvent('sys_crash', {
      'error.type': 'TypeError',
      'error.message': 'x is undefined',
    });
    expect(ev['exception.stacktrace']).toBeUndefined();
  });
});

describe('emit types', () => {
  it('types params by the event name (checked by tsc)', () => {
    const { logger, events } = createTestSecurityLogger();
    logger.emit('authn_login_successafterfail', { userid: 'a', retries: 2 });
    logger.emit('http_request');
    // @ts-expect-error: not a parameter of authn_login_fail
    logger.emit('authn_login_fail', { resource: '/x' });
    // @ts-expect-error: retries is a number
    logger.emit('authn_login_successafterfail', { retries: 'two' });
    // @ts-expect-error: not an event name
    logger.emit('authn_login_typo', {});
    expect(events.all).toHaveLength(5); // at run time nothing throws, even for untyped callers
  });
});
