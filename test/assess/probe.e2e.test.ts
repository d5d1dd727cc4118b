/**
 * `logwarden probe` against the example application with a live `logwarden serve`, both real
 * child processes on 127.0.0.1: with the SDK on (recording every request, `--sample 1`) every
 * probe is found, with its fields, and alerted where the shipped rules cover it; with the SDK
 * off the report says what went undetected.
 *
 * Alerts come from the server's live detection through GET /v1/alerts (`alerts via api`); the
 * fallback for servers without it (the engine over the events read back) is covered by
 * probe-logfile.e2e.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReport, type AssessmentReport } from '../../src/assess/report/index.js';
import {
  assertBuilt,
  cleanupTemps,
  createToken,
  runCli,
  startServe,
  tempDir,
  type ServeProcess,
} from '../e2e/helpers.js';
import { startExampleApp, type AppProcess } from '../e2e/sdk-app-process.js';

let serve: ServeProcess;
let readToken: string;
let ingestToken: string;
const apps: AppProcess[] = [];

beforeAll(async () => {
  assertBuilt();
  const dir = tempDir('lw-probe-');
  ingestToken = await createToken(dir, 'shop', 'ingest');
  readToken = await createToken(dir, 'probe', 'read');
  serve = await startServe({ dataDir: dir });
}, 60_000);

afterAll(async () => {
  for (const a of apps) await a.stop();
  await serve?.stop();
  cleanupTemps();
});

async function probe(appUrl: string, wait: number): Promise<AssessmentReport> {
  const r = await runCli([
    'probe',
    appUrl,
    '--logwarden',
    serve.url,
    '--token',
    readToken,
    '--rate',
    '50',
    '--wait',
    String(wait),
    '--format',
    'json',
  ]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as AssessmentReport;
}

describe('logwarden probe (example app + logwarden serve)', () => {
  it('with the SDK on: every probe is logged with its fields, and alerted where detection covers it', async () => {
    const app = await startExampleApp([
      '--endpoint',
      serve.url,
      '--token',
      ingestToken,
      '--sample',
      '1',
    ]);
    apps.push(app);
    const report = await probe(app.url, 20);
    const p = report.probe!;
    expect(p.checkedVia).toBe(`api ${serve.url}`);
    expect(p.alertsVia).toBe('api');
    expect(p.probes.length).toBe(6);
    for (const x of p.probes) {
      expect(x.logged, `${x.name} logged`).toBe(true);
      expect(x.loggedEvents, x.name).toBeGreaterThanOrEqual(x.requests);
      expect(x.missingFields, x.name).toEqual([]);
      if (x.expectAlert) expect(x.alerted, `${x.name} alerted`).toBe(true);
      expect(x.latencyMs).toBeGreaterThanOrEqual(0);
    }
    const login = p.probes.find((x) => x.name === 'failed_logins')!;
    expect(login.statuses).toEqual([401]);
    expect(login.alertRules.join(' ')).toMatch(/spray|brute/);
    expect(p.probes.find((x) => x.name === 'not_found_burst')!.alertRules).toContain(
      'lw_404_scanning',
    );
    expect(
      report.findings.filter((f) => f.id === 'PRB-NOT-LOGGED' || f.id === 'PRB-NOT-ALERTED'),
    ).toEqual([]);
  }, 90_000);

  it('with the SDK off: the report says what went undetected', async () => {
    const app = await startExampleApp(['--no-sdk']);
    apps.push(app);
    const report = await probe(app.url, 3);
    const p = report.probe!;
    for (const x of p.probes) {
      expect(x.logged, x.name).toBe(false);
      expect(
        x.statuses.every((s) => s > 0),
        x.name,
      ).toBe(true); // the app did answer
    }
    const notLogged = report.findings.find((f) => f.id === 'PRB-NOT-LOGGED')!;
    expect(notLogged.severity).toBe('critical');
    expect(notLogged.summary).toContain('6 of 6 probes left no trace');
    for (const x of p.probes) expect(notLogged.summary).toContain(x.label);
    expect(report.findings.map((f) => f.id)).toContain('PRB-NOT-ALERTED');
    expect(report.grade).toBe('F');
    // The readable report says so too, probe by probe.
    const md = renderReport(report, 'markdown');
    expect(md).toContain('Attack-like requests left no trace in the logs');
    for (const x of p.probes)
      expect(md).toMatch(
        new RegExp(`\\| ${x.label.replace(/[()]/g, '\\$&')} \\| ${x.requests} \\| \\d+ \\| NO \\|`),
      );
  }, 60_000);

  it('--dry-run sends nothing; a non-loopback target is refused without --authorize', async () => {
    const dry = await runCli(['probe', 'http://127.0.0.1:9/', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/40 requests at most 10\/s \(dry run: nothing sent\)/);
    expect(dry.stdout).toContain('POST http://127.0.0.1:9/login');
    const denied = await runCli(['probe', 'http://192.0.2.10/', '--dry-run']);
    expect(denied.code).toBe(77);
    expect(denied.stderr).toContain('LW_SCOPE_DENIED');
    expect(denied.stderr).toContain('--authorize 192.0.2.10');
    const ok = await runCli([
      'probe',
      'http://192.0.2.10/',
      '--dry-run',
      '--authorize',
      '192.0.2.10',
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    const noWhere = await runCli(['probe', 'http://127.0.0.1:9/']);
    expect(noWhere.stderr).toContain('--logwarden URL --token T, or --log-file PATH');
  }, 30_000);
});
