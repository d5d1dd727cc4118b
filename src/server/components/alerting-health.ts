/**
 * logwarden watching itself: an alert when the data directory's disk is nearly full (statfs),
 * when ingest refuses or drops many events, or when a forwarder falls behind. The alerts go
 * through the alert store and bus, so they follow the same routes as every other alert; a
 * condition that persists updates one alert (same episode), a new occurrence is a new alert.
 * (Silence of a source — "logging stopped" — comes from detection's silence alerts.)
 */
import { statfsSync } from 'node:fs';
import type { Alert, AlertSeverity } from '../../detection/alerts/alert.js';
import { systemAlert } from '../../alerting/system-alert.js';
import type { AlertingConfig } from '../../alerting/types.js';
import type { ServerMetrics } from '../metrics.js';

export interface HealthMonitorOptions {
  readonly config: AlertingConfig['health'];
  readonly dataDir: string;
  readonly metrics: ServerMetrics;
  readonly now: () => number;
  readonly raise: (a: Alert) => void;
  /** Test seam: free space of a path as a percentage. */
  readonly freeDiskPct?: (path: string) => number;
}

export interface HealthMonitor {
  check(): void;
  stop(): void;
}

const freeDiskPct = (p: string): number => {
  const s = statfsSync(p);
  return s.blocks > 0 ? (Number(s.bavail) / Number(s.blocks)) * 100 : 100;
};

export function createHealthMonitor(o: HealthMonitorOptions): HealthMonitor {
  let refused = 0;
  const reasons = new Map<string, number>();
  const stopRefusals = o.metrics.onRefused((r) => {
    refused += r.count;
    reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + r.count);
  });
  // Episode start per condition: the alert id stays the same while the condition lasts.
  const since = new Map<string, number>();
  const condition = (
    key: string,
    bad: boolean,
    make: (episode: number) => {
      name: string;
      title: string;
      severity: AlertSeverity;
      summary: string;
      value: string;
      fields: Record<string, unknown>;
    },
  ) => {
    if (!bad) {
      since.delete(key);
      return;
    }
    const now = o.now();
    const episode = since.get(key) ?? now;
    since.set(key, episode);
    const m = make(episode);
    o.raise(
      systemAlert({
        name: m.name,
        title: m.title,
        severity: m.severity,
        entity: { type: 'service', value: m.value },
        episode,
        summary: m.summary,
        nowMs: now,
        fields: m.fields,
      }),
    );
  };

  return {
    check() {
      let free = 100;
      try {
        free = (o.freeDiskPct ?? freeDiskPct)(o.dataDir);
      } catch {
        free = 100; // a data dir that cannot be examined is reported by the store itself
      }
      condition('disk', free < o.config.min_free_disk_pct, () => ({
        name: 'lw_health_disk',
        title: 'logwarden data disk nearly full',
        severity: free < o.config.min_free_disk_pct / 2 ? 'critical' : 'high',
        summary: `${free.toFixed(1)}% free on the disk of ${o.dataDir} (threshold ${o.config.min_free_disk_pct}%)`,
        value: 'logwarden:disk',
        fields: { 'event.name': 'health_disk_low', message: `${free.toFixed(1)}% free` },
      }));
      const n = refused;
      const top = [...reasons.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5);
      refused = 0;
      reasons.clear();
      condition('ingest', n > o.config.max_ingest_errors, () => ({
        name: 'lw_health_ingest_errors',
        title: 'logwarden is refusing or dropping events',
        severity: 'high',
        summary: `${n} events refused or dropped in the last ${o.config.interval_secs}s (${top.map(([r, c]) => `${r}: ${c}`).join(', ')})`,
        value: 'logwarden:ingest',
        fields: { 'event.name': 'health_ingest_errors', message: `${n} refused or dropped` },
      }));
      const lag = o.metrics.registry.getSingleMetric('logwarden_forwarder_lag_seconds') as
        | {
            get(): Promise<{
              values: { value: number; labels: Record<string, string | number> }[];
            }>;
          }
        | undefined;
      void lag?.get().then((m) => {
        for (const v of m.values) {
          const name = String(v.labels.forwarder ?? '?');
          condition(`lag:${name}`, v.value > o.config.max_forwarder_lag_secs, () => ({
            name: 'lw_health_forwarder_lag',
            title: 'logwarden forwarder behind',
            severity: 'high',
            summary: `forwarder ${name}: oldest unacknowledged entry is ${Math.round(v.value)}s old (threshold ${o.config.max_forwarder_lag_secs}s)`,
            value: `forwarder:${name}`,
            fields: {
              'event.name': 'health_forwarder_lag',
              message: `${Math.round(v.value)}s behind`,
            },
          }));
        }
      });
    },
    stop: () => void stopRefusals(),
  };
}
