/**
 * Live detection: every committed event goes through the detection engine in seq order (the
 * commit feed), alerts are stored (idempotent on their ids) and published on the alert bus.
 *
 * After a restart, correlation state is rebuilt by replaying the recent window from the store
 * (ARCHITECTURE §2). A cursor (last seq whose alerts were stored) is kept in the same database:
 * replayed events at or below it only warm the state up, events after it — committed but not yet
 * examined when the process died — are examined for real, so a crash loses no detection and
 * repeats no alert.
 */
import type Database from 'better-sqlite3';
import { createAlertStore, type AlertStore } from '../../detection/alerts/alert-store.js';
import type { Alert } from '../../detection/alerts/alert.js';
import {
  createDetectionEngine,
  loadRules,
  type DetectionEngine,
} from '../../detection/engine/index.js';
import type { EventStore, StoredEvent } from '../../storage/types.js';
import type { Component, RuntimeContext } from '../runtime.js';
import { registerAlertRoutes } from '../api/alert-routes.js';
import { alertingService } from './alerting.js';

interface SqliteLike {
  readonly db: Database.Database;
  migrate(namespace: string, steps: string[]): unknown;
}

export function sqliteOf(store: EventStore): SqliteLike {
  const s = store as Partial<SqliteLike>;
  if (!s.db || typeof s.migrate !== 'function') throw new Error('detection needs the SQLite store');
  return s as SqliteLike;
}

