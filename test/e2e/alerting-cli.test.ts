/**
 * `logwarden routes test` as a user runs it: the trace of every route tried with the reason,
 * the destinations with their timing, JSON output, and a clear error for bad input.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startHttpPeer } from '../helpers/http-peer.js';
import { cleanupTemps, runCli, tempDir } from './helpers.js';

afterAll(cleanupTemps);

describe('logwarden routes test', () => {
  const dir = tempDir();
  const config = path.join(dir, 'logwarden.yaml');
  writeFileSync(
    config,
    [
      'version: 1',
      'alerting:',
      '  receivers:',
      '    - { name: pager, type: webhook, url: "http://127.0.0.1:9/p" }',
      '    - { name: team, type: webhook, url: "http://127.0.0.1:9/t" }',
      '  route:',
      '    receivers: [team]',
      '    routes:',
      '      - match: { severity: ">=high", rule: lw_bruteforce_user }',
      '        receivers: [pager]',
      '        escalate: [{ after_secs: 900, receivers: [team] }]',
      '      - match: { severity: low }',
      '        mute_windows: [{ weekdays: [sat, sun], time_zone: UTC }]',
      '',
    ].join('\n'),
  );

  it('shows the routes tried, why, and the receivers reached', async () => {
    const r = await runCli([
      'routes',
      'test',
      '--config',
      config,
      '--severity',
      'high',
      '--rule',
      'lw_bruteforce_user',
      '--entity',
      'user:carol',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('alert: high lw_bruteforce_user (user carol)');
    expect(r.stdout).toMatch(/✓ root\.0 +matched/);
    expect(r.stdout).toMatch(/root\.0: pager\n/);
    expect(r.stdout).toContain('escalate after 900s to team');
    const low = await runCli([
      'routes',
      'test',
      '--config',
      config,
      '--severity',
      'low',
      '--at',
      '2026-11-28T12:00:00Z',
      '--format',
      'json',
    ]);
    const j = JSON.parse(low.stdout) as {
      trace: { path: string; why: string }[];
      destinations: { route: string; muted: boolean; receivers: string[] }[];
    };
    expect(j.trace.find((t) => t.path === 'root.0')!.why).toBe('severity low is not >=high');
    expect(j.destinations).toEqual([
      expect.objectContaining({ route: 'root.1', muted: true, receivers: ['team'] }),
    ]);
  });

  it('names the bad option', async () => {
    const r = await runCli(['routes', 'test', '--config', config, '--severity', 'urgent']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(
      /--severity "urgent": expected informational, low, medium, high or critical/,
    );
    const e = await runCli(['routes', 'test', '--config', config, '--entity', 'carol']);
    expect(e.stderr).toMatch(/--entity "carol": expected TYPE:VALUE/);
  });
});

describe('logwarden alerts', () => {
  it('test-receiver sends a sample through a real webhook, and names the failure when it cannot', async () => {
    const dir = tempDir();
    const peer = await startHttpPeer((r) => ({ status: r.url === '/deny' ? 401 : 204 }));
    const port = peer.port;
    const config = path.join(dir, 'c.yaml');
    writeFileSync(
      config,
      [
        'version: 1',
        'alerting:',
        '  receivers:',
        `    - { name: ok, type: webhook, url: "http://127.0.0.1:${port}/in", secret: "\${SECRET}" }`,
        `    - { name: deny, type: webhook, url: "http://127.0.0.1:${port}/deny" }`,
        '',
      ].join('\n'),
    );
    try {
      const ok = await runCli(['alerts', 'test-receiver', 'ok', '--config', config], {
        env: { SECRET: 'a-long-enough-secret-value' },
      });
      expect(ok.code).toBe(0);
      expect(ok.stdout).toBe('sent a test message through ok (webhook)\n');
      expect(JSON.parse(peer.received[0]!.body)).toMatchObject({
        title: 'Test message from logwarden',
        suppressed: 0,
      });
      const deny = await runCli(['alerts', 'test-receiver', 'deny', '--config', config], {
        env: { SECRET: 'a-long-enough-secret-value' },
      });
      expect(deny.code).not.toBe(0);
      expect(deny.stderr).toMatch(/receiver deny: HTTP 401/);
      const none = await runCli(['alerts', 'test-receiver', 'nope', '--config', config], {
        env: { SECRET: 'a-long-enough-secret-value' },
      });
      expect(none.stderr).toMatch(/no receiver named "nope" in the config \(known: ok, deny\)/);
      const missing = await runCli([
        'alerts',
        'deliveries',
        '00000000-0000-8000-8000-000000000000',
        '--data',
        dir,
      ]);
      expect(missing.stderr).toMatch(/alert 00000000-0000-8000-8000-000000000000 does not exist/);
    } finally {
      await peer.close();
    }
  });
});
