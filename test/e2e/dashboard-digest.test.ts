/**
 * Review digests go out through the alert receivers: a real `logwarden serve`, an open alert from
 * a brute force, and a digest sent on demand (the schedule calls the same code) to the built-in
 * `log` receiver, whose line lands on the server log through alerting's durable outbox.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.js';
import {
  cleanupTemps,
  createToken,
  killAllServes,
  makeEvent,
  sendBatch,
  startServe,
  tempDir,
} from './helpers.js';

afterAll(() => {
  killAllServes();
  cleanupTemps();
});

describe('review digest', () => {
  it('is delivered through the alert receivers with what is open', async () => {
    const dir = tempDir('lw-digest-');
    const ingest = await createToken(dir, 'web', 'ingest');
    const admin = await createToken(dir, 'ops', 'admin');
    const reader = await createToken(dir, 'auditor', 'read');
    const srv = await startServe({ dataDir: dir, env: { LOGWARDEN_SERVER__LOG_LEVEL: 'info' } });
    const fails = Array.from({ length: 6 }, () =>
      makeEvent({ 'user.id': 'dora', 'client.address': '198.51.100.40' }),
    );
    expect((await sendBatch(srv.url, ingest, fails)).status).toBe(200);
    // Wait for detection to store the alert.
    const open = await waitFor(
      async () => {
        const r = await fetch(`${srv.url}/ui/api/alerts?status=open`, {
          headers: { authorization: `Bearer ${reader}` },
        });
        const n = ((await r.json()) as { alerts: unknown[] }).alerts.length;
        return n > 0 ? n : undefined;
      },
      'an open alert',
      15_000,
      150,
    );
    const send = (token: string, body: unknown) =>
      fetch(`${srv.url}/ui/api/digests/send`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await send(reader, { period: 'daily', receivers: ['log'] })).status).toBe(403);
    const bad = await send(admin, { period: 'hourly', receivers: ['log'] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(
      /period: expected daily or weekly/,
    );
    const ok = await send(admin, { period: 'daily', receivers: ['log'] });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { queued: number }).queued).toBe(1);
    const line = await waitFor(
      () =>
        /^.*Daily review digest: (\d+) open alerts, 0 overdue reviews.*$/m.exec(srv.stderr())?.[0],
      () => `the digest on the server log:\n${srv.stderr().slice(-2000)}`,
      15_000,
      100,
    );
    const logged = JSON.parse(line) as {
      kind: string;
      alerts: { entity: { value: string } }[];
      msg: string;
    };
    expect(logged.kind).toBe('digest');
    expect(logged.msg).toContain(`${open} open alerts`);
    expect(logged.alerts.some((a) => a.entity.value === 'dora')).toBe(true);
    await srv.stop();
  }, 60_000);
});
