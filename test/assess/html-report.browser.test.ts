/**
 * The HTML report in real headless Chromium: it renders under its own strict CSP without a
 * single console error (a blocked style or a script would log one), the charts are there with
 * their bars, and a screenshot lands in artifacts/ for a person to look at.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interviewFindings, interviewFromAnswers } from '../../src/assess/interview/index.js';
import { buildReport, renderReport } from '../../src/assess/report/index.js';
import { repoRoot } from '../e2e/helpers.js';
import { auditReport } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`HTML report browser test skipped: ${CHROMIUM} is absent`);

let browser: Browser | undefined;
const tmp = mkdtempSync(path.join(tmpdir(), 'lw-html-'));

beforeAll(async () => {
  if (!haveChromium) return;
  browser = await chromium.launch({
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
}, 60_000);

afterAll(async () => {
  await browser?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe.skipIf(!haveChromium)('HTML report in headless Chromium', () => {
  it('renders with its charts under its CSP, and a screenshot is written', async () => {
    // An assessment with all the parts a person would look at: the seed's log and answers.
    const audit = await auditReport([path.join(repoRoot, 'examples/system.log')]);
    const interview = interviewFromAnswers({
      what_logged: 'We log all connections',
      storage_location: 'On the web server',
    });
    const report = buildReport({
      kind: 'assessment',
      title: 'Security logging assessment: example shop',
      findings: [...audit.findings, ...interviewFindings(interview)],
      audit: audit.audit!,
      interview,
    });
    const file = path.join(tmp, 'report.html');
    writeFileSync(file, renderReport(report, 'html'));

    const page = await browser!.newPage({ viewport: { width: 1200, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href);

    expect(await page.title()).toBe('Security logging assessment: example shop');
    const charts = await page.locator('svg.chart').count();
    expect(charts).toBe(5); // gauge, severity, coverage, high-value kinds, volume per day
    for (const id of ['chart-severity', 'chart-coverage', 'chart-kinds', 'chart-volume']) {
      const box = await page.locator(`#${id}`).boundingBox();
      expect(box, id).not.toBeNull();
      expect(box!.width, id).toBeGreaterThan(150);
      expect(box!.height, id).toBeGreaterThan(50);
    }
    // Volume per day: one stack per day of the sample (three days, two parts each).
    expect(await page.locator('#chart-volume rect.col').count()).toBe(3 * 2);
    expect(await page.locator('#chart-coverage rect.bar').count()).toBe(12);
    // The stylesheet applied (allowed by its hash): the finding cards have their coloured edge.
    const edge = await page.evaluate(
      "getComputedStyle(document.querySelector('section.finding.sev-high')).borderLeftWidth",
    );
    expect(edge).toBe('6px');
    expect(await page.locator('section.finding').count()).toBe(report.findings.length);
    expect(problems).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);

    const out = path.join(repoRoot, 'artifacts');
    mkdirSync(out, { recursive: true });
    const shot = path.join(out, 'assess-report.png');
    await page.screenshot({ path: shot, fullPage: false });
    expect(existsSync(shot)).toBe(true);
    await page.close();
  }, 60_000);
});
