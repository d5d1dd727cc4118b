/**
 * Alerting in `logwarden serve`: every alert published on the bus is routed and queued (in the
 * same SQLite file, before the listener returns), a scheduler flushes groups and escalations and
 * starts per-receiver deliveries, decisions are served to the SDK and recorded as events, and a
 * health monitor raises logwarden's own alerts through the same path.
 */
import { readFileSync } from 'node:fs';
import { Counter, Gauge } from 'prom-client';
import { createAlertStore, type AlertStore } from '../../detection/alerts/alert-store.js';
import type { Alert } from '../../detection/alerts/alert.js';
import { createAlerting, type Alerting } from '../../alerting/service.js';
import type { AlertingConfig } from '../../alerting/types.js';
import type { CompiledRoute } from '../../alerting/router/compile-routes.js';
import type { Decision } from '../../alerting/decisions/decision-store.js';
import type { Config } from '../../config/index.js';
import type { Component, RuntimeContext, Services } from '../runtime.js';
import { registerDecisionRoutes } from '../api/decision-routes.js';
import { appendOwnEvent } from './ledger-events.js';
import { sqliteOf } from './detection.js';
import { createHealthMonitor, type HealthMonitor } from './alerting-health.js';

// The config section and the alerting runtime's view of it must stay assignable.
const _sameShape: (c: Config['alerting']) => AlertingConfig = (c) => c;
void _sameShape;

const TICK_MS = 250;

function packageVersion(): string {
  try {
    const p = new URL('../../../package.json', import.meta.url);
    return (JSON.parse(readFileSync(p, 'utf8')) as { version?: string }).version ?? '0';
  } catch {
    return '0';
  }
}

/** The alerting service of a running server (review digests use `deliver`). */
export function alertingService(services: Services): Alerting | undefined {
  return (services as Services & { alerting?: Alerting }).alerting;
}

export function decisionReceivers(root: CompiledRoute): string[] {
  const out = new Set<string>();
  const walk = (r: CompiledRoute) => {
    r.decision?.receivers.forEach((n) => out.add(n));
    r.children.forEach(walk);
  };
  walk(root);
  return [...out];
}

export function createAlertingComponent(now: () => number = Date.now): Component {
  let alerting: Alerting | undefined;
  let timer: NodeJS.Timeout | undefined;
  let healthTimer: NodeJS.Timeout | undefined;
  let health: HealthMonitor | undefined;
  let unsubscribe: (() => void) | undefined;
  return {
    name: 'alerting',
    async start(ctx: RuntimeContext) {
      const cfg = ctx.config.alerting;
      const { db, migrate } = sqliteOf(ctx.store);
      const mig = (ns: string, steps: string[]) => migrate.call(ctx.store, ns, steps);
      const alerts: AlertStore = ctx.services.alerts ?? createAlertStore(db, mig);
      ctx.services.alerts ??= alerts;
      const raise = (a: Alert) => {
        const isNew = alerts.upsert(a, now());
        const stored = alerts.get(a.id);
        if (stored) ctx.bus.publish(stored, isNew);
      };
      const recordDecision = (change: 'created' | 'revoked', d: Decision) => {
        appendOwnEvent(ctx, {
          'event.name': change === 'created' ? 'decision_created' : 'decision_revoked',
          'event.action': d.type,
          'event.reason': d.reason,
          ...(d.type === 'ban_ip' ? { 'client.address': d.value } : { 'user.id': d.value }),
          attributes: {
            'decision.id': d.id,
            'decision.origin': d.origin,
            'decision.expires': new Date(d.expiresMs).toISOString(),
            'decision.duration_secs': d.durationSecs,
            'decision.offense': d.offense,
            ...(d.revokedBy ? { 'decision.revoked_by': d.revokedBy } : {}),
            ...(d.alertId ? { 'alert.id': d.alertId } : {}),
          },
        }).catch((e: unknown) =>
          ctx.logger.error({ err: e, decision: d.id }, 'decision event not stored'),
        );
      };
      const svc = createAlerting({
        db,
        migrate: mig,
        config: cfg,
        alerts,
        now,
        raise,
        onDecision: recordDecision,
        // Structured fields only: messages carry no secrets (receivers hold them, never log them).
        log: (fields, msg) => ctx.logger.info({ component: 'alerting', ...fields }, msg),
        version: packageVersion(),
      });
      alerting = svc;
      (ctx.services as Services & { alerting?: Alerting }).alerting = svc;
      const toTell = decisionReceivers(svc.router.root);
      ctx.routes.push((app, authenticate) =>
        registerDecisionRoutes(app, {
          alerting: () => alerting,
          authenticate,
          now,
          receivers: () => toTell,
        }),
      );

      const reg = [ctx.metrics.registry];
      new Counter({
        name: 'logwarden_alerting_suppressed_total',
        help: 'Alert matches folded into later messages instead of sent, per reason.',
        labelNames: ['reason'],
        registers: reg,
        collect() {
          this.reset();
          for (const [r, n] of Object.entries(svc.stats.suppressed)) this.inc({ reason: r }, n);
        },
      });
      new Counter({
        name: 'logwarden_alerting_sent_total',
        help: 'Notifications delivered, per receiver.',
        labelNames: ['receiver'],
        registers: reg,
        collect() {
          this.reset();
          for (const [r, n] of Object.entries(svc.stats.sent)) this.inc({ receiver: r }, n);
        },
      });
      new Counter({
        name: 'logwarden_alerting_errors_total',
        help: 'Failed delivery attempts (retried), per receiver.',
        labelNames: ['receiver'],
        registers: reg,
        collect() {
          this.reset();
          for (const [r, n] of Object.entries(svc.stats.errors)) this.inc({ receiver: r }, n);
        },
      });
      new Gauge({
        name: 'logwarden_alerting_queued',
        help: 'Notifications waiting in the outbox, per receiver.',
        labelNames: ['receiver'],
        registers: reg,
        collect() {
          for (const name of svc.receivers.keys())
            this.set({ receiver: name }, svc.outbox.pending(name));
        },
      });

      unsubscribe = ctx.bus.subscribe((a, isNew) => svc.handle(a, isNew));
      timer = setInterval(() => {
        try {
          svc.tick();
        } catch (e) {
          ctx.logger.error({ err: e }, 'alerting tick failed');
        }
      }, TICK_MS);
      timer.unref();
      if (cfg.health.enabled) {
        const h = createHealthMonitor({
          config: cfg.health,
          dataDir: ctx.config.storage.path,
          metrics: ctx.metrics,
          now,
          raise,
        });
        health = h;
        healthTimer = setInterval(() => {
          try {
            h.check();
          } catch (e) {
            ctx.logger.error({ err: e }, 'health check failed');
          }
        }, cfg.health.interval_secs * 1000);
        healthTimer.unref();
      }
      ctx.logger.info(
        { receivers: [...svc.receivers.keys()], queued: svc.outbox.pending() },
        'alerting started',
      );
    },
    async stop() {
      unsubscribe?.();
      clearInterval(timer);
      clearInterval(healthTimer);
      health?.stop();
      await alerting?.close();
    },
  };
}
