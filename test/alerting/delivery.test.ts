/**
 * Delivery that loses nothing: retries with backoff and Retry-After, independent queues per
 * receiver, a delivery log per alert, an alert of its own when a receiver keeps failing, and
 * queued messages surviving a close and reopen of the database (the restart).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { backoffMs } from '../../src/alerting/outbox/workers.js';
import { cleanup, clock, httpPeer, makeAlert, rig } from './helpers.js';

afterEach(cleanup);

describe('outbox delivery', () => {
  it('backoff doubles up to the cap, with jitter in the upper half', () => {
    expect([1, 2, 3, 4, 10].map((n) => backoffMs(n, 1000, 8000, () => 0))).toEqual([
      500, 1000, 2000, 4000, 4000,
    ]);
    expect(backoffMs(3, 1000, 8000, () => 1)).toBe(4000);
  });

  it('retries while the receiver fails, honours Retry-After, logs every attempt, and alerts when it keeps failing', async () => {
    let down = true;
    const peer = await httpPeer(() =>
      down ? { status: 503, headers: { 'retry-after': '30' } } : { status: 200 },
    );
    const good = await httpPeer();
    const r = rig({
      receivers: [
        { name: 'flaky', type: 'webhook', url: peer.url },
        { name: 'good', type: 'webhook', url: good.url },
      ],
      route: { receivers: ['flaky', 'good'], group_wait_secs: 0 },
      delivery: { base_backoff_secs: 1, max_backoff_secs: 60, failing_after_attempts: 3 },
    });
    const a = makeAlert({ episode: 1 });
    r.publish(a);
    await r.step(0);
    // The healthy receiver is not delayed by the failing one.
    expect(good.received).toHaveLength(1);
    let d = r.alerting.deliveries(a.id).find((x) => x.receiver === 'flaky')!;
    expect(d).toMatchObject({ status: 'pending', attempts: 1 });
    expect(d.lastError).toMatch(/receiver flaky: HTTP 503/);
    await r.step(29_000); // Retry-After 30 s: not yet
    expect(r.alerting.deliveries(a.id).find((x) => x.receiver === 'flaky')!.attempts).toBe(1);
    await r.step(1_000);
    await r.step(30_000);
    d = r.alerting.deliveries(a.id).find((x) => x.receiver === 'flaky')!;
    expect(d.attempts).toBe(3);
    // Third failure: logwarden raised an alert about the receiver, routed like any other.
    const failing = r.alerts.list({ rule: 'lw_receiver_failing' });
    expect(failing).toHaveLength(1);
    expect(failing[0]!.entity).toEqual({ type: 'service', value: 'flaky' });
    await r.step(0);
    expect(good.received.map((x) => (JSON.parse(x.body) as { title: string }).title)).toEqual([
      expect.stringMatching(/Brute force/),
      expect.stringMatching(/HIGH Alert receiver failing: service flaky/),
    ]);
    down = false;
    await r.step(30_000);
    d = r.alerting.deliveries(a.id).find((x) => x.receiver === 'flaky')!;
    expect(d).toMatchObject({ status: 'delivered', attempts: 4 });
    expect(d.log.map((l) => l.ok)).toEqual([false, false, false, true]);
    expect(peer.received).toHaveLength(2); // the alert, then the failing alert queued behind it
  });

  it('survives a restart: queued messages are delivered once by the next process', async () => {
    const c = clock();
    let down = true;
    const peer = await httpPeer(() => ({ status: down ? 500 : 200 }));
    const cfg = {
      receivers: [{ name: 'hook', type: 'webhook', url: peer.url }],
      route: { receivers: ['hook'], group_wait_secs: 10 },
      delivery: { base_backoff_secs: 1, max_backoff_secs: 2 },
    };
    const first = rig(cfg, { clock: c });
    const ids = [1, 2, 3].map((i) =>
      makeAlert({ episode: 10 + i, entity: { type: 'user', value: `u${i}` } }),
    );
    for (const a of ids) first.publish(a);
    await first.step(5_000); // group_wait not over: pending groups only
    await first.alerting.close();
    await first.store.close();

    const second = rig(cfg, { clock: c, dir: first.dir });
    await second.step(5_000); // groups flush in the new process; the receiver still fails
    expect(second.alerting.outbox.pending('hook')).toBe(3);
    await second.alerting.close();
    await second.store.close();

    down = false;
    const third = rig(cfg, { clock: c, dir: first.dir });
    await third.step(5_000);
    await third.step(5_000);
    const got = peer.received.map(
      (x) => (JSON.parse(x.body) as { alerts: { id: string }[] }).alerts[0]!.id,
    );
    expect(got.sort()).toEqual(ids.map((a) => a.id).sort());
    for (const a of ids)
      expect(third.alerting.deliveries(a.id).map((d) => d.status)).toEqual(['delivered']);
  });

  it('deliver(receiver, message) queues any message durably (used by review digests)', async () => {
    const peer = await httpPeer();
    const r = rig({ receivers: [{ name: 'hook', type: 'webhook', url: peer.url }] });
    const id = r.alerting.deliver('hook', {
      kind: 'digest',
      title: 'Daily review digest',
      severity: 'informational',
      alerts: [],
      alertsOmitted: 0,
      suppressed: 0,
      createdMs: r.clock.now(),
      text: '3 reviews overdue',
    });
    await r.alerting.idle();
    expect(r.alerting.outbox.get(id)!.status).toBe('delivered');
    expect(JSON.parse(peer.received[0]!.body)).toMatchObject({
      title: 'Daily review digest',
      text: '3 reviews overdue',
    });
    expect(() =>
      r.alerting.deliver('nope', {
        kind: 'digest',
        title: 'x',
        severity: 'low',
        alerts: [],
        alertsOmitted: 0,
        suppressed: 0,
        createdMs: 0,
      }),
    ).toThrow(/no receiver named "nope" \(known: log, hook\)/);
  });
});
