/**
 * From alerts to queued messages: routing, grouping, dedup, throttling, digests, flap damping,
 * mute windows and escalation — all state in SQLite, every step in one transaction with the
 * outbox insert, so an alert the notifier has seen is never lost by a restart.
 *
 * - Dedup: an alert id (one episode of a rule and entity) is notified once per group; updates of
 *   its count fold into the next message as `suppressed` ("duplicate").
 * - Throttling: a group sends at most one message per group_interval (first after group_wait).
 * - Digest: severities up to digest.max_severity collect in one group per route, sent every
 *   digest.interval_secs.
 * - Flap damping: a rule+entity that fires new episodes more than flap.max_refires times within
 *   flap.window_secs is held (counted as "flapping").
 * - Mute windows: a group due inside a mute window waits until the window ends (held, not lost).
 * - Every message states how many matches were suppressed since the group's previous message.
 */
import type Database from 'better-sqlite3';
import { SEVERITY_RANK } from '../detection/alerts/alert.js';
import type { AlertStore, StoredAlert } from '../detection/alerts/alert-store.js';
import {
  MESSAGE_ALERTS,
  maxSeverity,
  toMessageAlert,
  type MessageKind,
  type NotificationMessage,
} from './message.js';
import type { Outbox } from './outbox/outbox.js';
import { groupValues, type CompiledRoute, type Router } from './router/compile-routes.js';
import { createGroupStore, type GroupRow } from './group-store.js';
import type { AlertingConfig } from './types.js';

export type SuppressReason = 'duplicate' | 'flapping' | 'closed';

export interface NotifierOptions {
  readonly db: Database.Database;
  readonly router: Router;
  readonly alerts: Pick<AlertStore, 'get'>;
  readonly outbox: Outbox;
  readonly config: Pick<AlertingConfig, 'dashboard_url' | 'digest' | 'flap'>;
  readonly now: () => number;
  /** A route with a `decision` matched a new alert (inside the transaction). */
  readonly onDecision?: (route: CompiledRoute, alert: StoredAlert, nowMs: number) => void;
  readonly onSuppressed?: (reason: SuppressReason) => void;
}

export interface Notifier {
  /** Route one published alert (synchronous: queued before this returns). */
  handle(alert: StoredAlert, isNew: boolean): void;
  /** Flush due groups and escalations into the outbox; returns the number of messages queued. */
  tick(): number;
  /** Drop pending escalations of an alert (acknowledged through the API). */
  stopEscalation(alertId: string): void;
  nextDueMs(): number | undefined;
}

const MUTE_RECHECK_MS = 60_000;
/** How often the flap history is pruned (it only needs to stay bounded). */
const PRUNE_EVERY_MS = 60_000;
/** alerting_members.pending: 0 sent, 1 waiting for the group's next message, 2 held (flapping). */
const HELD = 2;

