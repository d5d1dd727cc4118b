import { describe, expect, it } from 'vitest';
import { createLineParser } from '../../parsers/index.js';
import type { Alert } from '../alerts/alert.js';
import { createDetectionEngine } from './engine.js';
import { loadRules } from './load-rules.js';

const { rules, errors } = loadRules();

/** Last state of each alert (the engine returns every update of an episode). */
function latest(alerts: readonly Alert[]): Map<string, Alert> {
  const m = new Map<string, Alert>();
  for (const a of alerts) m.set(a.id, a);
  return m;
}

function sshdLines(): string[] {
  const lines: string[] = [];
  // 203.0.113.9 brute forces root: 8 failures in 8 seconds, then gets in.
  for (let i = 0; i < 8; i++)
    lines.push(
      `Nov 27 09:00:0${i} web1 sshd[${100 + i}]: Failed password for root from 203.0.113.9 port ${50000 + i} ssh2`,
    );
  // 198.51.100.4 sweeps user names.
  for (const [i, u] of ['admin', 'oracle', 'test', 'guest'].entries())
    lines.push(
      `Nov 27 09:01:1${i} web1 sshd[2${i}]: Invalid user ${u} from 198.51.100.4 port 4000${i}`,
    );
  // A legitimate user mistypes once and logs in.
  lines.push(
    'Nov 27 09:02:00 web1 sshd[300]: Failed password for alice from 192.0.2.10 port 41000 ssh2',
  );
  lines.push(
    'Nov 27 09:02:05 web1 sshd[301]: Accepted password for alice from 192.0.2.10 port 41001 ssh2',
  );
  return lines;
}

