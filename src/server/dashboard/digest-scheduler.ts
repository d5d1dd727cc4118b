/**
 * Sends the daily review digest and the weekly summary to the configured alert receivers
 * (dashboard.digest). Delivery goes through the alerting component's `deliver(receiver, message)`
 * (retries, backoff, delivery log); when alerting is not running the digest is not lost silently:
 * it is counted and logged as undelivered.
 */
import type { FastifyInstance } from 'fastify';
import type { NotificationMessage } from '../../alerting/message.js';
import { LogwardenError } from '../../core/errors.js';
import {
  buildDigest,
  gatherDigest,
  nextDigestTime,
  type DigestPeriod,
} from '../../review/digest.js';
import type { ReviewStore } from '../../review/review-store.js';
import type { RuntimeContext } from '../runtime.js';
import { sqliteOf } from '../components/detection.js';
import type { DashboardAuth } from './dashboard-auth.js';
import type { SecurityLog } from './security-log.js';
import { clientAddress } from '../client-address.js';

export type Deliver = (receiver: string, message: NotificationMessage) => Promise<unknown>;

export interface DigestScheduler {
  start(): void;
  /** Build and send one digest now (also what the timer calls). Resolves to receivers reached. */
  sendNow(period: DigestPeriod, nowMs?: number, receivers?: readonly string[]): Promise<number>;
  /** Whether alert receivers are running (the alerting component is started). */
  available(): boolean;
  stop(): Promise<void>;
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

export function createDigestScheduler(ctx: RuntimeContext, reviews: ReviewStore): DigestScheduler {
  const cfg = ctx.config.dashboard.digest;
  const timers = new Set<NodeJS.Timeout>();
  let inflight: Promise<unknown> = Promise.resolve();
  let stopped = false;
  // The alerting component publishes itself as services.alerting (src/server/components/alerting.ts);
  // its deliver() queues the message in the durable outbox and returns at once.
  const deliverFn = (): Deliver | undefined => {
    const a = (
      ctx.services as { alerting?: { deliver(r: string, m: NotificationMessage): unknown } }
    ).alerting;
    return a ? async (r, m) => a.deliver(r, m) : undefined;
  };

  const sendNow = async (
    period: DigestPeriod,
    nowMs = Date.now(),
    receivers: readonly string[] = cfg.receivers,
  ): Promise<number> => {
    const silence = ctx.config.detection.silence;
    const facts = gatherDigest({
      db: sqliteOf(ctx.store).db,
      store: ctx.store,
      alerts: ctx.services.alerts,
      reviews,
      period,
      nowMs,
      graceMs: ctx.config.dashboard.review_grace_secs * 1000,
      silence: {
        factor: silence.factor,
        minSilenceMs: silence.min_silence_secs * 1000,
        minEvents: silence.min_events,
      },
    });
    // Alert links are <dashboard_url>/alerts/<id>; the dashboard redirects those to its page.
    const base = (ctx.config as { alerting?: { dashboard_url?: string } }).alerting?.dashboard_url;
    const message = buildDigest(facts, base ?? 'http://127.0.0.1:8080');
    const deliver = deliverFn();
    if (!deliver) {
      ctx.logger.warn(
        { period, receivers },
        'review digest not sent: alert receivers are not running',
      );
      return 0;
    }
    let reached = 0;
    for (const r of receivers) {
      try {
        await deliver(r, message);
        reached++;
      } catch (e) {
        ctx.logger.error({ err: e, receiver: r, period }, 'review digest delivery failed');
      }
    }
    return reached;
  };

  const schedule = (period: DigestPeriod): void => {
    if (stopped) return;
    const at = cfg.daily_at ?? '08:00';
    const weekday = period === 'weekly' ? WEEKDAYS.indexOf(cfg.weekly_on ?? 'monday') : undefined;
    const next = nextDigestTime(Date.now(), at, weekday);
    // setTimeout takes at most 2^31-1 ms (~24.8 days); a week fits.
    const t = setTimeout(() => {
      timers.delete(t);
      inflight = sendNow(period).catch((e: unknown) =>
        ctx.logger.error({ err: e, period }, 'review digest failed'),
      );
      schedule(period);
    }, next - Date.now());
    t.unref();
    timers.add(t);
  };

  return {
    start() {
      if (cfg.receivers.length === 0) return;
      if (cfg.daily_at) schedule('daily');
      if (cfg.weekly_on) schedule('weekly');
    },
    sendNow,
    available: () => deliverFn() !== undefined,
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await inflight;
    },
  };
}

/**
 * POST /ui/api/digests/send `{ period: daily|weekly, receivers?: [...] }` (admin): send a digest
 * now, e.g. to check a receiver before relying on the schedule.
 */
export function registerDigestRoute(
  app: FastifyInstance,
  auth: DashboardAuth,
  digests: DigestScheduler,
  configured: readonly string[],
  securityLog: SecurityLog,
): void {
  app.post('/ui/api/digests/send', async (request) => {
    const p = auth.require(request, 'admin');
    const b = (request.body ?? {}) as { period?: unknown; receivers?: unknown };
    const period = b.period ?? 'daily';
    if (period !== 'daily' && period !== 'weekly')
      throw new LogwardenError('LW_USAGE', 'period: expected daily or weekly');
    const receivers = b.receivers ?? configured;
    if (
      !Array.isArray(receivers) ||
      receivers.length === 0 ||
      receivers.length > 20 ||
      !receivers.every((r) => typeof r === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(r))
    )
      throw new LogwardenError(
        'LW_USAGE',
        'receivers: name 1-20 alert receivers (or set dashboard.digest.receivers)',
      );
    if (!digests.available())
      throw new LogwardenError(
        'LW_UNAVAILABLE',
        'alert receivers are not running (alerting.enabled is false?)',
      );
    const reached = await digests.sendNow(period, Date.now(), receivers as string[]);
    await securityLog.log({
      'event.name': 'authz_admin',
      'user.id': p.name,
      'event.action': 'digest_send',
      'client.address': clientAddress(request),
      message: `${p.actor} sent the ${period} review digest to ${receivers.join(', ')}`,
    });
    return { period, receivers, queued: reached };
  });
}
