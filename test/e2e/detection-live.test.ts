/**
 * Live detection in `logwarden serve`: events sent over the ingest API are examined after
 * commit, alerts appear in the alerts API, the workflow records who acted, a read-only token
 * cannot act, and a restart (which replays the recent window) repeats no alert.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../helpers/wait.js';
import {
  cleanupTemps,
  createToken,
  killAllServes,
  makeEvent,
  sendBatch,
  startServe,
  tempDir,
} from './helpers.js';

interface AlertJson {
  id: string;
  rule: { name?: string; title: string };
  severity: string;
  entity: { type: string; value: string };
  count: number;
  status: string;
  events: { fields: Record<string, unknown> }[];
}

async function getJson<T>(url: string, token: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as T };
}

/** GET /v1/alerts every 100 ms for 20 s until `pred` holds; a timeout shows the alerts read last. */
const waitForAlerts = (
  url: string,
  token: string,
  pred: (a: AlertJson[]) => boolean,
  what: string,
): Promise<AlertJson[]> =>
  waitUntil(
    async () => (await getJson<{ alerts: AlertJson[] }>(`${url}/v1/alerts`, token)).body.alerts,
    pred,
    what,
    20_000,
    100,
  );

afterAll(() => {
  killAllServes();
  cleanupTemps();
});

describe('live detection', () => {
  it('alerts on brute force sent over the API, with workflow and no duplicates after a restart', async () => {
    const dir = tempDir();
    const ingest = await createToken(dir, 'app', 'ingest');
    const admin = await createToken(dir, 'ops', 'admin');
    const reader = await createToken(dir, 'auditor', 'read');
    let serve = await startServe({ dataDir: dir });
    const t0 = Date.now();
    const failures = Array.from({ length: 6 }, (_, i) =>
      makeEvent({
        time: new Date(t0 + i).toISOString(),
        'user.id': 'carol',
        'client.address': '198.51.100.23',
      }),
    );
    const benign = makeEvent({
      'event.name': 'authn_login_success',
      'user.id': 'dave',
      'client.address': '192.0.2.8',
    });
    expect((await sendBatch(serve.url, ingest, [...failures, benign])).status).toBe(200);

    const alerts = await waitForAlerts(
      serve.url,
      reader,
      (as) => as.some((a) => a.rule.name === 'lw_bruteforce_user'),
      'a lw_bruteforce_user alert',
    );
    const bf = alerts.find((a) => a.rule.name === 'lw_bruteforce_user')!;
    expect(bf.entity).toEqual({ type: 'user', value: 'carol' });
    expect(bf.severity).toBe('high');
    expect(bf.status).toBe('open');
    expect(bf.events[0]!.fields['client.address']).toBe('198.51.100.23');
    expect(alerts.some((a) => a.entity.value === 'dave' || a.entity.value === '192.0.2.8')).toBe(
      false,
    );

    // A read-only token sees alerts but cannot act on them.
    const denied = await fetch(`${serve.url}/v1/alerts/${bf.id}/actions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${reader}`, 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'acknowledge' }),
    });
    expect(denied.status).toBe(403);
    const acked = await fetch(`${serve.url}/v1/alerts/${bf.id}/actions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'acknowledge' }),
    });
    expect(acked.status).toBe(200);
    const detail = await getJson<{
      alert: AlertJson;
      history: { actor: string; action: string }[];
    }>(`${serve.url}/v1/alerts/${bf.id}`, reader);
    expect(detail.body.alert.status).toBe('acknowledged');
    expect(detail.body.history.map((h) => [h.actor, h.action])).toEqual([
      ['logwarden', 'created'],
      ['token:ops', 'acknowledge'],
    ]);
    const bad = await fetch(`${serve.url}/v1/alerts/${bf.id}/actions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'explode' }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/action: expected one of/);

    const before = (
      await getJson<{ alerts: AlertJson[] }>(`${serve.url}/v1/alerts?limit=1000`, reader)
    ).body.alerts.length;
    await serve.stop('SIGTERM');
    serve = await startServe({ dataDir: dir });
    // One more event after the restart: detection is running and resumed after the replay.
    expect(
      (
        await sendBatch(serve.url, ingest, [
          makeEvent({ 'event.name': 'malicious_attack_tool', 'client.address': '203.0.113.99' }),
        ])
      ).status,
    ).toBe(200);
    const after = await waitForAlerts(
      serve.url,
      reader,
      (as) => as.some((a) => a.rule.name === 'lw_malicious_event'),
      'a lw_malicious_event alert',
    );
    expect(after.length).toBe(before + 1);
    await serve.stop('SIGTERM');
  });
});
