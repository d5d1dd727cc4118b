/**
 * The alerting service: router + notifier + outbox + per-receiver workers + decisions, over one
 * SQLite database. The server component subscribes it to the alert bus and drives `tick`; tests
 * drive it with an injected clock. `deliver(receiver, message)` is the entry other components
 * (review digests) use: the message is queued durably and delivered with the same retries.
 */
import type Database from 'better-sqlite3';
import { LogwardenError } from '../core/errors.js';
import type { Alert } from '../detection/alerts/alert.js';
import type { AlertStore, StoredAlert } from '../detection/alerts/alert-store.js';
import {
  createDecisionStore,
  type Decision,
  type DecisionStore,
} from './decisions/decision-store.js';
import type { NotificationMessage } from './message.js';
import { createNotifier, type Notifier, type SuppressReason } from './notifier.js';
import { ALERTING_MIGRATIONS } from './outbox/schema.js';
import { createOutbox, type DeliveryRecord, type Outbox } from './outbox/outbox.js';
import { createDeliveryWorkers, type DeliveryWorkers } from './outbox/workers.js';
import { buildReceiver, type Receiver } from './receivers/index.js';
import type { LogSink } from './receivers/log.js';
import { compileRouter, type CompiledRoute, type Router } from './router/compile-routes.js';
import { systemAlert } from './system-alert.js';
import type { AlertingConfig } from './types.js';

export interface AlertingOptions {
  readonly db: Database.Database;
  readonly migrate: (namespace: string, steps: string[]) => unknown;
  readonly config: AlertingConfig;
  readonly alerts: Pick<AlertStore, 'get'>;
  readonly now?: () => number;
  /** Store and publish an alert logwarden raises itself (receiver failing). */
  readonly raise?: (alert: Alert) => void;
  /** Decisions created or revoked (the server records them as events in the ledger). */
  readonly onDecision?: (change: 'created' | 'revoked', d: Decision) => void;
  readonly log?: LogSink;
  readonly version?: string;
  readonly random?: () => number;
  /** Test seam: receivers by name, replacing configured ones. */
  readonly receivers?: ReadonlyMap<string, Receiver>;
}

export interface AlertingStats {
  suppressed: Record<SuppressReason, number>;
  sent: Record<string, number>;
  errors: Record<string, number>;
}

export interface Alerting {
  readonly router: Router;
  readonly outbox: Outbox;
  readonly notifier: Notifier;
  readonly decisions: DecisionStore;
  readonly receivers: ReadonlyMap<string, Receiver>;
  readonly stats: AlertingStats;
  /** A published alert (from the bus). */
  handle(alert: StoredAlert, isNew: boolean): void;
  /** Flush due groups and escalations, then start due deliveries. */
  tick(): void;
  /** Resolves when no delivery is in flight. */
  idle(): Promise<void>;
  /** Queue a message for a named receiver (durable, retried). Returns the outbox id. */
  deliver(receiverName: string, message: NotificationMessage): number;
  deliveries(alertId: string): DeliveryRecord[];
  /** Create a decision by hand (API, CLI) and tell its receivers. */
  decide(
    d: Parameters<DecisionStore['create']>[0],
    receivers?: readonly string[],
  ): { decision: Decision; created: boolean };
  revokeDecision(id: string, actor: string, receivers?: readonly string[]): Decision;
  /** When the next tick has work (for the scheduler). */
  nextDueMs(): number | undefined;
  close(): Promise<void>;
}