/** First seq whose event time is at or after `fromMs` (event times are close to seq order). */
function seqAtTime(store: EventStore, fromMs: number): number {
  let lo = 0;
  let hi = store.size();
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const e = store.getBySeq(mid);
    if (e && e.timeMs < fromMs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface DetectionComponent extends Component {
  /** Available once started. */
  readonly alerts: AlertStore | undefined;
  readonly engine: DetectionEngine | undefined;
}

const MAX_REPLAY_EVENTS = 500_000;

export function createDetectionComponent(now: () => number = Date.now): DetectionComponent {
  let engine: DetectionEngine | undefined;
  let alerts: AlertStore | undefined;
  let unsubscribe: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  let saveCursor: ((seq: number) => void) | undefined;
  let cursor = -1;
  let cursorDirty = false;

  return {
    name: 'detection',
    get alerts() {
      return alerts;
    },
    get engine() {
      return engine;
    },
    async start(ctx: RuntimeContext) {
      const cfg = ctx.config.detection;
      const { db, migrate } = sqliteOf(ctx.store);
      alerts = createAlertStore(db, (ns, steps) => migrate.call(ctx.store, ns, steps));
      ctx.services.alerts = alerts;
      ctx.routes.push((app, authenticate) =>
        registerAlertRoutes(app, {
          alerts: () => alerts,
          authenticate,
          // Acknowledging, resolving or closing an alert stops its escalation at once.
          onAction: (id, action) => {
            if (action !== 'note' && action !== 'assign')
              alertingService(ctx.services)?.notifier.stopEscalation(id);
          },
        }),
      );
      const bus = ctx.bus;
      if (!cfg.enabled) return;
      migrate.call(ctx.store, 'detection', [
        'CREATE TABLE detection_cursor (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL) STRICT',
      ]);
      const row = db.prepare('SELECT seq FROM detection_cursor WHERE id = 1').get() as
        { seq: number } | undefined;
      cursor = row?.seq ?? -1;
      const save = db.prepare(
        'INSERT INTO detection_cursor (id, seq) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET seq = excluded.seq',
      );
      saveCursor = (seq) => save.run(seq);

      const rules = loadRules({
        builtin: cfg.builtin_rules,
        dirs: cfg.rules_dirs,
        placeholders: cfg.placeholders,
      });
      for (const e of rules.errors)
        ctx.logger.warn({ err: e.message }, 'detection rule not loaded');
      engine = createDetectionEngine({
        rules: rules.rules,
        placeholders: cfg.placeholders,
        patterns: cfg.patterns,
        allowedLatenessMs: cfg.allowed_lateness_secs * 1000,
        silence: {
          enabled: cfg.silence.enabled,
          factor: cfg.silence.factor,
          minSilenceMs: cfg.silence.min_silence_secs * 1000,
          minEvents: cfg.silence.min_events,
        },
        anomaly: {
          enabled: cfg.anomaly.enabled,
          bucketMs: cfg.anomaly.bucket_secs * 1000,
          warmupBuckets: cfg.anomaly.warmup_buckets,
          sigmas: cfg.anomaly.sigmas,
          minCount: cfg.anomaly.min_count,
          peakRatio: cfg.anomaly.peak_ratio,
        },
      });
      ctx.logger.info(
        { rules: rules.rules.length, failed: rules.errors.length },
        'detection rules loaded',
      );

      // Alerts of one delivery are written in one transaction (one fsync) together with the
      // cursor; without alerts the cursor is saved at most once a second (a crash replays the
      // gap: alert ids are idempotent). Per-event transactions cost 8x ingest throughput.
      let cursorSavedAt = 0;
      const record = (as: readonly Alert[], withCursor = false): void => {
        const latest = new Map<string, Alert>();
        for (const a of as) latest.set(a.id, a);
        if (latest.size === 0 && !withCursor) return;
        const t = now();
        const saved = alerts!.upsertMany(
          [...latest.values()],
          t,
          withCursor ? () => saveCursor!(cursor) : undefined,
        );
        if (withCursor) {
          cursorSavedAt = t;
          cursorDirty = false;
        }
        for (const { alert, isNew } of saved) bus.publish(alert, isNew);
      };
      const examine = (events: readonly StoredEvent[], live: boolean): void => {
        const found: Alert[] = [];
        for (const se of events) {
          if (se.body === null) continue;
          let ev: Record<string, unknown>;
          try {
            ev = JSON.parse(se.body) as Record<string, unknown>;
          } catch {
            continue; // bodies are checked as JSON at append; a pruned or damaged one is skipped
          }
          const out = engine!.process(ev, { seq: se.seq, source: se.source });
          // Warm-up: alerts from events examined before the restart were stored then.
          if (out.length > 0 && (live || se.seq > cursor)) found.push(...out);
          if (se.seq > cursor) {
            cursor = se.seq;
            cursorDirty = true;
          }
        }
        const due = cursorDirty && (found.length > 0 || now() - cursorSavedAt >= 1000);
        record(found, due);
      };

      // Rebuild state from the recent window, then follow the feed.
      const size = ctx.store.size();
      // Start at the replay window, or earlier when the cursor is behind it (events committed but
      // never examined, e.g. a crash right after a large commit), bounded either way.
      const windowStart = seqAtTime(ctx.store, now() - cfg.replay_window_secs * 1000);
      const from = Math.max(Math.min(windowStart, cursor + 1), size - MAX_REPLAY_EVENTS, 0);
      let replayed = 0;
      for (let s = from; s < size; s += 1000) {
        const batch = ctx.store.range(s, Math.min(size, s + 1000));
        examine(batch, false);
        replayed += batch.length;
      }
      if (replayed > 0)
        ctx.logger.info(
          { replayed, resumed_after: cursor },
          'detection state rebuilt from the recent window',
        );
      unsubscribe = ctx.feed.subscribe((events) => examine(events, true));
      timer = setInterval(() => {
        try {
          record(engine!.advanceTo(now()), cursorDirty);
        } catch (e) {
          ctx.logger.error({ err: e }, 'detection tick failed');
        }
      }, cfg.tick_secs * 1000);
      timer.unref();
    },
    async stop() {
      unsubscribe?.();
      clearInterval(timer);
      if (cursorDirty) saveCursor?.(cursor);
    },
  };
}
