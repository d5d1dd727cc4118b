/**
 * Delivery that loses nothing, with real processes: the webhook receiver is down (connection
 * refused) while `logwarden serve` raises alerts; serve is stopped and started again; the
 * receiver comes back; each alert is delivered exactly once, with a valid HMAC signature, and
 * the delivery log shows the failed attempts and the success.
 */
import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startHttpPeer, type Received } from '../helpers/http-peer.js';
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

const SECRET = 'e2e-webhook-secret-0123456789';

afterAll(() => {
  killAllServes();
  cleanupTemps();
});

/** A delivery as the receiver saw it: the signature headers and the body. */
const signed = (r: Received) => ({
  ts: String(r.headers['x-logwarden-timestamp']),
  sig: String(r.headers['x-logwarden-signature']),
  body: r.body,
});

/** One row of GET /v1/alerts/{id}/deliveries. */
interface Delivery {
  status: string;
  attempts: number;
  last_error: string | null;
  log: { ok: boolean }[];
}

describe('alert delivery across a receiver outage and a restart', () => {
  it('delivers each alert exactly once after the receiver comes back', async () => {
    const dir = tempDir();
    // Reserve a port, then close it: the receiver is down (connection refused).
    const probe = await startHttpPeer();
    const port = probe.port;
    await probe.close();
    const config = path.join(dir, 'logwarden.yaml');
    writeFileSync(
      config,
      [
        'version: 1',
        'alerting:',
        '  dashboard_url: https://lw.example',
        '  receivers:',
        '    - name: hook',
        '      type: webhook',
        `      url: http://127.0.0.1:${port}/alerts`,
        '      secret: ${HOOK_SECRET}',
        '  defaults:',
        '    receivers: [hook]',
        '    group_wait_secs: 0',
        '  delivery:',
        '    base_backoff_secs: 0.5',
        '    max_backoff_secs: 1',
        '',
      ].join('\n'),
    );
    const env = { HOOK_SECRET: SECRET };
    const ingest = await createToken(dir, 'app', 'ingest');
    const reader = await createToken(dir, 'auditor', 'read');
    let serve = await startServe({ dataDir: dir, args: ['--config', config], env });
    const users = ['u1', 'u2', 'u3'];
    const t0 = Date.now();
    const events = users.flatMap((u, j) =>
      Array.from({ length: 6 }, (_, i) =>
        makeEvent({
          time: new Date(t0 + j * 10 + i).toISOString(),
          'user.id': u,
          'client.address': `198.51.100.${j + 1}`,
        }),
      ),
    );
    // The whole answer, so a failure shows the server's error code and message, not just a status.
    const sent = await sendBatch(serve.url, ingest, events);
    expect({ status: sent.status, body: sent.body }).toMatchObject({ status: 200 });
    const get = async <T>(p: string): Promise<T> =>
      (await (
        await fetch(serve.url + p, { headers: { authorization: `Bearer ${reader}` } })
      ).json()) as T;
    // Polls that query serve's API go every 200 ms (serve shares two cores with this suite).
    const ids = await waitFor(
      async () => {
        const { alerts } = await get<{ alerts: { id: string; rule: { name: string } }[] }>(
          '/v1/alerts',
        );
        const bf = alerts.filter((a) => a.rule.name === 'lw_bruteforce_user').map((a) => a.id);
        return bf.length === 3 ? bf : undefined;
      },
      'three alerts',
      30_000,
      200,
    );
    /** Each alert's deliveries, in the order of `ids`. */
    const deliveries = () =>
      Promise.all(
        ids.map(
          async (id) =>
            (await get<{ deliveries: Delivery[] }>(`/v1/alerts/${id}/deliveries`)).deliveries,
        ),
      );
    // Queued and failing: the delivery log shows refused attempts.
    await waitFor(
      async () => {
        const all = await deliveries();
        // One queue per receiver, in order: the head is retried, the others wait behind it.
        return all.every((d) => d[0]?.status === 'pending') && all.some((d) => d[0]!.attempts >= 1);
      },
      'failed attempts',
      30_000,
      200,
    );
    const before = await deliveries();
    expect(before.map((d) => d[0]!.last_error).find((e) => e !== null)).toMatch(
      /receiver hook: POST failed: ECONNREFUSED/,
    );
    expect(serve.stderr() + serve.stdout()).not.toContain(SECRET);

    await serve.stop('SIGTERM');
    const receiver = await startHttpPeer(() => ({ status: 204 }), port);
    const got = () => receiver.received.map(signed);
    try {
      serve = await startServe({ dataDir: dir, args: ['--config', config], env });
      const alertIdsIn = () =>
        got().flatMap((g) =>
          (JSON.parse(g.body) as { kind: string; alerts: { id: string }[] }).alerts
            .filter(() => true)
            .map((a) => a.id),
        );
      await waitFor(
        () => ids.every((id) => alertIdsIn().includes(id)),
        'all three delivered',
        30_000,
        200,
      );
      // Every delivery recorded as delivered: the outbox sends nothing more, so a duplicate
      // would already have arrived.
      await waitFor(
        async () => (await deliveries()).every((d) => d.every((x) => x.status === 'delivered')),
        'every delivery recorded',
        30_000,
        200,
      );
      for (const id of ids) expect(alertIdsIn().filter((x) => x === id)).toHaveLength(1);
      for (const g of got()) {
        const expected =
          'sha256=' + createHmac('sha256', SECRET).update(`${g.ts}.${g.body}`).digest('hex');
        expect(g.sig).toBe(expected);
        expect(Math.abs(Date.now() / 1000 - Number(g.ts))).toBeLessThan(300);
      }
      // Every alert: one delivery, delivered, last attempt ok; the queue head logged the refusals
      // (the others waited behind it: one queue per receiver, in order).
      let failedAttempts = 0;
      for (const after of await deliveries()) {
        expect(after).toHaveLength(1);
        expect(after[0]!.status).toBe('delivered');
        expect(after[0]!.log.at(-1)!.ok).toBe(true);
        failedAttempts += after[0]!.log.filter((l) => !l.ok).length;
      }
      expect(failedAttempts).toBeGreaterThanOrEqual(1);
      const msg = JSON.parse(got().find((g) => g.body.includes(ids[0]!))!.body) as {
        alerts: { link: string; events: unknown[] }[];
        suppressed: number;
      };
      expect(msg.alerts[0]!.link).toBe(`https://lw.example/alerts/${ids[0]}`);
      expect(msg.alerts[0]!.events.length).toBeGreaterThan(0);
      expect(typeof msg.suppressed).toBe('number');
      await serve.stop('SIGTERM');
    } finally {
      await receiver.close();
    }
  }, 60_000);
});
