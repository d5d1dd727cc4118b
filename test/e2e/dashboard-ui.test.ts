/**
 * The dashboard end to end: a real `logwarden serve` child process, users made with the real
 * CLI, headless Chromium. A reviewer's day: log in (after a wrong password, which is refused and
 * stored as authn_login_fail), look at the overview, search with field autocomplete, open an
 * event and pivot, acknowledge an alert, sign off a review task, export the trail; a viewer
 * cannot acknowledge (the button is disabled and the API refuses, logged as authz_fail).
 * Screenshots of every page go to artifacts/screenshots/.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor, waitUntil } from '../helpers/wait.js';
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
  go,
  haveChromium,
  launchChromium,
  login,
  ready,
  shot,
  watchPage,
  CHROMIUM,
} from '../review/dashboard-browser.js';

if (!haveChromium)
  console.warn(`dashboard e2e skipped: ${CHROMIUM} is absent (.ci/run installs it)`);

const PW = { ana: 'ana-passphrase-123', vic: 'vic-passphrase-456' };
let browser: Browser | undefined;
let serve: ServeProcess | undefined;
let reader = '';
let adminToken = '';

interface EventsAnswer {
  events: { seq: number; source: string; event: Record<string, unknown> }[];
}
async function search(q: string): Promise<EventsAnswer['events']> {
  const r = await fetch(`${serve!.url}/v1/events?q=${encodeURIComponent(q)}&limit=100`, {
    headers: { authorization: `Bearer ${reader}` },
  });
  expect(r.status).toBe(200);
  return ((await r.json()) as EventsAnswer).events;
}
/** The events matching `q`, once there is one (15 s, every 150 ms). */
const found = (q: string): Promise<EventsAnswer['events']> =>
  waitUntil(
    () => search(q),
    (f) => f.length > 0,
    `an event matching ${q}`,
    15_000,
    150,
  );

beforeAll(async () => {
  if (!haveChromium) return;
  const dir = tempDir('lw-dash-');
  await createUser(dir, 'ana', 'admin', PW.ana);
  await createUser(dir, 'vic', 'viewer', PW.vic);
  const ingest = await createToken(dir, 'web', 'ingest');
  reader = await createToken(dir, 'auditor', 'read');
  adminToken = await createToken(dir, 'ops', 'admin');
  serve = await startServe({ dataDir: dir });
  const t0 = Date.now();
  const events = [
    ...Array.from({ length: 7 }, (_, i) =>
      makeEvent({
        time: new Date(t0 - 60_000 + i).toISOString(),
        'user.id': 'carol',
        'client.address': '198.51.100.23',
      }),
    ),
    ...Array.from({ length: 20 }, (_, i) =>
      makeEvent({
        'event.name': 'authn_login_success',
        time: new Date(t0 - 3_600_000 * (i % 12)).toISOString(),
        'user.id': `user${i % 4}`,
        'client.address': `192.0.2.${i % 5}`,
      }),
    ),
  ];
  expect((await sendBatch(serve.url, ingest, events)).status).toBe(200);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  killAllServes();
  cleanupTemps();
});

