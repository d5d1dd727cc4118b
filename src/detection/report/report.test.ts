import { describe, expect, it } from 'vitest';
import { loadRules } from '../engine/index.js';
import { evaluateLogLines, type LogLineCase } from './log-lines.js';
import { evaluateLogSequences } from './log-sequences.js';
import { logTargets } from './render.js';

const { rules } = loadRules();

// Our own fixture lines (OpenSSH wording), one file: a fast brute force, a client whose pam
// rhost name and sshd address are two names of one connection, and a user with one typo.
const FILE = 'fixture/auth.log';
const mk = (
  n: number,
  data: string,
  label: 'attack' | 'benign' = 'benign',
  cls: string | null = null,
): LogLineCase => ({ id: `l${n}`, source: FILE, data, label, class: cls, meta: { line_no: n } });
const cases: LogLineCase[] = [
  ...Array.from({ length: 6 }, (_, i) =>
    mk(
      i + 1,
      `Mar  1 10:00:0${i} web sshd[10${i}]: Failed password for root from 203.0.113.5 port 4000${i} ssh2`,
      'attack',
      'ssh_bruteforce',
    ),
  ),
  mk(
    10,
    'Mar  1 11:00:00 web sshd[200]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=host-198-51-100-7.example.net  user=alice',
  ),
  mk(
    11,
    'Mar  1 11:00:02 web sshd[200]: Failed password for alice from 198.51.100.7 port 5000 ssh2',
  ),
  mk(
    12,
    'Mar  1 11:00:09 web sshd[200]: Accepted password for alice from 198.51.100.7 port 5000 ssh2',
  ),
  mk(
    13,
    'Mar  1 11:00:09 web sshd[200]: pam_unix(sshd:session): session opened for user alice by (uid=0)',
  ),
];

describe('log-line report', () => {
  it('scores sources, merges the names of one sshd connection and attributes address-less lines', () => {
    // lines arrive shuffled: the report restores file order
    const r = evaluateLogLines([...cases].reverse(), { rules });
    const bf = r.sources.find((s) => s.source === '203.0.113.5');
    expect(bf?.label).toBe('attack');
    expect(bf?.flaggedBy).toContain('lw_sshd_bruteforce');
    const alice = r.sources.filter((s) => s.label === 'benign');
    expect(alice).toHaveLength(1);
    expect(alice[0]!.source).toBe('host-198-51-100-7.example.net');
    expect(alice[0]!.aliases).toEqual(['198.51.100.7']);
    expect(alice[0]!.lines).toBe(4); // the session line is attributed through pid 200
    expect(alice[0]!.flaggedBy).toEqual([]);
    const t = logTargets(r);
    expect(t.bruteforce).toMatchObject({ flagged: 1, total: 1 });
    expect(t.benign).toMatchObject({ flagged: 0, total: 1 });
    expect(t.met).toBe(true);
  });

  it('reports a missed brute-force source and a flagged benign source', () => {
    // labels swapped on purpose: the targets must then fail
    const swapped = cases.map((c) =>
      c.label === 'attack'
        ? { ...c, label: 'benign' as const, class: null }
        : { ...c, label: 'attack' as const, class: 'ssh_bruteforce' },
    );
    const t = logTargets(evaluateLogLines(swapped, { rules }));
    expect(t.bruteforce.missed.map((s) => s.source)).toEqual(['host-198-51-100-7.example.net']);
    expect(t.benign.flaggedSources.map((s) => s.source)).toEqual(['203.0.113.5']);
    expect(t.met).toBe(false);
  });
});

describe('log-sequence report', () => {
  it('tells expected from other flagged addresses and refuses generic formats', () => {
    const probe = (ip: string, n: number) =>
      Array.from(
        { length: n },
        (_, i) =>
          `${ip} - - [01/Mar/2026:10:00:0${i} +0000] "GET /.env${i} HTTP/1.1" 404 10 "-" "x"`,
      );
    const [web, generic] = evaluateLogSequences(
      [
        {
          id: 'web',
          class: 'scanner',
          data: { log_type: 'nginx', lines: [...probe('192.0.2.1', 4), ...probe('192.0.2.2', 4)] },
          meta: { flagged_sources: ['192.0.2.1', '192.0.2.9', 'someuser'] },
        },
        {
          id: 'generic',
          class: 'bruteforce',
          data: { log_type: 'app', lines: ['2026-03-01 10:00:00 login failed for 192.0.2.3'] },
          meta: { flagged_sources: ['192.0.2.3'] },
        },
      ],
      { rules },
    );
    expect(web!.parsed).toBe(true);
    expect(web!.expected).toEqual(['192.0.2.1', '192.0.2.9']); // user names are not scored
    expect(web!.hit).toEqual(['192.0.2.1']);
    expect(web!.missed).toEqual(['192.0.2.9']);
    expect(web!.others).toEqual(['192.0.2.2']);
    expect(web!.rules).toContain('lw_sensitive_file_probing');
    expect(generic!.parsed).toBe(false);
  });
});
