/**
 * Shared by the dashboard's end-to-end tests: users created with the real CLI, headless Chromium
 * (Debian's /usr/bin/chromium driven by playwright-core), login, screenshots under
 * artifacts/screenshots/ (git-ignored) for a person to look at.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot, runCli } from '../e2e/helpers.js';

export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);
export const SHOTS = path.join(repoRoot, 'artifacts/screenshots');

export async function createUser(
  dataDir: string,
  name: string,
  role: string,
  password: string,
): Promise<void> {
  const r = await runCli(
    ['users', 'create', name, '--role', role, '--password-stdin', '--data', dataDir],
    {
      input: password,
    },
  );
  if (r.code !== 0) throw new Error(`users create ${name} failed (${r.code}): ${r.stderr}`);
}

/** Playwright's launch() gives the browser a fresh temporary profile (user data dir) each time. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Console errors and failed requests of a page (a CSP violation logs a console error). */
export function watchPage(page: Page): { errors: string[]; dialogs: string[] } {
  const out = { errors: [] as string[], dialogs: [] as string[] };
  page.on('console', (m) => {
    if (m.type() === 'error') out.errors.push(m.text());
  });
  page.on('pageerror', (e) => out.errors.push(e.message));
  page.on('dialog', (d) => {
    out.dialogs.push(d.message());
    void d.dismiss();
  });
  return out;
}

export async function login(
  page: Page,
  url: string,
  user: string,
  password: string,
): Promise<void> {
  await page.goto(`${url}/ui/`);
  await page.waitForSelector('#login-form');
  await page.fill('#login-user', user);
  await page.fill('#login-password', password);
  await page.click('#login-submit');
}

/** Wait until the page finished rendering `hashPath` (app.js sets body[data-ready]). */
export async function ready(page: Page, hashPath: string): Promise<void> {
  // A selector, not a predicate function: the dashboard's CSP (no 'unsafe-eval') refuses the
  // string evaluation that waitForFunction uses.
  await page.waitForSelector(`body[data-ready=${JSON.stringify(hashPath)}]`, {
    state: 'attached',
    timeout: 15_000,
  });
}

export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Navigate inside the single-page app and wait for the page to render. */
export async function go(page: Page, hash: string): Promise<void> {
  // The same hash fires no hashchange: dispatch one so the page renders afresh.
  await page.evaluate(
    `document.body.dataset.ready = ''; if (location.hash === ${JSON.stringify(hash)}) dispatchEvent(new HashChangeEvent('hashchange')); else location.hash = ${JSON.stringify(hash)};`,
  );
  await ready(page, hash.split('?')[0]!);
}