export function createNotifier(o: NotifierOptions): Notifier {
  const q = createGroupStore(o.db);
  const routes = new Map<string, CompiledRoute>();
  const index = (r: CompiledRoute) => {
    routes.set(r.path, r);
    r.children.forEach(index);
  };
  index(o.router.root);
  const digestRank = SEVERITY_RANK[o.config.digest.max_severity];
  const digestMs = o.config.digest.interval_secs * 1000;
  const flapWindowMs = o.config.flap.window_secs * 1000;

  const suppress = (g: GroupRow, reason: SuppressReason, route: CompiledRoute, now: number) => {
    const reasons = JSON.parse(g.reasons) as Record<string, number>;
    reasons[reason] = (reasons[reason] ?? 0) + 1;
    g.reasons = JSON.stringify(reasons);
    g.suppressed += 1;
    q.suppress.run(g.reasons, g.key);
    o.onSuppressed?.(reason);
    // The count must reach someone: make sure a (summary) message follows.
    schedule(g, route, now);
  };
  const schedule = (g: GroupRow, route: CompiledRoute, now: number) => {
    const at =
      g.digest === 1
        ? g.last_flush_ms === null
          ? now + digestMs
          : Math.max(now, g.last_flush_ms + digestMs)
        : g.last_flush_ms === null
          ? now + route.groupWaitMs
          : Math.max(now, g.last_flush_ms + route.groupIntervalMs);
    if (q.schedule.run(at, g.key).changes > 0) g.next_flush_ms = at;
  };

  const handle = o.db.transaction((alert: StoredAlert, isNew: boolean) => {
    if (alert.status !== 'open') return; // acknowledged or closed: people already know
    const now = o.now();
    for (const m of o.router.match(alert, now)) {
      const route = m.route;
      if (route.decision && isNew) o.onDecision?.(route, alert, now);
      const digest = route.digest && SEVERITY_RANK[alert.severity] <= digestRank;
      const key = digest ? `digest|${route.path}` : `${route.path}|${groupValues(route, alert)}`;
      q.insertGroup.run(key, route.path, digest ? 1 : 0);
      const g = q.group.get(key)!;
      const member = q.member.get(key, alert.id);
      if (!member) {
        const fireKey = `${route.path}|${alert.rule.name ?? alert.rule.id ?? alert.rule.title}|${alert.entity.type}:${alert.entity.value}`;
        q.fire.run(fireKey, now);
        if (!digest && q.fires.get(fireKey, now - flapWindowMs)!.n > o.config.flap.max_refires) {
          q.holdMember.run(key, alert.id); // this episode stays held; its updates count as flapping
          suppress(g, 'flapping', route, now);
          continue;
        }
        q.addMember.run(key, alert.id);
        schedule(g, route, now);
      } else if (member.pending === HELD) {
        suppress(g, 'flapping', route, now);
      } else if (member.pending === 1) {
        suppress(g, 'duplicate', route, now);
      } else if (now - (member.sent_ms ?? 0) >= route.repeatIntervalMs) {
        q.repeatMember.run(key, alert.id);
        schedule(g, route, now);
      } else {
        suppress(g, 'duplicate', route, now);
      }
    }
  });

  const message = (
    kind: MessageKind,
    title: string,
    alerts: StoredAlert[],
    g: GroupRow,
    route: string,
    now: number,
  ): NotificationMessage => {
    const shown = alerts.slice(0, MESSAGE_ALERTS);
    return {
      kind,
      title,
      severity: maxSeverity(alerts),
      route,
      alerts: shown.map((a) => toMessageAlert(a, o.config.dashboard_url)),
      alertsOmitted: alerts.length - shown.length,
      suppressed: g.suppressed,
      suppressedReasons: JSON.parse(g.reasons) as Record<string, number>,
      createdMs: now,
    };
  };

  const titleOf = (kind: MessageKind, alerts: StoredAlert[], g: GroupRow): string => {
    const a = alerts[0]!;
    const entity = a.entity.type === 'none' ? '' : `: ${a.entity.type} ${a.entity.value}`;
    if (kind === 'digest')
      return `Digest: ${alerts.length} low-severity alert${alerts.length === 1 ? '' : 's'}`;
    if (kind === 'update')
      return `${a.rule.title}${entity}: ${g.suppressed} more matches since the last message`;
    const base =
      alerts.length === 1
        ? `${a.rule.title}${entity}`
        : `${alerts.length} alerts: ${a.rule.title}${entity}`;
    return `${kind === 'repeat' ? 'Still open: ' : ''}${a.severity.toUpperCase()} ${base}`;
  };

  const flushGroup = (g: GroupRow, now: number): number => {
    const route = routes.get(g.route) ?? o.router.root;
    if (route.mutedBy(now) >= 0) {
      q.postpone.run(now + MUTE_RECHECK_MS, g.key); // held until the window ends, then sent
      return 0;
    }
    const pending = q.pendingMembers.all(g.key);
    const alerts: StoredAlert[] = [];
    let repeat = false;
    for (const p of pending) {
      const a = o.alerts.get(p.alert_id);
      if (a && a.status === 'open') {
        alerts.push(a);
        if (p.sent_ms !== null) repeat = true;
      } else if (a) suppress(g, 'closed', route, now);
    }
    let kind: MessageKind =
      g.digest === 1 ? 'digest' : repeat && alerts.length === pending.length ? 'repeat' : 'alert';
    let list = alerts;
    if (alerts.length === 0) {
      if (g.suppressed === 0) {
        q.flushed.run(g.last_flush_ms ?? now, g.key);
        return 0;
      }
      // Only suppressed matches since the last message: a summary with the alerts' current counts.
      kind = 'update';
      list = q.recentSent
        .all(g.key)
        .map((m) => o.alerts.get(m.alert_id))
        .filter((a): a is StoredAlert => a !== undefined);
      if (list.length === 0) {
        q.flushed.run(now, g.key);
        return 0;
      }
    }
    const msg = message(kind, titleOf(kind, list, g), list, g, route.path, now);
    const ids = list.map((a) => a.id);
    for (const r of route.receivers) o.outbox.enqueue(r, msg, ids, now);
    if (kind === 'alert' || kind === 'digest')
      for (const a of alerts)
        route.escalate.forEach((t, i) => q.addEscalation.run(a.id, route.path, i, now + t.afterMs));
    q.markSent.run(now, g.key);
    q.flushed.run(now, g.key);
    return route.receivers.length;
  };

  const tick = o.db.transaction((): number => {
    const now = o.now();
    let queued = 0;
    for (const g of q.dueGroups.all(now)) queued += flushGroup(g, now);
    for (const e of q.dueEscalations.all(now)) {
      q.dropEscalation.run(e.alert_id, e.route, e.tier);
      const a = o.alerts.get(e.alert_id);
      const tier = routes.get(e.route)?.escalate[e.tier];
      if (!a || a.status !== 'open' || !tier) continue; // acknowledged (or gone): escalation stops
      const msg: NotificationMessage = {
        kind: 'escalation',
        title: `ESCALATED (tier ${e.tier + 1}, not acknowledged for ${Math.round((now - e.due_ms + tier.afterMs) / 1000)}s): ${a.severity.toUpperCase()} ${a.rule.title}`,
        severity: a.severity,
        route: e.route,
        alerts: [toMessageAlert(a, o.config.dashboard_url)],
        alertsOmitted: 0,
        suppressed: 0,
        escalationTier: e.tier + 1,
        createdMs: now,
      };
      for (const r of tier.receivers)
        if (
          o.outbox.enqueue(r, msg, [a.id], now, `esc|${a.id}|${e.route}|${e.tier}|${r}`) !==
          undefined
        )
          queued++;
    }
    q.pruneFires.run(now - flapWindowMs);
    return queued;
  });

  const nextDueMs = (): number | undefined => {
    const a = q.nextGroup.get()?.t ?? undefined;
    const b = q.nextEscalation.get()?.t ?? undefined;
    return a === undefined ? b : b === undefined ? a : Math.min(a, b);
  };
  let lastPruneMs = -Infinity;

  return {
    // IMMEDIATE: take the write lock up front; a deferred read-then-write transaction in WAL mode
    // fails at once with SQLITE_BUSY when the store's writer committed meanwhile.
    handle: (a, isNew) => handle.immediate(a, isNew),
    tick: () => {
      // The tick runs every 250 ms; taking the write lock when nothing is due would make the
      // store's writer thread (ingest) wait for it four times a second. A read decides; the flap
      // history is pruned at most once a minute.
      const now = o.now();
      const due = nextDueMs();
      if ((due === undefined || due > now) && now - lastPruneMs < PRUNE_EVERY_MS) return 0;
      lastPruneMs = now;
      return tick.immediate();
    },
    stopEscalation: (id) => void q.dropEscalations.run(id),
    nextDueMs,
  };
}
