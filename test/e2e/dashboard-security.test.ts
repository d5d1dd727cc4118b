/**
 * The dashboard's security promises against a real `logwarden serve`: strict CSP and companion
 * headers, session cookie flags (and __Host-/Secure when configured), CSRF refused without the
 * synchronizer token or from another origin, lockout after repeated failures (logged as
 * authn_login_lock), idle session expiry, roles honoured for bearer tokens too, and HTML in event
 * fields shown as text in Chromium — never parsed, never run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanupTemps,
  createToken,
  killAllServes,
  makeEvent,
  sendBatch,
  startServe,
  tempDir,
  type ServeProcess,
} from './helpers.js';
import {
  createUser,
  haveChromium,
  launchChromium,
  login,
  ready,
  shot,
  watchPage,
  CHROMIUM,
} from '../review/dashboard-browser.js';

const PW = 'a-long-enough-passphrase';
let serve: ServeProcess;
let dir = '';
let reader = '';
let adminToken = '';
let ingest = '';

async function loginApi(
  url: string,
  user: string,
  password: string,
): Promise<{
  status: number;
  cookie: string;
  setCookie: string;
  csrf: string;
  body: Record<string, unknown>;
}> {
  const r = await fetch(`${url}/ui/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user, password }),
  });
  const setCookie = r.headers.get('set-cookie') ?? '';
  const body = (await r.json()) as Record<string, unknown>;
  return {
    status: r.status,
    setCookie,
    cookie: setCookie.split(';')[0] ?? '',
    csrf: String(body.csrf ?? ''),
    body,
  };
}
async function search(q: string): Promise<{ event: Record<string, unknown> }[]> {
  const r = await fetch(`${serve.url}/v1/events?q=${encodeURIComponent(q)}`, {
    headers: { authorization: `Bearer ${reader}` },
  });
  return ((await r.json()) as { events: { event: Record<string, unknown> }[] }).events;
}

beforeAll(async () => {
  dir = tempDir('lw-dash-sec-');
  await createUser(dir, 'ana', 'admin', PW);
  await createUser(dir, 'bo', 'reviewer', PW);
  reader = await createToken(dir, 'auditor', 'read');
  adminToken = await createToken(dir, 'ops', 'admin');
  ingest = await createToken(dir, 'web', 'ingest');
  serve = await startServe({ dataDir: dir });
}, 60_000);

afterAll(() => {
  killAllServes();
  cleanupTemps();
});

describe('dashboard security (HTTP)', () => {
  it('sends a strict Content-Security-Policy and companion headers on pages, assets and API', async () => {
    for (const p of ['/ui/', '/ui/assets/app.js', '/ui/api/session']) {
      const r = await fetch(serve.url + p);
      const csp = r.headers.get('content-security-policy') ?? '';
      for (const d of [
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
      ])
        expect(csp, `${p}: ${d}`).toContain(d);
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('referrer-policy')).toBe('no-referrer');
    }
    const html = await (await fetch(`${serve.url}/ui/`)).text();
    expect(html).not.toMatch(/<script>|<style>|\sstyle=|\son[a-z]+=/i); // nothing inline to allow
    expect(html).not.toMatch(/https?:\/\//); // no CDN
  });

  it('sets HttpOnly, SameSite=Strict session cookies; refuses a wrong password with one message for all cases', async () => {
    const ok = await loginApi(serve.url, 'ana', PW);
    expect(ok.status).toBe(200);
    expect(ok.setCookie).toMatch(/^lw_session=[A-Za-z0-9_-]{43};/);
    expect(ok.setCookie).toMatch(/; HttpOnly/);
    expect(ok.setCookie).toMatch(/; SameSite=Strict/);
    expect(ok.setCookie).toMatch(/; Path=\//);
    expect(ok.setCookie).not.toMatch(/Secure/); // plain HTTP: a Secure cookie would never come back
    const wrong = await loginApi(serve.url, 'ana', 'wrong-password-here');
    const unknown = await loginApi(serve.url, 'nobody', 'wrong-password-here');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.message).toBe(unknown.body.message);
    expect(wrong.setCookie).toBe('');
  });

  it('refuses state-changing requests without the CSRF token, with a wrong one, or from another origin', async () => {
    const s = await loginApi(serve.url, 'ana', PW);
    const post = (headers: Record<string, string>) =>
      fetch(`${serve.url}/ui/api/reviews`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: s.cookie, ...headers },
        body: JSON.stringify({
          name: `task ${Object.keys(headers).join(' ')}`,
          scope_kind: 'all',
          frequency: 'weekly',
        }),
      });
    const none = await post({});
    expect(none.status).toBe(403);
    expect(((await none.json()) as { message: string }).message).toMatch(
      /CSRF token missing or wrong/,
    );
    expect(
      (await post({ 'x-csrf-token': s.csrf.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) })).status,
    ).toBe(403);
    expect((await post({ 'x-csrf-token': s.csrf, origin: 'https://evil.example' })).status).toBe(
      403,
    );
    const good = await post({ 'x-csrf-token': s.csrf });
    expect(good.status).toBe(200);
    const tasks = (await (
      await fetch(`${serve.url}/ui/api/reviews`, { headers: { cookie: s.cookie } })
    ).json()) as { tasks: { name: string }[] };
    expect(tasks.tasks.map((t) => t.name)).toEqual(['task x-csrf-token']);
    // Logged out, the cookie is worthless.
    expect(
      (
        await fetch(`${serve.url}/ui/api/logout`, {
          method: 'POST',
          headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
        })
      ).status,
    ).toBe(200);
    expect(
      (await fetch(`${serve.url}/ui/api/session`, { headers: { cookie: s.cookie } })).status,
    ).toBe(401);
  });

  it('honours roles for bearer tokens the same way: read token is a viewer, admin token an admin', async () => {
    expect((await fetch(`${serve.url}/ui/api/overview`)).status).toBe(401);
    expect(
      (
        await fetch(`${serve.url}/ui/api/overview`, {
          headers: { authorization: `Bearer ${reader}` },
        })
      ).status,
    ).toBe(200);
    const as = (token: string) =>
      fetch(`${serve.url}/ui/api/reviews`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          name: `by token ${token.slice(3, 8)}`,
          scope_kind: 'all',
          frequency: 'daily',
        }),
      });
    expect((await as(reader)).status).toBe(403);
    expect((await as(adminToken)).status).toBe(200);
    expect(
      (await fetch(`${serve.url}/ui/api/users`, { headers: { authorization: `Bearer ${ingest}` } }))
        .status,
    ).toBe(403);
  });

  it('locks a user out after repeated failures, even with the right password, and logs authn_login_lock', async () => {
    for (let i = 0; i < 5; i++)
      expect((await loginApi(serve.url, 'bo', `wrong-password-${i}`)).status).toBe(401);
    const locked = await loginApi(serve.url, 'bo', PW);
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('LW_AUTH_LOCKED');
    const locks = await search('name:authn_login_lock source:dashboard');
    expect(locks.map((e) => e.event['user.id'])).toContain('bo');
    const fails = await search('name:authn_login_fail user:bo');
    expect(fails.length).toBeGreaterThanOrEqual(6);
  });
});

describe('dashboard security (configured for TLS, short idle timeout)', () => {
  it('uses the __Host- prefix with Secure, and ends idle sessions', async () => {
    const d = tempDir('lw-dash-sec2-');
    await createUser(d, 'ana', 'admin', PW);
    const srv = await startServe({
      dataDir: d,
      env: {
        LOGWARDEN_DASHBOARD__SECURE_COOKIES: 'always',
        LOGWARDEN_DASHBOARD__SESSION_IDLE_SECS: '2',
      },
    });
    const s = await loginApi(srv.url, 'ana', PW);
    expect(s.setCookie).toMatch(
      /^__Host-lw_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+; Secure$/,
    );
    expect(
      (await fetch(`${srv.url}/ui/api/session`, { headers: { cookie: s.cookie } })).status,
    ).toBe(200);
    const lastUse = Date.now();
    // The wait is the point: the session must stay unused for the idle window, and any request
    // that could tell it has ended would be a use. So wait until just past 2 s after the last use
    // (the server measures from an instant before it), not a guessed 3 s.
    await new Promise((r) => setTimeout(r, lastUse + 2_000 + 100 - Date.now()));
    expect(
      (await fetch(`${srv.url}/ui/api/session`, { headers: { cookie: s.cookie } })).status,
    ).toBe(401);
    await srv.stop();
  }, 30_000);
});

describe.skipIf(!haveChromium)('dashboard security in headless Chromium', () => {
  if (!haveChromium) console.warn(`browser XSS test skipped: ${CHROMIUM} is absent`);
  it('shows HTML from event fields as text: no element is created and no script runs', async () => {
    const hostile = makeEvent({
      'user.id': 'mallory',
      message: '<img src=x onerror="window.__xss=1;alert(1)">',
      'log.original': '<script>window.__xss=2;alert(2)</script> GET /login',
      attributes: { note: '<svg onload="alert(3)"></svg><b>bold?</b>' },
    });
    expect((await sendBatch(serve.url, ingest, [hostile])).status).toBe(200);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const seen = watchPage(page);
      await login(page, serve.url, 'ana', PW);
      await ready(page, '#/overview');
      await page.evaluate(
        `location.hash = '#/events?q=' + encodeURIComponent('user:mallory') + '&range=all'`,
      );
      await page.waitForSelector('#results tr');
      expect(await page.textContent('#results')).toContain(
        '<img src=x onerror="window.__xss=1;alert(1)">',
      );
      await page.click('#results tr:first-child a');
      await page.waitForSelector('#event-fields');
      expect(await page.textContent('#event-fields')).toContain('<img src=x onerror=');
      expect(await page.textContent('#event-fields')).toContain(
        '<svg onload="alert(3)"></svg><b>bold?</b>',
      );
      expect(await page.textContent('#original')).toContain(
        '<script>window.__xss=2;alert(2)</script>',
      );
      // Text, not markup: no element was made from the values, and nothing ran.
      expect(await page.locator('main img, main script, main b, main svg[onload]').count()).toBe(0);
      expect(await page.evaluate('typeof window.__xss')).toBe('undefined');
      expect(seen.dialogs).toEqual([]);
      await shot(page, 'event-detail-hostile-html');
    } finally {
      await browser.close();
    }
  }, 60_000);
});
