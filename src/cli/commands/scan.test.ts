import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scanFiles } from './scan.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'lw-scan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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
});
