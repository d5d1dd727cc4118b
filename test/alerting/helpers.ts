/**
 * Shared fixtures for alerting tests: a real SQLite store in a temp dir, the real alert store,
 * the alerting service with an injected clock, and loopback HTTP peers that record requests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { alertingSection } from '../../src/config/sections/alerting.js';
import { openSqliteStore, type SqliteStore } from '../../src/storage/sqlite/index.js';
import { createAlertStore, type AlertStore } from '../../src/detection/alerts/alert-store.js';
import { alertId, type Alert } from '../../src/detection/alerts/alert.js';
import { createAlerting, type Alerting, type AlertingOptions } from '../../src/alerting/service.js';
import type { AlertingConfig } from '../../src/alerting/types.js';
import { startHttpPeer, type HttpPeer } from '../helpers/http-peer.js';

const dirs: string[] = [];
const closers: (() => Promise<void> | void)[] = [];

export async function cleanup(): Promise<void> {
  for (const c of closers.splice(0).reverse()) await c();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

export function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'lw-alerting-'));
  dirs.push(d);
  return d;
}

/** Parse an `alerting:` section exactly as the config loader does (defaults included). */
export function alertingConfig(raw: unknown): AlertingConfig {
  const v = alertingSection.schema.parse(raw);
  const issues = alertingSection.validate?.(v) ?? [];
  if (issues.length)
    throw new Error(issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return v;
}

export interface Clock {
  now: () => number;
  set(ms: number): void;
  advance(ms: number): void;
}

export function clock(start = Date.parse('2026-11-25T10:00:00Z')): Clock {
  let t = start;
  return { now: () => t, set: (ms) => (t = ms), advance: (ms) => (t += ms) };
}

export interface Rig {
  dir: string;
  store: SqliteStore;
  alerts: AlertStore;
  alerting: Alerting;
  clock: Clock;
  /** Store the alert (as detection does) and hand it to alerting. */
  publish(a: Alert): void;
  /** Advance the clock, tick, and wait for deliveries. */
  step(ms: number): Promise<void>;
}

export function rig(
  raw: unknown,
  opts: Partial<AlertingOptions> & { dir?: string; clock?: Clock } = {},
): Rig {
  const dir = opts.dir ?? tempDir();
  const store = openSqliteStore({
    path: path.join(dir, 'logwarden.db'),
    writer: 'main',
    synchronous: 'normal',
  });
  const migrate = (ns: string, steps: string[]) => store.migrate(ns, steps);
  const alerts = createAlertStore(store.db, migrate);
  const c = opts.clock ?? clock();
  const alerting = createAlerting({
    db: store.db,
    migrate,
    config: alertingConfig(raw),
    alerts,
    now: c.now,
    random: () => 0.5,
    raise: (a) => {
      const isNew = alerts.upsert(a, c.now());
      alerting.handle(alerts.get(a.id)!, isNew);
    },
    ...opts,
  });
  closers.push(async () => {
    await alerting.close();
    await store.close();
  });
  return {
    dir,
    store,
    alerts,
    alerting,
    clock: c,
    publish(a) {
      const isNew = alerts.upsert(a, c.now());
      alerting.handle(alerts.get(a.id)!, isNew);
    },
    async step(ms) {
      c.advance(ms);
      alerting.tick();
      await alerting.idle();
    },
  };
}

let seq = 0;
export function makeAlert(
  over: Partial<Alert> & { episode?: number } = {},
  now = Date.parse('2026-11-25T10:00:00Z'),
): Alert {
  const rule = over.rule ?? {
    name: 'lw_bruteforce_user',
    title: 'Brute force against one account',
  };
  const entity = over.entity ?? { type: 'user' as const, value: 'carol' };
  return {
    id: alertId(rule.name ?? rule.title, entity.value, over.episode ?? seq++),
    kind: 'correlation',
    rule,
    severity: 'high',
    entity,
    groupKey: { 'user.id': entity.value },
    count: 6,
    firstSeenMs: now - 60_000,
    lastSeenMs: now,
    tags: ['attack.t1110.001', 'attack.credential_access'],
    attack: ['T1110.001'],
    summary: `6 failed logins for ${entity.value}`,
    events: [
      {
        id: 'e1',
        time: new Date(now).toISOString(),
        fields: {
          'event.name': 'authn_login_fail',
          'user.id': entity.value,
          'client.address': '198.51.100.23',
          'url.path': '/login?<script>',
        },
      },
    ],
    eventsOmitted: 5,
    ...over,
  };
}

export type { Received } from '../helpers/http-peer.js';

/** A loopback HTTP peer (test/helpers/http-peer.ts), closed by cleanup(). */
export async function httpPeer(...args: Parameters<typeof startHttpPeer>): Promise<HttpPeer> {
  const peer = await startHttpPeer(...args);
  closers.push(peer.close);
  return peer;
}
