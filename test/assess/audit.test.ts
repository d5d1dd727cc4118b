/**
 * `audit` on the project's own fixtures, one per input format: the findings an assessor expects,
 * line numbers of the evidence, and secrets MASKED in every output format.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  REPORT_FORMATS,
  renderReport,
  type AssessmentReport,
} from '../../src/assess/report/index.js';
import { runCli } from '../e2e/helpers.js';
import { FIXTURES, auditReport } from './helpers.js';

const fx = (name: string): string => path.join(FIXTURES, name);
const ids = (r: AssessmentReport): string[] => r.findings.map((f) => f.id);
const finding = (r: AssessmentReport, id: string) => {
  const f = r.findings.find((x) => x.id === id);
  if (!f) throw new Error(`no ${id} in ${ids(r).join(', ')}`);
  return f;
};

// Every secret planted in the fixtures; none may appear in any rendering of a report.
const SECRETS = [
  'Hunter2Secret!',
  'sk_live_4eC39HqLyjWDarjtT1zdp7dc',
  '4111 1111 1111 1111',
  '9f8e7d6c5b4a39281706f5e4d3c2b1a0',
  'carol.jones@example.org',
  '7c1f9a2b4d6e8f00',
];

const tmp = mkdtempSync(path.join(tmpdir(), 'lw-audit-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('audit: the poor "timestamp + URL" format', () => {
  it('flags missing who/what/outcome, missing login and error events, and the token in a URL', async () => {
    const r = await auditReport([fx('poor.log')]);
    expect(r.audit!.files[0]!.format).toBe('url_line');
    for (const id of [
      'AUD-NO-WHO',
      'AUD-NO-WHAT',
      'AUD-NO-OUTCOME',
      'AUD-NO-LOGIN',
      'AUD-NO-ERRORS',
      'AUD-TIME-ZONE',
    ])
      expect(ids(r)).toContain(id);
    const secret = finding(r, 'AUD-SECRET');
    expect(secret.evidence.map((e) => e.line)).toEqual([6]);
    expect(secret.evidence[0]!.text).toContain('token=[REDACTED:secret]');
    expect(r.audit!.coverage.client).toBe(0);
    expect(r.grade).toBe('F');
  });
});

describe('audit: an access log', () => {
  it('finds the who/outcome fields, the status-based kinds and the attacks with their lines', async () => {
    const r = await auditReport([fx('access.log')]);
    expect(r.audit!.files[0]!.format).toBe('access');
    expect(ids(r)).not.toContain('AUD-NO-WHO');
    expect(ids(r)).not.toContain('AUD-NO-OUTCOME');
    expect(r.audit!.kinds.authz_failure).toBe(2); // the 401 and the 403
    expect(r.audit!.kinds.error).toBe(1); // the 500
    const attacks = finding(r, 'AUD-ATTACKS');
    expect(attacks.evidence.some((e) => e.line === 5)).toBe(true); // the UNION SELECT line
    expect(attacks.summary).toMatch(/SQL injection/i);
    expect(ids(r)).toContain('AUD-NO-LOGIN'); // a 401 on /login is not a login event
  });
});

describe('audit: an sshd auth.log', () => {
  it('names the brute-force source and raises no secret for sudo PWD=', async () => {
    const r = await auditReport([fx('auth.log')]);
    expect(r.audit!.files[0]!.format).toBe('syslog');
    expect(finding(r, 'AUD-BRUTEFORCE').summary).toContain('192.0.2.50');
    expect(ids(r)).not.toContain('AUD-SECRET');
    expect(ids(r)).not.toContain('AUD-NO-LOGIN');
    expect(r.audit!.kinds.admin).toBe(1);
  });
});

describe('audit: JSON lines with secrets, personal data and injected characters', () => {
  it('reports each kind with its line numbers', async () => {
    const r = await auditReport([fx('app.jsonl')]);
    expect(r.audit!.files[0]!.format).toBe('json');
    expect(finding(r, 'AUD-SECRET').evidence.map((e) => e.line)).toEqual([2, 3]);
    expect(finding(r, 'AUD-CARD').evidence.map((e) => e.line)).toEqual([4]);
    expect(finding(r, 'AUD-SESSION').evidence.map((e) => e.line)).toEqual([5]);
    expect(finding(r, 'AUD-PII').evidence.map((e) => e.line)).toEqual([6]);
    const inj = finding(r, 'AUD-INJECTION');
    expect(inj.evidence.map((e) => e.line).sort()).toEqual([8, 9]);
    expect(inj.summary).toMatch(/CR\/LF/);
    expect(inj.summary).toMatch(/ANSI/);
    expect(finding(r, 'AUD-CARD').severity).toBe('critical');
    // Ranked by risk: the critical findings first.
    expect(r.findings[0]!.severity).toBe('critical');
  });

  it('never prints a secret in any output format', async () => {
    const r = await auditReport([fx('app.jsonl'), fx('poor.log')]);
    for (const format of REPORT_FORMATS) {
      const text = renderReport(r, format, { width: 100 });
      for (const s of SECRETS) expect(text, `${format} leaks ${s}`).not.toContain(s);
      expect(text).toContain('[REDACTED:');
      // No raw control characters reach a terminal or a page (CWE-117/150).
      expect(text).not.toMatch(/\u001b/);
    }
  });
});

describe('audit: SARIF and HTML shapes', () => {
  it('SARIF 2.1.0 results point at rules and file:line', async () => {
    const r = await auditReport([fx('app.jsonl')]);
    const sarif = JSON.parse(renderReport(r, 'sarif')) as {
      version: string;
      runs: Array<{
        tool: { driver: { rules: Array<{ id: string; properties: { tags: string[] } }> } };
        results: Array<{
          ruleId: string;
          ruleIndex: number;
          locations?: Array<{
            physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
          }>;
        }>;
      }>;
    };
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0]!;
    expect(run.results.length).toBe(r.findings.length);
    for (const res of run.results)
      expect(run.tool.driver.rules[res.ruleIndex]!.id).toBe(res.ruleId);
    const card = run.results.find((x) => x.ruleId === 'AUD-CARD')!;
    expect(card.locations![0]!.physicalLocation.artifactLocation.uri).toBe(
      'test/fixtures/assess/app.jsonl',
    );
    expect(card.locations![0]!.physicalLocation.region.startLine).toBe(4);
    expect(run.tool.driver.rules.find((x) => x.id === 'AUD-CARD')!.properties.tags).toContain(
      'PCI:3.5.1',
    );
  });

  it('HTML is self-contained: a CSP, inline SVG, no script and no external URL', async () => {
    const html = renderReport(await auditReport([fx('access.log')]), 'html');
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'/);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\s(?:src|href)=/i);
    expect((html.match(/<svg /g) ?? []).length).toBeGreaterThanOrEqual(4);
  });
});

describe('logwarden audit (process)', () => {
  it('reads gzip files and stdin, and writes --output in the format of its extension', async () => {
    const gz = path.join(tmp, 'poor.log.gz');
    writeFileSync(gz, gzipSync(readFileSync(fx('poor.log'))));
    const out = path.join(tmp, 'r.md');
    const a = await runCli(['audit', gz, '--output', out]);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stderr).toMatch(/score \d+\/100, grade F/);
    const md = readFileSync(out, 'utf8');
    expect(md).toMatch(/^# Log audit/);
    expect(md).toContain('AUD-NO-WHO');
    expect(md).not.toContain('7c1f9a2b4d6e8f00');

    const b = await runCli(['audit', '-', '--format', 'json'], {
      input: readFileSync(fx('auth.log'), 'utf8'),
    });
    expect(b.code, b.stderr).toBe(0);
    const r = JSON.parse(b.stdout) as AssessmentReport;
    expect(r.audit!.files[0]!.name).toBe('<stdin>');
    expect(r.findings.map((f) => f.id)).toContain('AUD-BRUTEFORCE');
  });

  it('names what was wrong: an unknown --format, a missing file, --fail-under', async () => {
    const bad = await runCli(['audit', fx('poor.log'), '--format', 'pdf']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--format "pdf"');
    const missing = await runCli(['audit', path.join(tmp, 'nope.log')]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('nope.log');
    const fail = await runCli(['audit', fx('poor.log'), '--format', 'json', '--fail-under', '50']);
    expect(fail.code).toBe(2);
  });
});
