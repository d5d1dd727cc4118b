/**
 * Noise control driven by an injected clock, delivered to a real loopback webhook: dedup on the
 * episode, throttling per group, the flood (10,000 matches, a handful of messages that state the
 * suppressed count), digests, flap damping, mute windows that hold (not drop), and escalation.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, httpPeer, makeAlert, rig } from './helpers.js';

afterEach(cleanup);

interface Msg {
  kind: string;
  title: string;
  suppressed: number;
  suppressedReasons: Record<string, number>;
  alerts: { id: string; count: number; link: string }[];
  alertsOmitted: number;
  escalationTier?: number;
}
const bodies = (p: { received: { body: string }[] }) =>
  p.received.map((r) => JSON.parse(r.body) as Msg);

async function setup(route: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const peer = await httpPeer();
  const r = rig({
    receivers: [{ name: 'hook', type: 'webhook', url: peer.url + '/hook' }],
    defaults: {
      receivers: ['hook'],
      group_wait_secs: 30,
      group_interval_secs: 300,
      repeat_interval_secs: 3600,
    },
    route,
    ...extra,
  });
  return { peer, r };
}

describe('noise control', () => {
  it('flood: 10,000 matches of one rule and entity in a minute give a handful of messages stating the suppressed count', async () => {
    const { peer, r } = await setup({});
    const t0 = r.clock.now();
    // Detection folds matches of one episode into one alert id; a new window starts new episodes.
    for (let i = 0; i < 10_000; i++) {
      r.clock.set(t0 + Math.floor((i * 60_000) / 10_000));
      r.publish(
        makeAlert({
          episode: Math.floor(i / 2500),
          count: (i % 2500) + 1,
          lastSeenMs: r.clock.now(),
        }),
      );
      if (i % 167 === 0) r.alerting.tick(); // the server ticks while the flood goes on
    }
    await r.step(0);
    for (let s = 0; s < 20; s++) await r.step(60_000); // 20 minutes
    const msgs = bodies(peer);
    if (process.env.LW_SHOW_FLOOD)
      console.info(msgs.map((m) => [m.kind, m.alerts.length, m.suppressed, m.suppressedReasons]));
    expect(msgs.length).toBeGreaterThanOrEqual(1);
    expect(msgs.length).toBeLessThanOrEqual(6);
    const total = msgs.reduce((n, m) => n + m.suppressed, 0);
    const listed = new Set(msgs.flatMap((m) => m.alerts.map((a) => a.id))).size;
    // Every match is accounted for: listed episodes + folded duplicates/flapping = 10,000.
    // The 4th episode within the flap window (default max_refires 3) is held as flapping.
    expect(listed).toBe(3);
    expect(total).toBe(10_000 - 3);
    // ...and so is every update of that held episode (2,500 matches).
    expect(msgs.reduce((n, m) => n + (m.suppressedReasons.flapping ?? 0), 0)).toBe(2500);
    expect(msgs[0]!.suppressed).toBeGreaterThan(0);
    expect(msgs.every((m) => typeof m.suppressed === 'number')).toBe(true);
  });

  it('dedup and throttle: updates of a notified alert fold into one update message per group interval', async () => {
    const { peer, r } = await setup({});
    const a = makeAlert({ episode: 1 });
    r.publish(a);
    await r.step(29_000);
    expect(peer.received).toHaveLength(0); // group_wait
    await r.step(1_000);
    expect(bodies(peer).map((m) => m.kind)).toEqual(['alert']);
    for (let i = 0; i < 5; i++) r.publish({ ...a, count: 10 + i, lastSeenMs: r.clock.now() });
    await r.step(100_000);
    expect(peer.received).toHaveLength(1); // throttled until group_interval
    await r.step(200_000);
    const m = bodies(peer);
    expect(m.map((x) => x.kind)).toEqual(['alert', 'update']);
    expect(m[1]!.suppressed).toBe(5);
    expect(m[1]!.alerts[0]!.count).toBe(14);
  });

  it('repeat: an alert still open after repeat_interval is sent again', async () => {
    const { peer, r } = await setup({});
    const a = makeAlert({ episode: 2 });
    r.publish(a);
    await r.step(30_000);
    r.clock.advance(3_600_000);
    r.publish({ ...a, count: 50, lastSeenMs: r.clock.now() });
    await r.step(0);
    expect(bodies(peer).map((m) => [m.kind, m.title.startsWith('Still open')])).toEqual([
      ['alert', false],
      ['repeat', true],
    ]);
  });

  it('digest: low severities fold into one periodic message', async () => {
    const { peer, r } = await setup({}, { digest: { max_severity: 'low', interval_secs: 3600 } });
    for (let i = 0; i < 25; i++)
      r.publish(
        makeAlert({
          severity: 'low',
          episode: 100 + i,
          entity: { type: 'ip', value: `192.0.2.${i}` },
        }),
      );
    r.publish(makeAlert({ severity: 'high', episode: 200 }));
    await r.step(30_000);
    expect(bodies(peer).map((m) => m.kind)).toEqual(['alert']); // the high one, at once
    await r.step(3_570_000);
    const d = bodies(peer)[1]!;
    expect(d.kind).toBe('digest');
    expect(d.title).toBe('Digest: 25 low-severity alerts');
    expect(d.alerts).toHaveLength(10);
    expect(d.alertsOmitted).toBe(15);
  });

  it('flap damping: new episodes beyond max_refires are held and counted', async () => {
    const { peer, r } = await setup({}, { flap: { window_secs: 3600, max_refires: 2 } });
    for (let i = 0; i < 6; i++) {
      r.publish(makeAlert({ episode: 300 + i }));
      await r.step(400_000);
    }
    const msgs = bodies(peer);
    const listed = msgs.flatMap((m) => m.alerts.map((a) => a.id));
    expect(new Set(listed).size).toBe(2);
    const flapping = msgs.reduce((n, m) => n + (m.suppressedReasons.flapping ?? 0), 0);
    expect(flapping).toBe(4);
  });

  it('mute window: a group due while muted is held, then sent when the window ends', async () => {
    const { peer, r } = await setup({
      mute_windows: [{ times: ['10:00-11:00'], time_zone: 'UTC' }],
    });
    r.publish(makeAlert({ episode: 400 })); // 10:00 UTC
    await r.step(30_000);
    await r.step(1_800_000);
    expect(peer.received).toHaveLength(0);
    await r.step(1_800_000); // 11:00:30
    expect(bodies(peer).map((m) => m.kind)).toEqual(['alert']);
  });
});

describe('escalation', () => {
  it('an alert not acknowledged in time goes to the next tier; acknowledging stops it', async () => {
    const peer = await httpPeer();
    const r = rig({
      receivers: [
        { name: 'team', type: 'webhook', url: peer.url + '/team' },
        { name: 'oncall', type: 'webhook', url: peer.url + '/oncall' },
        { name: 'boss', type: 'webhook', url: peer.url + '/boss' },
      ],
      route: {
        receivers: ['team'],
        group_wait_secs: 0,
        escalate: [
          { after_secs: 900, receivers: ['oncall'] },
          { after_secs: 1800, receivers: ['boss'] },
        ],
      },
    });
    const a = makeAlert({ episode: 500 });
    const b = makeAlert({ episode: 501, entity: { type: 'user', value: 'dave' } });
    r.publish(a);
    r.publish(b);
    await r.step(0);
    const paths = () => peer.received.map((x) => x.url);
    expect(paths().sort()).toEqual(['/team', '/team']);
    await r.step(899_000);
    expect(paths()).toHaveLength(2);
    r.alerts.act(b.id, 'acknowledge', 'token:ops', r.clock.now());
    await r.step(1_000);
    const esc = peer.received
      .filter((x) => x.url === '/oncall')
      .map((x) => JSON.parse(x.body) as Msg);
    expect(esc).toHaveLength(1);
    expect(esc[0]!.alerts[0]!.id).toBe(a.id);
    expect(esc[0]!.escalationTier).toBe(1);
    r.alerting.notifier.stopEscalation(a.id); // acknowledged through the API hook
    await r.step(3_600_000);
    expect(peer.received.filter((x) => x.url === '/boss')).toHaveLength(0);
  });

  it('tier 2 fires at its own time when nobody acknowledges', async () => {
    const peer = await httpPeer();
    const r = rig({
      receivers: [
        { name: 'oncall', type: 'webhook', url: peer.url + '/oncall' },
        { name: 'boss', type: 'webhook', url: peer.url + '/boss' },
      ],
      route: {
        group_wait_secs: 0,
        escalate: [
          { after_secs: 60, receivers: ['oncall'] },
          { after_secs: 120, receivers: ['boss'] },
        ],
      },
    });
    r.publish(makeAlert({ episode: 600 }));
    await r.step(0);
    await r.step(60_000);
    expect(peer.received.map((x) => x.url)).toEqual(['/oncall']);
    await r.step(59_000);
    expect(peer.received).toHaveLength(1);
    await r.step(1_000);
    expect(peer.received.map((x) => x.url)).toEqual(['/oncall', '/boss']);
  });
});
