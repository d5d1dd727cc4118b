/**
 * End-to-end: the example app and a real `logwarden serve` as separate processes (issue 4).
 * Each security-relevant action is driven over HTTP and then found in the store with its
 * context fields filled by the SDK.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.js';
import type { ServeProcess } from './helpers.js';
import {
  assertBuilt,
  cleanupTemps,
  createToken,
  killAllServes,
  readStored,
  startServe,
  tempDir,
} from './helpers.js';
import type { AppProcess } from './sdk-app-process.js';
import { browser, killAllApps, startExampleApp } from './sdk-app-process.js';

type Stored = Record<string, unknown>;

async function storedEvents(dataDir: string): Promise<Stored[]> {
  const rows = await readStored(dataDir);
  return rows.filter((r) => r.body !== null).map((r) => JSON.parse(r.body!) as Stored);
}

/** Every 100 ms for 20 s: the stored events, once `cond` holds; a timeout lists the names stored. */
async function waitForStored(
  dataDir: string,
  cond: (evs: Stored[]) => boolean,
  what: string,
): Promise<Stored[]> {
  let names: unknown[] = [];
  return waitFor(
    async () => {
      const evs = await storedEvents(dataDir);
      names = evs.map((e) => e['event.name']);
      return cond(evs) ? evs : undefined;
    },
    () => `${what}; stored: ${names.join(', ')}`,
    20_000,
    100,
  );
}

const CONTEXT_FIELDS = [
  'http.request.method',
  'http.route',
  'event.action',
  'client.address',
  'user_agent.original',
  'request.id',
  'service.name',
];

describe('SDK end to end: example app -> logwarden serve', () => {
  let dataDir: string;
  let token: string;
  let serve: ServeProcess;
  let app: AppProcess;

  beforeAll(async () => {
    assertBuilt();
    dataDir = tempDir('lw-sdk-e2e-');
    token = await createToken(dataDir, 'example-app');
    serve = await startServe({ dataDir });
    app = await startExampleApp([
      '--endpoint',
      serve.url,
      '--token',
      token,
      '--service',
      'shop-e2e',
    ]);
  });
  afterAll(async () => {
    await app?.stop();
    await serve?.stop();
    killAllApps();
    killAllServes();
    cleanupTemps();
  });

  it('records logins, authorization and validation failures and errors with full context', async () => {
    const alice = browser(app.url, 'e2e-alice/1.0');
    const bob = browser(app.url, 'e2e-bob/1.0');
    expect(
      (await alice('POST', '/signup', { email: 'alice@shop.test', password: 'alice-password-1' }))
        .status,
    ).toBe(201);
    expect(
      (await bob('POST', '/signup', { email: 'bob@shop.test', password: 'bob-password-12' }))
        .status,
    ).toBe(201);
    // a bad and a good login
    const badLogin = await alice(
      'POST',
      '/login',
      { email: 'alice@shop.test', password: 'wrong-password' },
      { 'x-request-id': 'rid-bad-login' },
    );
    expect(badLogin.status).toBe(401);
    expect(badLogin.requestId).toBe('rid-bad-login');
    expect(
      (
        await alice(
          'POST',
          '/login',
          { email: 'alice@shop.test', password: 'alice-password-1' },
          { 'x-request-id': 'rid-good-login' },
        )
      ).status,
    ).toBe(200);
    expect(
      (await bob('POST', '/login', { email: 'bob@shop.test', password: 'bob-password-12' })).status,
    ).toBe(200);
    // bob's note, read by alice: IDOR -> authz_fail
    const note = (await bob('POST', '/notes', { text: 'bob private' })).json as { id: string };
    expect(
      (await alice('GET', `/notes/${note.id}`, undefined, { 'x-request-id': 'rid-idor' })).status,
    ).toBe(403);
    // the admin area as a normal user -> automatic authz_fail
    expect(
      (await alice('GET', '/admin/users', undefined, { 'x-request-id': 'rid-admin' })).status,
    ).toBe(403);
    // a validation failure
    expect(
      (await alice('POST', '/notes', { text: '' }, { 'x-request-id': 'rid-invalid' })).status,
    ).toBe(400);
    // a bug
    const boom = await alice('GET', '/reports/1999', undefined, { 'x-request-id': 'rid-error' });
    expect(boom.status).toBe(500);
    expect(boom.json).toEqual({ error: 'internal_error', request_id: 'rid-error' });

    const byRid = (evs: Stored[], rid: string, name: string) =>
      evs.find((e) => e['request.id'] === rid && e['event.name'] === name);
    const evs = await waitForStored(
      dataDir,
      (e) =>
        byRid(e, 'rid-error', 'app_error') !== undefined &&
        byRid(e, 'rid-invalid', 'input_validation_fail') !== undefined,
      'the error event',
    );

    // a success right after a failure is the vocabulary's authn_login_successafterfail
    const good = byRid(evs, 'rid-good-login', 'authn_login_successafterfail')!;
    expect(good).toMatchObject({ attributes: { retries: 1 } });
    const aliceId = (good?.['user.id'] as string) ?? 'missing';
    expect(aliceId).toMatch(/^u\d+$/);

    const badFail = byRid(evs, 'rid-bad-login', 'authn_login_fail');
    expect(badFail).toMatchObject({
      'user.id': aliceId,
      'event.action': 'login',
      'http.route': '/login',
      'event.outcome': 'failure',
      'user_agent.original': 'e2e-alice/1.0',
    });
    const session = byRid(evs, 'rid-good-login', 'session_created')!;
    expect(session['session.id']).toMatch(/^hmac-sha256:[0-9a-f]{32}$/);

    const idor = byRid(evs, 'rid-idor', 'authz_fail')!;
    const admin = byRid(evs, 'rid-admin', 'authz_fail')!;
    const invalid = byRid(evs, 'rid-invalid', 'input_validation_fail')!;
    const error = byRid(evs, 'rid-error', 'app_error')!;
    expect(idor).toMatchObject({
      'http.route': '/notes/:id',
      'event.action': 'read_note',
      attributes: { resource: `note:${note.id}` },
    });
    expect(admin).toMatchObject({
      'http.route': '/admin/*',
      'event.action': 'admin_access',
      'http.response.status_code': 403,
    });
    expect(invalid).toMatchObject({
      'http.route': '/notes',
      'event.action': 'create_note',
      attributes: { fields: ['text'] },
    });
    expect(error).toMatchObject({
      severity: 'ERROR',
      'event.category': 'error',
      'error.type': 'TypeError',
      'http.route': '/reports/:year',
      'event.action': 'build_report',
      'http.response.status_code': 500,
    });

    // Every context field filled on the authenticated requests, all with alice's session.
    for (const ev of [good, session, idor, admin, invalid, error]) {
      for (const f of CONTEXT_FIELDS)
        expect(ev[f], `${String(ev['event.name'])} ${f}`).toBeTruthy();
      expect(ev['service.name']).toBe('shop-e2e');
      expect(ev['client.address']).toBe('127.0.0.1');
      expect(ev['user_agent.original']).toBe('e2e-alice/1.0');
      expect(ev['user.id']).toBe(aliceId);
    }
    for (const ev of [idor, admin, invalid, error])
      expect(ev['session.id']).toBe(session['session.id']);
    // the raw session cookie never reached the store
    expect(JSON.stringify(evs)).not.toMatch(/sid=/);
    // no password either
    expect(JSON.stringify(evs)).not.toContain('alice-password-1');
  });
});