describe.skipIf(!haveChromium)('dashboard in headless Chromium', () => {
  it('a wrong password is refused and stored as authn_login_fail; then a reviewer works through every page', async () => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    const seen = watchPage(page);
    const url = serve!.url;

    await login(page, url, 'ana', 'not-the-password');
    await page.waitForSelector('#login-form .error:not([hidden])');
    expect(await page.textContent('#login-form .error')).toMatch(/wrong user name or password/);
    await shot(page, 'login-refused');
    const fails = await found('name:authn_login_fail source:dashboard');
    expect(fails[0]!.event['user.id']).toBe('ana');
    expect(fails[0]!.event['log.source']).toBe('internal');

    await page.fill('#login-password', PW.ana);
    await page.click('#login-submit');
    await ready(page, '#/overview');
    expect(await page.textContent('#who')).toContain('ana · admin');
    // The overview draws the event rate (one rect per non-empty bucket and kind) and alert bars.
    await page.waitForSelector('#rate-panel svg.chart rect');
    expect(await page.locator('#rate-panel svg.chart rect').count()).toBeGreaterThan(3);
    expect(await page.textContent('#rate-panel .legend')).toMatch(/authn/);
    expect(await page.textContent('#ledger-panel')).toMatch(/Latest checkpoint/);
    await shot(page, 'overview');
    expect(
      (await search('name:authn_login_success source:dashboard')).some(
        (e) => e.event['user.id'] === 'ana',
      ),
    ).toBe(true);

    // Events: field autocomplete from QUERY_FIELDS, search, open an event, pivot on a value.
    await go(page, '#/events');
    await page.click('#query');
    await page.keyboard.type('client.add');
    await page.waitForSelector('#field-suggestions:not([hidden]) li');
    expect(await page.textContent('#field-suggestions')).toContain('client.address');
    await page.keyboard.press('Tab');
    expect(await page.inputValue('#query')).toBe('client.address:');
    await page.keyboard.type('198.51.100.23');
    await page.selectOption('#range', '24h');
    await page.click('#search-form button[type=submit]');
    await ready(page, '#/events');
    await page.waitForSelector('#results tr');
    expect(await page.locator('#results tr').count()).toBe(7);
    expect(await page.textContent('#result-count')).toMatch(/7 events shown/);
    await shot(page, 'events');
    await page.click('#results tr:first-child a');
    await page.waitForSelector('#event-fields');
    expect(await page.textContent('#event-fields')).toContain('198.51.100.23');
    expect(await page.textContent('#event-fields')).toContain('carol');
    await shot(page, 'event-detail');
    await page.click('#event-fields tr:has(th:text-is("user.id")) a.pivot');
    await ready(page, '#/events');
    await page.waitForSelector('#results tr');
    expect(await page.inputValue('#query')).toBe('user.id:"carol"');
    expect(await page.locator('#results tr').count()).toBe(7);

    // Alerts: the brute force on carol is in the queue; acknowledge it from its page.
    await waitFor(
      async () => {
        await go(page, '#/alerts');
        return (await page.locator('#alert-table tbody tr').count()) > 0;
      },
      'an alert in the queue',
      15_000,
      150,
    );
    await shot(page, 'alerts');
    await page.click('#alert-table tbody tr:has-text("carol") a');
    await page.waitForSelector('#act-acknowledge:not([disabled])');
    await shot(page, 'alert-detail');
    await page.click('#act-acknowledge');
    await page.waitForSelector('#history li:has-text("acknowledge by user:ana")');
    expect(await page.textContent('main')).toContain('acknowledged');
    await page.fill('#note', 'checked with carol: she forgot her password');
    await page.click('#act-note');
    await page.waitForSelector('#history li:has-text("note by user:ana")');
    // Bulk: select the brute-force alert in the queue and resolve it with the others selected.
    await go(page, '#/alerts');
    await page.check('#alert-table tbody tr:has-text("carol") input[type=checkbox]');
    await page.click('#bulk button[data-bulk=resolve]');
    await ready(page, '#/alerts');
    await page.waitForSelector('.notice:has-text("1 alert(s): resolve")');
    expect(await page.locator('#alert-table tbody tr:has-text("carol")').count()).toBe(0);
    const resolved = (await (
      await fetch(`${serve!.url}/ui/api/alerts?status=resolved`, {
        headers: { authorization: `Bearer ${reader}` },
      })
    ).json()) as { alerts: { id: string; entity: { value: string } }[] };
    const carol = resolved.alerts.find((a) => a.entity.value === 'carol')!;
    const hist = (await (
      await fetch(`${serve!.url}/ui/api/alerts/${carol.id}`, {
        headers: { authorization: `Bearer ${reader}` },
      })
    ).json()) as { history: { actor: string; action: string }[] };
    expect(hist.history.map((x) => `${x.action} ${x.actor}`)).toEqual([
      'created logwarden',
      'acknowledge user:ana',
      'note user:ana',
      'resolve user:ana',
    ]);

    // Review: create a daily task for the web source, open it, sign off with an exception.
    await go(page, '#/reviews');
    await page.fill('#task-name', 'Web daily review');
    await page.selectOption('#task-scope', 'source');
    await page.fill('#task-scope-value', 'web');
    await page.click('#task-form button[type=submit]');
    await page.waitForSelector('#review-table tr:has-text("Web daily review")');
    await shot(page, 'reviews');
    await page.click('#review-table a:text("Web daily review")');
    await page.waitForSelector('#due-summary');
    // 27 events from web; the 7 failures are notable; the brute-force alert is new.
    expect(await page.textContent('#due-summary')).toMatch(/events in scope\s*27/);
    expect(await page.textContent('#due-summary')).toMatch(/notable events\s*7/);
    expect(await page.textContent('#due-summary')).toMatch(/new alerts\s*[1-9]/);
    await page.fill('#signoff-notes', 'Looked at the failures and the brute-force alert.');
    await page.fill('#signoff-exceptions', 'carol locked out 7 times: reset with her manager');
    await shot(page, 'review-task');
    await page.click('#signoff-submit');
    await page.waitForSelector('#flash');
    expect(await page.textContent('#signoffs')).toContain('carol locked out 7 times');
    const signoffs = await search('name:review_signoff');
    expect(signoffs).toHaveLength(1);
    expect(signoffs[0]!.event['user.id']).toBe('ana');
    expect((signoffs[0]!.event.attributes as Record<string, unknown>).exceptions).toEqual([
      'carol locked out 7 times: reset with her manager',
    ]);
    const report = (await page.evaluate(
      `fetch('/ui/api/reviews/report?format=md').then((r) => r.text())`,
    )) as string;
    expect(report).toContain('Web daily review');
    expect(report).toMatch(/matches ledger/);
    expect(report).not.toMatch(/DOES NOT MATCH/);

    await go(page, '#/sources');
    expect(await page.textContent('#source-table')).toContain('web');
    expect(await page.textContent('#source-table')).toContain('dashboard');
    await shot(page, 'sources');
    expect(seen.dialogs).toEqual([]);
    expect(seen.errors.filter((e) => !/401|403|Unauthorized/.test(e))).toEqual([]);
    await page.close();
  }, 120_000);

  it('a viewer sees alerts but cannot acknowledge: the button is disabled and the API refuses, logged as authz_fail', async () => {
    const ctx = await browser!.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await ctx.newPage();
    // Reopen the alert resolved above, so only the role (not the status) can disable the buttons.
    const list = (await (
      await fetch(`${serve!.url}/v1/alerts?status=resolved`, {
        headers: { authorization: `Bearer ${reader}` },
      })
    ).json()) as { alerts: { id: string; entity: { value: string } }[] };
    const carolId = list.alerts.find((a) => a.entity.value === 'carol')!.id;
    const reopen = await fetch(`${serve!.url}/v1/alerts/${carolId}/actions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'reopen' }),
    });
    expect(reopen.status).toBe(200);
    await login(page, serve!.url, 'vic', PW.vic);
    await ready(page, '#/overview');
    await go(page, '#/alerts?status=');
    await page.click('#alert-table tbody tr:has-text("carol") a');
    await page.waitForSelector('#readonly-note');
    expect(await page.textContent('main .row > h1 + .badge')).toBe('open');
    expect(await page.isDisabled('#act-acknowledge')).toBe(true);
    expect(await page.isDisabled('#act-resolve')).toBe(true);
    await shot(page, 'alert-detail-viewer');
    // Forge the request the button would send, with a valid CSRF token: the role still says no.
    const id = page.url().split('/alerts/')[1]!;
    const status = await page.evaluate(`(async () => {
      const s = await (await fetch('/ui/api/session')).json();
      const r = await fetch('/ui/api/alerts/${id}/actions', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrf }, body: JSON.stringify({ action: 'resolve' }) });
      return r.status;
    })()`);
    expect(status).toBe(403);
    const denied = await found('name:authz_fail source:dashboard');
    expect(denied[0]!.event['user.id']).toBe('vic');
    await ctx.close();
  }, 60_000);
});
