/**
 * Routing as Alertmanager does it: severity routes, first match wins, `continue`, inheritance,
 * mute windows in a zone, and the default route so nothing is unrouted.
 */
import { describe, expect, it } from 'vitest';
import { compileRouter, type RouteTrace } from '../../src/alerting/router/compile-routes.js';
import { compileMuteWindow } from '../../src/alerting/router/mute-window.js';
import { alertingConfig, makeAlert } from './helpers.js';

const cfg = alertingConfig({
  receivers: [
    { name: 'pager', type: 'webhook', url: 'http://127.0.0.1:9/p' },
    { name: 'team', type: 'webhook', url: 'http://127.0.0.1:9/t' },
    { name: 'audit', type: 'webhook', url: 'http://127.0.0.1:9/a' },
  ],
  route: {
    receivers: ['team'],
    group_wait_secs: 10,
    routes: [
      { match: { service: 'billing' }, receivers: ['audit'], continue: true },
      {
        match: { severity: '>=high', rule: ['lw_bruteforce_user'] },
        receivers: ['pager'],
        group_wait_secs: 0,
      },
      {
        match: { severity: ['low', 'medium'] },
        routes: [{ match: { tags: ['attack.t1190'] }, receivers: ['audit'] }],
      },
    ],
  },
});
const router = compileRouter(cfg);
const at = Date.parse('2026-11-25T10:00:00Z');

describe('routing tree', () => {
  it('sends a high brute force to the pager route only (first match wins)', () => {
    const m = router.match(makeAlert({ severity: 'high' }), at);
    expect(m.map((x) => [x.route.path, x.route.receivers])).toEqual([['root.1', ['pager']]]);
    expect(m[0]!.route.groupWaitMs).toBe(0);
    expect(m[0]!.route.groupIntervalMs).toBe(300_000); // inherited default
  });

  it('continue: a billing alert reaches the audit route and then the next matching sibling', () => {
    const m = router.match(makeAlert({ severity: 'critical', service: 'billing' }), at);
    expect(m.map((x) => x.route.path)).toEqual(['root.0', 'root.1']);
  });

  it('a medium alert without the tag stops at its parent route, which inherits the root receivers', () => {
    const m = router.match(makeAlert({ severity: 'medium', rule: { name: 'x', title: 'X' } }), at);
    expect(m.map((x) => [x.route.path, x.route.receivers])).toEqual([['root.2', ['team']]]);
    const tagged = router.match(
      makeAlert({ severity: 'low', tags: ['attack.T1190'], rule: { name: 'x', title: 'X' } }),
      at,
    );
    expect(tagged.map((x) => x.route.path)).toEqual(['root.2.0']);
  });

  it('nothing is unrouted: an alert no child matches goes to the root (defaults: the log receiver)', () => {
    const r = compileRouter(alertingConfig({}));
    const m = r.match(makeAlert({ severity: 'informational', kind: 'silence' }), at);
    expect(m.map((x) => [x.route.path, x.route.receivers])).toEqual([['root', ['log']]]);
  });

  it('explains why a route did not match', () => {
    const trace: RouteTrace[] = [];
    router.match(makeAlert({ severity: 'medium', rule: { name: 'x', title: 'X' } }), at, trace);
    expect(trace.find((t) => t.path === 'root.1')!.why).toBe('severity medium is not >=high');
    expect(trace.find((t) => t.path === 'root.0')!.why).toMatch(
      /service \(none\) not in \[billing\]/,
    );
  });

  it('refuses a config whose routes name unknown receivers, naming the path', () => {
    expect(() =>
      alertingConfig({ route: { routes: [{ match: {}, receivers: ['nope'] }] } }),
    ).toThrow(/route\.routes\.0\.receivers\.0: no receiver named "nope"/);
    expect(() => alertingConfig({ route: { match: { severity: '>=urgent' } } })).toThrow(
      /severity/,
    );
  });
});

describe('mute windows', () => {
  it('weekday and time ranges in a zone, wrapping midnight', () => {
    const w = compileMuteWindow(
      { weekdays: ['mon-fri'], times: ['22:00-06:00'], time_zone: 'Europe/Paris' },
      'w',
    );
    // Wednesday 2026-11-25: 21:30Z is 22:30 in Paris (UTC+1): muted.
    expect(w(Date.parse('2026-11-25T21:30:00Z'))).toBe(true);
    expect(w(Date.parse('2026-11-25T20:30:00Z'))).toBe(false); // 21:30 Paris
    expect(w(Date.parse('2026-11-26T04:59:00Z'))).toBe(true); // 05:59 Thursday
    expect(w(Date.parse('2026-11-26T05:00:00Z'))).toBe(false); // 06:00
    // Saturday night is outside mon-fri.
    expect(w(Date.parse('2026-11-28T22:30:00Z'))).toBe(false);
  });

  it('a muted route is reported as muted', () => {
    const r = compileRouter(
      alertingConfig({ route: { mute_windows: [{ weekdays: ['wed'], time_zone: 'UTC' }] } }),
    );
    expect(r.match(makeAlert(), Date.parse('2026-11-25T12:00:00Z'))[0]!.muted).toBe(true);
    expect(r.match(makeAlert(), Date.parse('2026-11-26T12:00:00Z'))[0]!.muted).toBe(false);
  });
});
