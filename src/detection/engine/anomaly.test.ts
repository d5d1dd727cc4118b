import { describe, expect, it } from 'vitest';
import type { Alert } from '../alerts/alert.js';
import { createAnomalyDetector, DEFAULT_ANOMALY } from './anomaly.js';

const MIN = 60_000;
const t0 = Date.UTC(2026, 10, 27, 0);

/** `perMinute(m)` events in minute m, for `minutes` minutes; the alerts raised. */
function feed(
  perMinute: (m: number) => number,
  minutes: number,
  opts: Partial<typeof DEFAULT_ANOMALY> = {},
): Alert[] {
  const d = createAnomalyDetector({ ...DEFAULT_ANOMALY, ...opts });
  const out: Alert[] = [];
  for (let m = 0; m < minutes; m++) {
    const n = perMinute(m);
    for (let i = 0; i < n; i++) out.push(...d.observe('web', 'http_request', t0 + m * MIN + i));
  }
  out.push(...d.advanceTo(t0 + minutes * MIN));
  return out;
}

describe('rate anomalies', () => {
  it('a spike over a steady rate alerts once, in the minute it happened', () => {
    const alerts = feed((m) => (m === 90 ? 400 : 5), 120);
    expect(alerts.map((a) => a.firstSeenMs)).toEqual([t0 + 90 * MIN]);
    expect(alerts[0]!.count).toBe(400);
    expect(alerts[0]!.summary).toMatch(/^400 http_request events from web in 60s, usually/);
  });

  it('an hourly burst of the same size alerts at most once, not every hour', () => {
    // 110 events in minute :05 of every hour for two days, nothing otherwise (a cron job, or a
    // sampled log such as the Elastic example access log).
    const alerts = feed((m) => (m % 60 === 5 ? 110 : 0), 48 * 60);
    expect(alerts.length).toBeLessThanOrEqual(1);
    // Without the peak memory the same stream alerts every hour: the check above can fail.
    const noPeak = feed((m) => (m % 60 === 5 ? 110 : 0), 48 * 60, { peakRatio: 0 });
    expect(noPeak.length).toBeGreaterThan(40);
  });

  it('a burst far larger than the recurring one still alerts', () => {
    const alerts = feed((m) => (m % 60 === 5 ? (m === 30 * 60 + 5 ? 600 : 110) : 0), 32 * 60);
    expect(alerts.map((a) => a.firstSeenMs)).toContain(t0 + (30 * 60 + 5) * MIN);
    expect(alerts.find((a) => a.firstSeenMs === t0 + (30 * 60 + 5) * MIN)!.count).toBe(600);
  });

  it('the remembered peak fades: the same burst alerts again after days of quiet', () => {
    const burstAt = new Set([100, 100 + 4 * 24 * 60]);
    const alerts = feed((m) => (burstAt.has(m) ? 300 : 2), 100 + 4 * 24 * 60 + 10);
    expect(alerts.map((a) => a.firstSeenMs)).toEqual([...burstAt].map((m) => t0 + m * MIN));
  });
});

describe('rate anomaly keys', () => {
  it('an evicted (source, name) starts over when it comes back (no stale cached state)', () => {
    const d = createAnomalyDetector({
      ...DEFAULT_ANOMALY,
      maxKeys: 1,
      warmupBuckets: 0,
      minCount: 1,
    });
    d.observe('s', 'a', t0);
    d.observe('s', 'b', t0); // evicts (s, a)
    expect(d.evicted).toBe(1);
    d.observe('s', 'a', t0); // a new state for (s, a), evicting (s, b)
    expect(d.evicted).toBe(2);
    // its bucket holds the 4 events since it came back (a stale cached state would count 5)
    for (let i = 0; i < 3; i++) d.observe('s', 'a', t0 + i);
    expect(d.advanceTo(t0 + MIN).map((a) => a.count)).toEqual([4]);
  });
});