export function createAlerting(o: AlertingOptions): Alerting {
  const now = o.now ?? Date.now;
  const cfg = o.config;
  o.migrate('alerting', ALERTING_MIGRATIONS);
  const outbox = createOutbox(o.db);
  const decisions = createDecisionStore(o.db, o.migrate);
  const router = compileRouter(cfg);
  const log: LogSink = o.log ?? (() => {});
  const receivers = new Map<string, Receiver>();
  for (const rc of [{ name: 'log', type: 'log' as const, timeout_secs: 10 }, ...cfg.receivers])
    receivers.set(
      rc.name,
      o.receivers?.get(rc.name) ?? buildReceiver(rc, { log, version: o.version ?? '0' }),
    );
  /** Alerts whose routing failed (store busy): alert id -> isNew, retried on every tick. */
  const retry = new Map<string, boolean>();
  const stats: AlertingStats = {
    suppressed: { duplicate: 0, flapping: 0, closed: 0 },
    sent: {},
    errors: {},
  };

  const decisionMessage = (d: Decision, action: 'add' | 'delete'): NotificationMessage => ({
    kind: 'decision',
    title: `${action === 'add' ? 'Decision' : 'Decision revoked'}: ${d.type === 'ban_ip' ? 'block address' : 'lock user'} ${d.value}`,
    severity: 'medium',
    alerts: [],
    alertsOmitted: 0,
    suppressed: 0,
    decision: {
      id: d.id,
      action,
      type: d.type,
      value: d.value,
      durationSecs: d.durationSecs,
      expiresMs: d.expiresMs,
      reason: d.reason,
    },
    createdMs: now(),
  });
  const tell = (d: Decision, action: 'add' | 'delete', to: readonly string[]) => {
    for (const r of to)
      outbox.enqueue(
        r,
        decisionMessage(d, action),
        d.alertId ? [d.alertId] : [],
        now(),
        `dec|${d.id}|${action}|${r}`,
      );
  };

  const routeDecision = (route: CompiledRoute, alert: StoredAlert, t: number) => {
    const p = route.decision!;
    const type =
      p.type !== 'auto'
        ? p.type
        : alert.entity.type === 'ip'
          ? 'ban_ip'
          : alert.entity.type === 'user'
            ? 'lock_user'
            : undefined;
    // The decision's subject: the entity, or for ban_ip on a user alert the address seen in it.
    const value =
      type === 'ban_ip'
        ? alert.entity.type === 'ip'
          ? alert.entity.value
          : (alert.events.find((e) => typeof e.fields['client.address'] === 'string')?.fields[
              'client.address'
            ] as string | undefined)
        : type === 'lock_user' && alert.entity.type === 'user'
          ? alert.entity.value
          : undefined;
    if (!type || !value) {
      log(
        { alert: alert.id, route: route.path },
        'route decision skipped: the alert names no address or user',
      );
      return;
    }
    try {
      const { decision, created } = decisions.create(
        {
          type,
          value,
          reason: `${alert.rule.name ?? alert.rule.title}: ${alert.summary}`,
          origin: `route:${route.path}`,
          alertId: alert.id,
          durationMs: p.durationMs,
          factor: p.factor,
          maxMs: p.maxMs,
          lookbackMs: p.lookbackMs,
        },
        t,
      );
      if (created) {
        tell(decision, 'add', p.receivers);
        o.onDecision?.('created', decision);
      }
    } catch (e) {
      log({ alert: alert.id, err: (e as Error).message }, 'route decision refused');
    }
  };

  const notifier = createNotifier({
    db: o.db,
    router,
    alerts: o.alerts,
    outbox,
    config: cfg,
    now,
    onDecision: routeDecision,
    onSuppressed: (r) => void stats.suppressed[r]++,
  });
  const workers: DeliveryWorkers = createDeliveryWorkers({
    outbox,
    receivers,
    now,
    dashboardUrl: cfg.dashboard_url,
    baseBackoffMs: cfg.delivery.base_backoff_secs * 1000,
    maxBackoffMs: cfg.delivery.max_backoff_secs * 1000,
    failingAfter: cfg.delivery.failing_after_attempts,
    maxAgeMs: cfg.delivery.max_age_secs * 1000,
    ...(o.random ? { random: o.random } : {}),
    onResult: (r, ok) => {
      const m = ok ? stats.sent : stats.errors;
      m[r] = (m[r] ?? 0) + 1;
    },
    onFailing: (receiver, row, error) =>
      o.raise?.(
        systemAlert({
          name: 'lw_receiver_failing',
          title: 'Alert receiver failing',
          severity: 'high',
          entity: { type: 'service', value: receiver },
          episode: row.id,
          summary:
            `receiver ${receiver} failed ${row.attempts + 1} times; ${outbox.pending(receiver)} messages wait (kept, retried): ${error}`.slice(
              0,
              500,
            ),
          nowMs: now(),
          fields: { 'event.name': 'alert_delivery_failed', 'event.reason': error.slice(0, 300) },
        }),
      ),
  });

  return {
    router,
    outbox,
    notifier,
    decisions,
    receivers,
    stats,
    handle(alert, isNew) {
      try {
        notifier.handle(alert, isNew);
      } catch (e) {
        // The store was busy or failing: keep the alert id and route it again on the next tick.
        const prev = retry.get(alert.id);
        retry.set(alert.id, (prev ?? false) || isNew);
        log(
          { alert: alert.id, err: (e as Error).message, retrying: retry.size },
          'alert routing deferred',
        );
      }
    },
    tick() {
      for (const [id, isNew] of [...retry]) {
        const a = o.alerts.get(id);
        if (!a) {
          retry.delete(id);
          continue;
        }
        notifier.handle(a, isNew); // throws again while the store is busy: the tick retries
        retry.delete(id);
      }
      notifier.tick();
      workers.pump();
    },
    idle: () => workers.idle(),
    deliver(name, message) {
      if (!receivers.has(name))
        throw new LogwardenError(
          'LW_NOT_FOUND',
          `no receiver named ${JSON.stringify(name)} (known: ${[...receivers.keys()].join(', ')})`,
        );
      const id = outbox.enqueue(
        name,
        message,
        message.alerts.map((a) => a.id),
        now(),
      )!;
      workers.pump();
      return id;
    },
    deliveries: (id) => outbox.deliveries(id),
    decide(d, to = []) {
      const r = decisions.create(d, now());
      if (r.created) {
        tell(r.decision, 'add', to);
        o.onDecision?.('created', r.decision);
        workers.pump();
      }
      return r;
    },
    revokeDecision(id, actor, to = []) {
      const d = decisions.revoke(id, actor, now());
      tell(d, 'delete', to);
      o.onDecision?.('revoked', d);
      workers.pump();
      return d;
    },
    nextDueMs() {
      const a = notifier.nextDueMs();
      const b = workers.nextDueMs();
      return a === undefined ? b : b === undefined ? a : Math.min(a, b);
    },
    close: () => workers.close(),
  };
}
