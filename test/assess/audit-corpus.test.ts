/**
 * `audit` on the real logs in ../shared/corpus/logs/ (loghub Apache/OpenSSH, elastic apache_logs,
 * Honeynet SotM34): every file completes with a format and a report; for the sshd logs the
 * brute-force findings name the sources an independent count of failure lines points at.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderReport } from '../../src/assess/report/index.js';
import { SHARED, auditReport } from './helpers.js';

const LOGS = path.join(SHARED, 'corpus/logs');
const present = existsSync(LOGS);
if (!present) console.warn(`audit corpus suite skipped: ${LOGS} is absent`);

function corpusFiles(): string[] {
  if (!present) return [];
  const list: string[] = [];
  const add = (p: string): void => void (existsSync(p) && list.push(p));
  add(path.join(LOGS, 'loghub/Apache/Apache_2k.log'));
  add(path.join(LOGS, 'loghub/OpenSSH/OpenSSH_2k.log'));
  add(path.join(LOGS, 'elastic-examples/apache_logs'));
  for (const d of ['sotm34/syslog', 'sotm34/http']) {
    const dir = path.join(LOGS, d);
    if (existsSync(dir)) for (const f of readdirSync(dir).sort()) add(path.join(dir, f));
  }
  return list;
}

const FILES = corpusFiles();
const SSHD = FILES.filter((f) => /OpenSSH|\/secure/.test(f));
const BRUTE = /brute|spray|sweep|invalid_user|t1110/i;
// Failure lines in both OpenSSH wordings (2005 "Illegal user", today's "Invalid user").
const FAILURE =
  /sshd\[\d+\]: (?:Failed (?:password|none|publickey) for (?:invalid user |illegal user )?\S* from|(?:Invalid|Illegal) user \S* from) (\d+\.\d+\.\d+\.\d+)/;

/** Source addresses with at least `min` failure lines, counted without our parsers. */
function heavyHitters(file: string, min: number): string[] {
  const counts = new Map<string, number>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = FAILURE.exec(line);
    if (m) counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1);
  }
  return [...counts].filter(([, n]) => n >= min).map(([ip]) => ip);
}

describe.skipIf(!present)('audit on the shared corpus', () => {
  it.each(FILES.map((f) => [path.relative(LOGS, f), f]))(
    '%s completes with a format and findings',
    async (_n, file) => {
      const r = await auditReport([file]);
      const f = r.audit!.files[0]!;
      expect(f.lines).toBeGreaterThan(0);
      expect(f.format).not.toBe('unparsed');
      expect(f.unparsed / f.lines).toBeLessThan(0.05);
      expect(r.findings.length).toBeGreaterThan(0);
      expect(r.score).toBeGreaterThanOrEqual(0);
      // Every format renders (the HTML and SARIF builders see real data, not only fixtures).
      for (const fmt of ['terminal', 'markdown', 'html', 'sarif'] as const)
        expect(renderReport(r, fmt).length).toBeGreaterThan(200);
    },
  );

  it.each(SSHD.map((f) => [path.relative(LOGS, f), f]))(
    '%s: the brute-force findings name the heavy hitters',
    async (_n, file) => {
      const expected = heavyHitters(file, 15);
      expect(expected.length).toBeGreaterThan(0);
      const r = await auditReport([file]);
      const finding = r.findings.find((x) => x.id === 'AUD-BRUTEFORCE');
      expect(finding, 'AUD-BRUTEFORCE').toBeDefined();
      const entities = new Set(
        r
          .audit!.alerts.filter((a) => BRUTE.test(a.rule) || a.tags.some((t) => BRUTE.test(t)))
          .map((a) => a.entity),
      );
      for (const ip of expected) expect(entities, ip).toContain(`ip:${ip}`);
      // The busiest source is named in the finding itself, not only in the data.
      expect(finding!.summary).toMatch(/ip:\d/);
    },
  );
});
