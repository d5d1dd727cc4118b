import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import winston from 'winston';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestCollector } from '../../test/e2e/sdk-collector.js';
import type { TestCollector } from '../../test/e2e/sdk-collector.js';
import { createRequestContext, runWithContext } from './context.js';
import { pinoDestination } from './pino.js';
import { createTestSecurityLogger } from './testing.js';
import { LogwardenTransport } from './winston.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const compiledPino = path.join(repoRoot, 'dist/sdk/pino.js');

const collectors: TestCollector[] = [];
afterEach(async () => {
  for (const c of collectors.splice(0)) await c.stop();
});

describe('pino destination', () => {
  it('ships records with an OWASP event name, with params and the request context', () => {
    const { logger, events } = createTestSecurityLogger({ service: 'pino-app' });
    const log = pino(
      { level: 'info' },
      pino.multistream([{ stream: pinoDestination(logger), level: 'info' }]),
    );
    runWithContext(
      createRequestContext({ requestId: 'rid-p', method: 'POST', route: '/login' }),
      () => {
        log.warn({ event: 'authn_login_fail', userId: 'joebob1', attempt: 3 }, 'bad password');
      },
    );
    log.info({ route: '/health' }, 'ordinary log line'); // not a security event
    log.info({ event: 'not_a_vocabulary_event' }, 'ignored');
    log.error({ event: 'authn_login_lock', userid: 'joebob1', reason: 'maxretries' }, 'locked');
    expect(events.names()).toEqual(['authn_login_fail', 'authn_login_lock']);
    expect(events.all[0]).toMatchObject({
      'user.id': 'joebob1',
      message: 'bad password',
      severity: 'WARN',
      'request.id': 'rid-p',
      'http.route': '/login',
      attributes: { attempt: 3 },
    });
    expect(events.all[1]).toMatchObject({ 'event.reason': 'maxretries', severity: 'ERROR' });
  });

  const workerTitle = existsSync(compiledPino)
    ? 'runs as a pino transport in a worker thread'
    : 'runs as a pino transport in a worker thread (skipped: dist/ not built; run npm run build)';
  it.skipIf(!existsSync(compiledPino))(workerTitle, async () => {
    const c = await startTestCollector('tok-pino');
    collectors.push(c);
    const transport = pino.transport({
      target: compiledPino,
      options: {
        endpoint: c.url,
        token: 'tok-pino',
        service: 'pino-worker',
        batch: { maxDelayMs: 20 },
      },
    });
    let failure: unknown;
    transport.on('error', (e: unknown) => (failure = e));
    const log = pino(transport);
    log.warn({ event: 'authz_fail', userId: 'bob', resource: '/admin' }, 'denied');
    log.info('plain');
    const end = Date.now() + 10_000;
    while (c.events.size === 0 && failure === undefined && Date.now() < end)
      await new Promise((r) => setTimeout(r, 25));
    expect(failure).toBeUndefined();
    await new Promise<void>((resolve) => {
      transport.on('close', () => resolve());
      transport.end();
    });
    const got = [...c.events.values()];
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({
      'event.name': 'authz_fail',
      'user.id': 'bob',
      'service.name': 'pino-worker',
      attributes: { resource: '/admin' },
    });
  });
  if (!existsSync(compiledPino))
    console.warn(
      `skipping the pino worker transport test: ${compiledPino} is missing (npm run build)`,
    );
});

describe('winston transport', () => {
  it('ships records with an OWASP event name and ignores the rest', async () => {
    const { logger, events } = createTestSecurityLogger({ service: 'winston-app' });
    const log = winston.createLogger({ transports: [new LogwardenTransport({ logger })] });
    log.warn('bad password', { event: 'authn_login_fail', userId: 'amy' });
    log.info('just a line');
    log.error('crashed', { event: 'sys_crash', reason: 'oom' });
    await new Promise((r) => setTimeout(r, 20));
    expect(events.names()).toEqual(['authn_login_fail', 'sys_crash']);
    expect(events.all[0]).toMatchObject({ 'user.id': 'amy', message: 'bad password' });
    expect(events.all[1]).toMatchObject({ 'event.reason': 'oom', severity: 'ERROR' });
  });
});
