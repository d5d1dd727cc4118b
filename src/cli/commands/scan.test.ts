import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../detection/alerts/alert.js';
import { scanFiles, sortAlerts } from './scan.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'lw-scan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
// Worker threads run the compiled worker (dist/); `npm test` builds first.
const workerBuilt = existsSync(path.join(root, 'dist/detection/scan/worker.js'));

describe('scanFiles', () => {
  it('finds an sshd brute force in a file on the file’s own time, and nothing in a quiet one', async () => {
    const attack = path.join(dir, 'auth.log');
    writeFileSync(
      attack,
      Array.from(
        { length: 6 },
        (_, i) =>
          `Mar  1 10:00:0${i} web sshd[10${i}]: Failed password for root from 203.0.113.5 port 4000${i} ssh2`,
      ).join('\n') + '\n',
    );
    const quiet = path.join(dir, 'quiet.log');
    writeFileSync(
      quiet,
      'Mar  1 10:00:00 web sshd[200]: Accepted publickey for alice from 198.51.100.7 port 5000 ssh2\n',
    );
    const opts = { logFormat: 'auto', ruleDirs: [], builtin: true, progress: false, year: 2026 };
    const r = await scanFiles([attack], opts);
    const bf = r.alerts.find((a) => a.rule.name === 'lw_sshd_bruteforce');
    expect(bf?.entity).toEqual({ type: 'ip', value: '203.0.113.5' });
    expect(new Date(bf!.firstSeenMs).toISOString()).toBe('2026-03-01T10:00:00.000Z');
    expect(r.summaries[0]).toMatchObject({ lines: 6, format: 'syslog', unparsed: 0 });
    const q = await scanFiles([quiet], opts);
    expect(q.alerts.filter((a) => a.entity.type === 'ip')).toEqual([]);
  });

  it('splits lines like readline: CRLF, a lone CR, no final newline', async () => {
    const f = path.join(dir, 'crlf.log');
    const line = (i: number): string =>
      `Mar  1 10:00:0${i} web sshd[30${i}]: Failed password for root from 203.0.113.6 port 4100${i} ssh2`;
    writeFileSync(
      f,
      `${line(0)}\r\n${line(1)}\r${line(2)}\n\n${line(3)}\r\n${line(4)}\n${line(5)}`,
    );
    const r = await scanFiles([f], {
      logFormat: 'auto',
      ruleDirs: [],
      builtin: true,
      progress: false,
      year: 2026,
      threads: 1,
    });
    // 6 lines and one empty one
    expect(r.summaries[0]).toMatchObject({ lines: 7, format: 'syslog' });
    const bf = r.alerts.find((a) => a.rule.name === 'lw_sshd_bruteforce');
    expect(bf?.entity.value).toBe('203.0.113.6');
    expect(bf!.events.every((e) => !String(e.fields['log.original']).includes('\r'))).toBe(true);
  });

  it.skipIf(!workerBuilt)(
    'reports a broken --rules rule and runs the others of its directory in the workers' +
      (workerBuilt ? '' : ' — skipped: dist/detection/scan/worker.js missing, run `npm run build`'),
    async () => {
      const rules = path.join(dir, 'rules-mixed');
      mkdirSync(rules, { recursive: true });
      writeFileSync(path.join(rules, 'broken.yml'), 'title: broken\ndetection: [unclosed\n');
      writeFileSync(
        path.join(rules, 'root-login.yml'),
        [
          'title: accepted root login',
          'name: test_root_login',
          'logsource: { product: logwarden }',
          'detection:',
          '  selection: { event.name: authn_login_success, user.name: root }',
          '  condition: selection',
          'level: high',
          '',
        ].join('\n'),
      );
      const f = path.join(dir, 'root.log');
      writeFileSync(
        f,
        Array.from(
          { length: 3000 },
          (_, i) =>
            `Mar  1 10:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')} web sshd[${1000 + i}]: Accepted password for ${i % 1000 === 7 ? 'root' : 'alice'} from 198.51.100.${i % 200} port ${40000 + i} ssh2`,
        ).join('\n') + '\n',
      );
      const base = { logFormat: 'auto', builtin: true, progress: false, year: 2026 };
      const two = await scanFiles([f], {
        ...base,
        ruleDirs: [rules],
        threads: 2,
        rangeBytes: 16 * 1024,
        minParallelBytes: 0,
      });
      expect(two.ruleErrors).toHaveLength(1);
      expect(two.ruleErrors[0]).toMatch(/broken\.yml/);
      const hits = two.alerts.filter((a) => a.rule.name === 'test_root_login');
      expect(hits.reduce((n, a) => n + a.count, 0)).toBe(3);
      const one = await scanFiles([f], { ...base, ruleDirs: [rules], threads: 1 });
      expect(JSON.stringify(sortAlerts(two.alerts))).toBe(JSON.stringify(sortAlerts(one.alerts)));
    },
    60_000,
  );

  it.skipIf(!workerBuilt)(
    'gives the same alerts with worker threads as on one thread (generated auth and access logs, many small ranges)' +
      (workerBuilt ? '' : ' — skipped: dist/detection/scan/worker.js missing, run `npm run build`'),
    async () => {
      const gen = spawnSync(
        process.execPath,
        [path.join(root, 'bench/gen-logs.mjs'), dir, '--lines', '40000', '--seed', '7'],
        { encoding: 'utf8' },
      );
      expect(gen.status, gen.stderr).toBe(0);
      const auth = path.join(dir, 'auth.log');
      const access = path.join(dir, 'access.log');
      // A line without a time and an unparsable line ride along (counted, never alerted on).
      appendFileSync(auth, 'not a log line at all\n\n');
      const base = {
        logFormat: 'auto',
        ruleDirs: [],
        builtin: true,
        progress: false,
        year: 2026,
      };
      const canon = (as: Alert[]): string => JSON.stringify(sortAlerts([...as]));
      for (const files of [[auth], [access], [auth, access]]) {
        const one = await scanFiles(files, { ...base, threads: 1 });
        const two = await scanFiles(files, {
          ...base,
          threads: 2,
          rangeBytes: 64 * 1024, // ~100 ranges per file: out-of-order completion is exercised
          minParallelBytes: 0,
        });
        expect(one.alerts.length).toBeGreaterThan(10);
        expect(two.alerts.length).toBe(one.alerts.length);
        expect(canon(two.alerts)).toBe(canon(one.alerts));
        expect(two.summaries.map(({ seconds: _s, ...s }) => s)).toEqual(
          one.summaries.map(({ seconds: _s, ...s }) => s),
        );
      }
      // Correlations and episodes really were exercised.
      const one = await scanFiles([auth], { ...base, threads: 1 });
      expect(one.alerts.some((a) => a.kind === 'correlation' && a.count >= 5)).toBe(true);
      expect(one.alerts.some((a) => a.eventsOmitted > 0 && a.events.length === 20)).toBe(true);
      expect(readFileSync(auth, 'utf8').length).toBeGreaterThan(64 * 1024 * 10);
    },
    120_000,
  );
});
