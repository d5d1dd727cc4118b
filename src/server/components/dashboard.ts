/**
 * The dashboard component: users, sessions, review tasks, the /ui routes, the overdue-review
 * check (an overdue task raises an alert through the alert store and the alert bus) and the
 * digest schedule. Started after detection, so the alert store is available.
 */
import { createReviewStore, taskState, type ReviewStore } from '../../review/review-store.js';
import { overdueAlert } from '../../review/review-due.js';
import { createRateCounters } from '../../review/rate-counters.js';
import { drainAuditOutbox } from '../dashboard/audit-outbox.js';
import { createDashboardAuth } from '../dashboard/dashboard-auth.js';
import { registerAuthRoutes } from '../dashboard/auth-routes.js';
import { registerDataRoutes } from '../dashboard/data-routes.js';
import { createLoginLimiter } from '../dashboard/login-limiter.js';
import { DASHBOARD_MIGRATIONS } from '../dashboard/migrations.js';
import { registerReviewRoutes } from '../dashboard/review-routes.js';
import { createSecurityLog } from '../dashboard/security-log.js';
import { createSessionStore } from '../dashboard/session-store.js';
import { findStaticDir, registerStaticRoutes } from '../dashboard/static-routes.js';
import { createUserStore } from '../dashboard/user-store.js';
import {
  createDigestScheduler,
  registerDigestRoute,
  type DigestScheduler,
} from '../dashboard/digest-scheduler.js';
import type { Component, RuntimeContext } from '../runtime.js';
import { sqliteOf } from './detection.js';

export interface DashboardComponent extends Component {
  /** Raise alerts for overdue review tasks now (also runs on a timer); returns how many were new. */
  checkOverdue(nowMs?: number): number;
  readonly reviews: ReviewStore | undefined;
}

export function createDashboardComponent(): DashboardComponent {
  let timer: NodeJS.Timeout | undefined;
  let reviews: ReviewStore | undefined;
  let ctxRef: RuntimeContext | undefined;
  let digests: DigestScheduler | undefined;
  let unsubscribe: (() => void) | undefined;

  const checkOverdue = (nowMs = Date.now()): number => {
    const ctx = ctxRef;
    const alerts = ctx?.services.alerts;
    if (!ctx || !reviews || !alerts) return 0;
    const grace = ctx.config.dashboard.review_grace_secs * 1000;
    let raised = 0;
    for (const t of reviews.list()) {
      const st = taskState(t, nowMs, grace);
      if (!st.overdue || !reviews.markOverdueAlerted(t.id, st.dueMs)) continue;
      const alert = overdueAlert(t, st, nowMs);
      const isNew = alerts.upsert(alert, nowMs);
      const stored = alerts.get(alert.id);
      if (stored) ctx.bus.publish(stored, isNew);
      if (isNew) raised++;
      ctx.logger.warn(
        { task: t.name, due: new Date(st.dueMs).toISOString() },
        'log review overdue',
      );
    }
    return raised;
  };

  return {
    name: 'dashboard',
    get reviews() {
      return reviews;
    },
    checkOverdue,
    async start(ctx) {
      ctxRef = ctx;
      const cfg = ctx.config.dashboard;
      const { db, migrate } = sqliteOf(ctx.store);
      const mig = (ns: string, steps: string[]) => migrate.call(ctx.store, ns, steps);
      mig('dashboard', [...DASHBOARD_MIGRATIONS]);
      const staticDir = findStaticDir(); // fail at start, not on the first page view
      const users = createUserStore(db);
      const sessions = createSessionStore(db, {
        idleMs: cfg.session_idle_secs * 1000,
        absoluteMs: cfg.session_absolute_secs * 1000,
      });
      reviews = createReviewStore(db, mig);
      // Overview counters: count what was committed since the last run (all of it the first
      // time), then follow the commit feed.
      const counters = createRateCounters(db, mig);
      const caught = counters.catchUp(ctx.store.size() - 1);
      if (caught > 0) ctx.logger.info({ events: caught }, 'dashboard counters caught up');
      unsubscribe = ctx.feed.subscribe((events) => {
        const last = events[events.length - 1];
        if (last) counters.catchUp(last.seq);
      });
      const securityLog = createSecurityLog({
        store: ctx.store,
        feed: ctx.feed,
        onError: (e) => ctx.logger.error({ err: e }, 'dashboard security event not stored'),
      });
      const windowMs = cfg.login_window_secs * 1000;
      const lockoutMs = cfg.lockout_secs * 1000;
      const silence = ctx.config.detection.silence;
      const alerts = () => ctx.services.alerts;
      const store = ctx.store;
      const rs = reviews;
      const digestScheduler = createDigestScheduler(ctx, rs);
      ctx.routes.push((app, authenticate) => {
        const auth = createDashboardAuth({
          authenticate,
          sessions,
          users,
          securityLog,
          secureCookies: cfg.secure_cookies,
        });
        registerStaticRoutes(app, staticDir);
        registerAuthRoutes(app, {
          auth,
          users,
          sessions,
          securityLog,
          lockoutMs,
          userLimiter: createLoginLimiter({
            maxFailures: cfg.login_max_failures,
            windowMs,
            lockoutMs,
          }),
          ipLimiter: createLoginLimiter({
            maxFailures: cfg.login_ip_max_failures,
            windowMs,
            lockoutMs,
          }),
          absoluteSecs: cfg.session_absolute_secs,
        });
        registerDataRoutes(app, {
          auth,
          store,
          db,
          alerts,
          counters,
          silence: {
            factor: silence.factor,
            minSilenceMs: silence.min_silence_secs * 1000,
            minEvents: silence.min_events,
          },
        });
        registerReviewRoutes(app, {
          auth,
          reviews: rs,
          store,
          db,
          alerts,
          securityLog,
          graceMs: cfg.review_grace_secs * 1000,
        });
        registerDigestRoute(app, auth, digestScheduler, cfg.digest.receivers, securityLog);
      });
      const tick = () => {
        try {
          checkOverdue();
        } catch (e) {
          ctx.logger.error({ err: e }, 'review overdue check failed');
        }
        drainAuditOutbox(db, securityLog).catch((e: unknown) =>
          ctx.logger.error({ err: e }, 'CLI audit events not stored'),
        );
      };
      timer = setInterval(tick, cfg.review_check_secs * 1000);
      timer.unref();
      setImmediate(tick);
      digests = digestScheduler;
      digests.start();
    },
    async stop() {
      clearInterval(timer);
      unsubscribe?.();
      await digests?.stop();
    },
  };
}