describe('detection engine', () => {
  it('loads the shipped rule pack', () => {
    expect(errors).toEqual([]);
    expect(rules.length).toBeGreaterThan(20);
  });

  it('flags sshd brute force and invalid-user sweeps from parsed lines, and not the benign user', () => {
    const parser = createLineParser('auto', { sample: sshdLines() });
    const engine = createDetectionEngine({ rules });
    const out: Alert[] = [];
    for (const line of sshdLines()) {
      const ev = parser.parse(line, {
        now: Date.UTC(2026, 10, 27, 12),
        year: 2026,
        timezone: 'UTC',
      });
      out.push(...engine.process(ev as Record<string, unknown>, { source: 'file:auth.log' }));
    }
    out.push(...engine.finish());
    const alerts = [...latest(out).values()];
    const byRule = (n: string) => alerts.filter((a) => a.rule.name === n);
    const bf = byRule('lw_sshd_bruteforce');
    expect(bf).toHaveLength(1);
    expect(bf[0]!.entity).toEqual({ type: 'ip', value: '203.0.113.9' });
    // The correlation fires when the window reaches its threshold (5 of the 8 failures).
    expect(bf[0]!.count).toBeGreaterThanOrEqual(5);
    expect(bf[0]!.attack).toEqual(['T1110.001']);
    expect(bf[0]!.events.length).toBeGreaterThanOrEqual(5);
    expect(bf[0]!.events[0]!.fields['client.address']).toBe('203.0.113.9');
    expect(bf[0]!.events[0]!.fields['log.original']).toContain('Failed password for root');
    const sweep = byRule('lw_sshd_invalid_user_sweep');
    expect(sweep.map((a) => a.entity.value)).toEqual(['198.51.100.4']);
    expect(alerts.filter((a) => a.entity.value === '192.0.2.10').map((a) => a.rule.name)).toEqual(
      [],
    );
  });

  it('folds a flood of 10,000 matches on one entity into one alert with the full count', () => {
    const engine = createDetectionEngine({ rules });
    const out: Alert[] = [];
    const t0 = Date.UTC(2026, 10, 27, 9);
    for (let i = 0; i < 10_000; i++) {
      out.push(
        ...engine.process(
          {
            id: `e${i}`,
            time: new Date(t0 + i * 5).toISOString(),
            'event.name': 'malicious_attack_tool',
            'client.address': '203.0.113.66',
          },
          { seq: i },
        ),
      );
    }
    const alerts = [...latest(out).values()].filter((a) => a.rule.name === 'lw_malicious_event');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.count).toBe(10_000);
    expect(alerts[0]!.events.length).toBeLessThanOrEqual(20);
    expect(alerts[0]!.eventsOmitted).toBe(10_000 - alerts[0]!.events.length);
    expect(alerts[0]!.events[0]!.seq).toBe(0);
  });

  it('folds rule matches per address, a quiet gap starting a new alert with the newest host', () => {
    const engine = createDetectionEngine({ rules, collect: true });
    const t0 = Date.UTC(2026, 10, 27, 9);
    const hit = (s: number, address: string | undefined, host: string, user?: string) =>
      engine.process({
        time: new Date(t0 + s * 1000).toISOString(),
        'event.name': 'malicious_attack_tool',
        'host.name': host,
        ...(address !== undefined ? { 'client.address': address } : {}),
        ...(user !== undefined ? { 'user.name': user } : {}),
      });
    hit(0, '203.0.113.66', 'h1');
    hit(1, '198.51.100.7', 'h1');
    hit(2, '203.0.113.66', 'h2');
    hit(3, undefined, 'h1', 'eve');
    hit(4, '', 'h1', 'eve');
    hit(1200, '203.0.113.66', 'h3'); // 20 minutes later: a new episode
    hit(1201, '203.0.113.66', 'h4');
    hit(1202, 'backup.example', 'h1'); // a name, not an IP: the entity is a host
    const alerts = engine
      .takeAlerts()
      .filter((a) => a.rule.name === 'lw_malicious_event')
      .map((a) => [a.entity.type, a.entity.value, a.count, a.host, a.firstSeenMs - t0]);
    expect(alerts).toEqual([
      ['ip', '203.0.113.66', 2, 'h2', 0],
      ['ip', '198.51.100.7', 1, 'h1', 1000],
      ['user', 'eve', 2, 'h1', 3000],
      ['ip', '203.0.113.66', 2, 'h4', 1_200_000],
      ['host', 'backup.example', 1, 'h1', 1_202_000],
    ]);
  });

  it('raises attack-pattern alerts with rule, field and excerpt', () => {
    const engine = createDetectionEngine({ rules });
    const out = engine.process({
      id: 'r1',
      time: '2026-11-27T09:00:00Z',
      'event.name': 'http_request',
      'http.request.method': 'GET',
      'url.path': '/products',
      'url.query': 'id=1%27%20UNION%20SELECT%20username,password%20FROM%20users--',
      'client.address': '203.0.113.50',
      'http.response.status_code': 200,
    });
    const sqli = out.find((a) => a.rule.name === 'lw_attack_sqli');
    expect(sqli).toBeDefined();
    expect(sqli!.entity).toEqual({ type: 'ip', value: '203.0.113.50' });
    expect(String(sqli!.events[0]!.fields['attack.excerpt']).toLowerCase()).toContain(
      'union select',
    );
    expect(sqli!.attack).toContain('T1190');
    const benign = engine.process({
      id: 'r2',
      time: '2026-11-27T09:00:01Z',
      'event.name': 'http_request',
      'url.path': '/products',
      'url.query': 'id=42&sort=price',
      'client.address': '203.0.113.51',
    });
    expect(benign).toEqual([]);
  });

  it('notices a source that goes silent against its own cadence, once', () => {
    const engine = createDetectionEngine({
      rules,
      silence: { minEvents: 10, minSilenceMs: 60_000, factor: 10 },
    });
    const t0 = Date.UTC(2026, 10, 27, 9);
    for (let i = 0; i < 30; i++)
      engine.process(
        { id: `s${i}`, time: new Date(t0 + i * 10_000).toISOString(), 'event.name': 'log' },
        { source: 'app-1' },
      );
    const last = t0 + 29 * 10_000;
    expect(engine.advanceTo(last + 90_000).filter((a) => a.kind === 'silence')).toEqual([]);
    const silent = engine.advanceTo(last + 101_000).filter((a) => a.kind === 'silence');
    expect(silent.map((a) => a.entity)).toEqual([{ type: 'source', value: 'app-1' }]);
    expect(silent[0]!.summary).toMatch(/app-1 sent nothing for/);
    expect(engine.advanceTo(last + 200_000).filter((a) => a.kind === 'silence')).toEqual([]);
  });

  it('raises a rate anomaly on a sharp spike after a learned baseline', () => {
    const engine = createDetectionEngine({
      rules,
      silence: { enabled: false },
      anomaly: { warmupBuckets: 20, minCount: 50 },
    });
    const t0 = Date.UTC(2026, 10, 27, 9);
    const out: Alert[] = [];
    let n = 0;
    for (let m = 0; m < 40; m++)
      for (let i = 0; i < 5; i++)
        out.push(
          ...engine.process(
            {
              id: `a${n++}`,
              time: new Date(t0 + m * 60_000 + i * 1000).toISOString(),
              'event.name': 'log',
            },
            { source: 'api' },
          ),
        );
    expect(out.filter((a) => a.kind === 'anomaly')).toEqual([]);
    for (let i = 0; i < 400; i++)
      out.push(
        ...engine.process(
          {
            id: `a${n++}`,
            time: new Date(t0 + 40 * 60_000 + i * 100).toISOString(),
            'event.name': 'log',
          },
          { source: 'api' },
        ),
      );
    out.push(...engine.advanceTo(t0 + 42 * 60_000));
    const anomalies = out.filter((a) => a.kind === 'anomaly');
    expect(anomalies).toHaveLength(1);
    expect(anomalies[0]!.count).toBe(400);
  });

  it('gives the same alert ids when the same events are replayed', () => {
    const run = () => {
      const engine = createDetectionEngine({ rules });
      const out: Alert[] = [];
      const t0 = Date.UTC(2026, 10, 27, 9);
      for (let i = 0; i < 12; i++)
        out.push(
          ...engine.process({
            id: `f${i}`,
            time: new Date(t0 + i * 1000).toISOString(),
            'event.name': 'authn_login_fail',
            'user.id': 'bob',
            'client.address': '198.51.100.9',
          }),
        );
      out.push(...engine.finish());
      return [...latest(out).keys()].sort();
    };
    const a = run();
    expect(a.length).toBeGreaterThan(0);
    expect(run()).toEqual(a);
  });
});
