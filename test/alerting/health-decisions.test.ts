/**
 * logwarden's own health alerts (disk, ingest refusals) through the same routes, and decision
 * durations that grow for repeat offenders (fail2ban's bantime.increment) with validated values.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHealthMonitor } from '../../src/server/components/alerting-health.js';
import { createServerMetrics } from '../../src/server/metrics.js';
import { cleanup, httpPeer, rig } from './helpers.js';

afterEach(cleanup);

describe('health alerts', () => {
  it('disk nearly full and ingest refusals raise lw_health_* alerts that reach the receivers', async () => {
    const peer = await httpPeer();
    const r = rig({
      receivers: [{ name: 'hook', type: 'webhook', url: peer.url }],
      defaults: { receivers: ['hook'], group_wait_secs: 0 },
    });
    const metrics = createServerMetrics({ defaultMetrics: false });
    let free = 50;
    const h = createHealthMonitor({
      config: {
        enabled: true,
        interval_secs: 60,
        min_free_disk_pct: 5,
        max_ingest_errors: 10,
        max_forwarder_lag_secs: 900,
      },
      dataDir: r.dir,
      metrics,
      now: r.clock.now,
      raise: (a) => r.publish(a),
      freeDiskPct: () => free,
    });
    h.check();
    expect(r.alerts.list({})).toHaveLength(0);
    free = 3;
    for (let i = 0; i < 11; i++) metrics.rejected.inc({ source: 'web', reason: 'invalid' });
    h.check();
    await r.step(0);
    const names = r.alerts
      .list({})
      .map((a) => a.rule.name)
      .sort();
    expect(names).toEqual(['lw_health_disk', 'lw_health_ingest_errors']);
    const titles = peer.received.map((x) => (JSON.parse(x.body) as { title: string }).title).sort();
    expect(titles).toEqual([
      'HIGH logwarden data disk nearly full: service logwarden:disk',
      'HIGH logwarden is refusing or dropping events: service logwarden:ingest',
    ]);
    // Still full a minute later: the same alert (one episode), updated, not a new one.
    r.clock.advance(60_000);
    h.check();
    expect(r.alerts.list({ rule: 'lw_health_disk' })).toHaveLength(1);
    // Recovered, then full again: a new episode.
    free = 40;
    h.check();
    free = 1;
    r.clock.advance(60_000);
    h.check();
    const disk = r.alerts.list({ rule: 'lw_health_disk' });
    expect(disk).toHaveLength(2);
    expect(disk[0]!.severity).toBe('critical'); // below half the threshold
    h.stop();
  });
});

describe('decision store', () => {
  it('durations grow by the factor for repeat offenders, capped at max', () => {
    const r = rig({});
    const made = [0, 1, 2, 3, 4].map(() => {
      r.clock.advance(10_000_000); // each previous decision has expired
      const { decision } = r.alerting.decisions.create(
        {
          type: 'ban_ip',
          value: '2001:db8::1',
          reason: 'bf',
          origin: 'test',
          durationMs: 600_000,
          factor: 3,
          maxMs: 10_000_000,
        },
        r.clock.now(),
      );
      return [decision.durationSecs, decision.offense];
    });
    expect(made).toEqual([
      [600, 0],
      [1800, 1],
      [5400, 2],
      [10000, 3],
      [10000, 4],
    ]);
  });

  it('an active longer decision is kept (no duplicate); values are validated; revoke is recorded', () => {
    const r = rig({});
    const now = r.clock.now();
    const a = r.alerting.decide({
      type: 'lock_user',
      value: 'carol',
      reason: 'x',
      origin: 'test',
      durationMs: 3_600_000,
    });
    expect(a.created).toBe(true);
    const b = r.alerting.decide({
      type: 'lock_user',
      value: 'carol',
      reason: 'x',
      origin: 'test',
      durationMs: 60_000,
    });
    expect(b).toMatchObject({ created: false, decision: { id: a.decision.id } });
    expect(() =>
      r.alerting.decide({
        type: 'lock_user',
        value: '-rf',
        reason: 'x',
        origin: 't',
        durationMs: 1000,
      }),
    ).toThrow(/not a safe user name/);
    expect(() =>
      r.alerting.decide({
        type: 'ban_ip',
        value: '10.0.0.300',
        reason: 'x',
        origin: 't',
        durationMs: 1000,
      }),
    ).toThrow(/not an IP address/);
    const rv = r.alerting.revokeDecision(a.decision.id, 'token:ops');
    expect(rv).toMatchObject({ revokedBy: 'token:ops', revokedMs: now });
    expect(() => r.alerting.revokeDecision(a.decision.id, 'token:ops')).toThrow(/already revoked/);
    expect(r.alerting.decisions.list({ nowMs: now })).toHaveLength(0);
  });
});
