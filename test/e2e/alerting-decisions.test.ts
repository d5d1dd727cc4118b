/**
 * Response end to end, with real processes: a brute-force alert in `logwarden serve` makes a
 * route block the source address (exec receiver called with the address as an argument, the
 * decision stored as an event); the example Express app, enforcing decisions through the SDK's
 * decision client, refuses that source with 403; the block expires and the app answers again;
 * a repeat offence gets a longer block (increment); the CLI lists and revokes it.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.js';
import {
  cleanupTemps,
  createToken,
  killAllServes,
  makeEvent,
  runCli,
  sendBatch,
  startServe,
  tempDir,
} from './helpers.js';
import { killAllApps, startExampleApp } from './sdk-app-process.js';

afterAll(() => {
  killAllApps();
  killAllServes();
  cleanupTemps();
});

describe('decisions', () => {
  it('a brute-force alert blocks the source; the app refuses it (403) until the block expires', async () => {
    const dir = tempDir();
    const fw = path.join(dir, 'fw.sh');
    const fwLog = path.join(dir, 'fw.log');
    writeFileSync(fw, `#!/bin/sh\necho "$@" >> "${fwLog}"\n`);
    chmodSync(fw, 0o755);
    const config = path.join(dir, 'logwarden.yaml');
    writeFileSync(
      config,
      [
        'version: 1',
        'alerting:',
        '  receivers:',
        '    - name: firewall',
        '      type: exec',
        `      command: ["${fw}", "{action}", "{type}", "{value}", "{duration_secs}"]`,
        '  route:',
        '    routes:',
        '      - match: { rule: lw_bruteforce_user }',
        '        decision:',
        '          type: ban_ip',
        '          duration_secs: 3',
        '          increment: { factor: 2, max_secs: 60 }',
        '          receivers: [firewall]',
        '',
      ].join('\n'),
    );
    const ingest = await createToken(dir, 'app', 'ingest');
    const reader = await createToken(dir, 'shop-decisions', 'read');
    const serve = await startServe({ dataDir: dir, args: ['--config', config] });
    const app = await startExampleApp([
      '--endpoint',
      serve.url,
      '--token',
      ingest,
      '--decisions-token',
      reader,
      '--decisions-poll-ms',
      '250',
    ]);
    const status = async () => (await fetch(`${app.url}/healthz`)).status;
    expect(await status()).toBe(200);

    // Six failed logins for one user from the app's client address (loopback here).
    const t0 = Date.now();
    const failures = (user: string) =>
      Array.from({ length: 6 }, (_, i) =>
        makeEvent({
          time: new Date(t0 + i).toISOString(),
          'user.id': user,
          'client.address': '127.0.0.1',
        }),
      );
    expect((await sendBatch(serve.url, ingest, failures('carol'))).status).toBe(200);

    const blockedAt = await waitFor(
      async () => ((await status()) === 403 ? Date.now() : undefined),
      '403 from the app',
      20_000,
    );
    const body = (await (await fetch(`${app.url}/healthz`)).json()) as Record<string, unknown>;
    expect(JSON.stringify(body)).not.toContain('127.0.0.1');
    const list = await runCli(['decisions', 'list', '--data', dir, '--format', 'json']);
    expect(list.code).toBe(0);
    const [d] = JSON.parse(list.stdout) as {
      id: string;
      type: string;
      value: string;
      duration_secs: number;
      origin: string;
    }[];
    expect(d).toMatchObject({
      type: 'ban_ip',
      value: '127.0.0.1',
      duration_secs: 3,
      origin: 'route:root.0',
    });
    await waitFor(
      () => existsSync(fwLog) && readFileSync(fwLog, 'utf8').includes('add ban_ip 127.0.0.1 3'),
      'the firewall command',
      20_000,
    );

    // The block expires: the app answers again without anyone revoking it.
    await waitFor(async () => (await status()) === 200, 'the block to expire', 15_000);
    expect(Date.now() - blockedAt).toBeGreaterThanOrEqual(1000);

    // A second offence (another account from the same address): a longer block (3 s × 2).
    expect((await sendBatch(serve.url, ingest, failures('dave'))).status).toBe(200);
    await waitFor(async () => (await status()) === 403, '403 again', 20_000);
    const again = JSON.parse(
      (await runCli(['decisions', 'list', '--data', dir, '--format', 'json'])).stdout,
    ) as { id: string; duration_secs: number; offense: number }[];
    expect(again[0]).toMatchObject({ duration_secs: 6, offense: 1 });
    const revoked = await runCli([
      'decisions',
      'revoke',
      again[0]!.id,
      '--data',
      dir,
      '--config',
      config,
    ]);
    expect(revoked.code).toBe(0);
    expect(revoked.stderr).toMatch(/revoked decision .*\nqueued for receivers: firewall/);
    await waitFor(async () => (await status()) === 200, '200 after revoke', 20_000);
    await waitFor(
      () => readFileSync(fwLog, 'utf8').includes('delete ban_ip 127.0.0.1'),
      'the firewall told of the revoke',
      20_000,
    );

    // Every decision change is an event in the store (and so in the ledger).
    const ev = (await (
      await fetch(
        `${serve.url}/v1/events?q=${encodeURIComponent('event.name:decision_created OR event.name:decision_revoked')}&limit=10`,
        {
          headers: { authorization: `Bearer ${reader}` },
        },
      )
    ).json()) as { events: { 'event.name'?: string; event?: { name?: string } }[] };
    const names = JSON.stringify(ev);
    expect(names.match(/decision_created/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
    expect(names).toContain('decision_revoked');
    // Bad input is refused with a named reason.
    const bad = await runCli(['decisions', 'add', '--ip', 'not-an-ip', '--data', dir]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/not an IP address/);
    await app.stop();
    await serve.stop('SIGTERM');
  }, 60_000);
});
