/**
 * Per-receiver delivery workers over the outbox. Each receiver has its own queue and at most one
 * send in flight, so a receiver that is down or slow never delays another. Failures back off
 * exponentially with jitter ("equal jitter": half fixed, half random, so peers recovering from an
 * outage are not hit in lockstep) and honour Retry-After. After `failingAfter` attempts on one
 * message the receiver is reported failing (once per outage) and reported recovered on success.
 */
import { isLogwardenError } from '../../core/errors.js';
import type { Receiver } from '../receivers/index.js';
import type { Outbox, OutboxRow } from './outbox.js';

export interface WorkerOptions {
  readonly outbox: Outbox;
  readonly receivers: ReadonlyMap<string, Receiver>;
  readonly now: () => number;
  readonly dashboardUrl: string;
  readonly baseBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly failingAfter: number;
  readonly maxAgeMs: number;
  readonly random?: () => number;
  readonly onFailing?: (receiver: string, row: OutboxRow, error: string) => void;
  readonly onRecovered?: (receiver: string) => void;
  readonly onResult?: (receiver: string, ok: boolean, error?: string) => void;
}

export interface DeliveryWorkers {
  /** Start a send on every idle receiver whose head message is due. */
  pump(): void;
  /** Resolves when no send is in flight (tests drive time, then wait for this). */
  idle(): Promise<void>;
  /** The earliest time a pending message becomes due (for the scheduler). */
  nextDueMs(): number | undefined;
  close(): Promise<void>;
}

export function backoffMs(
  attempts: number,
  baseMs: number,
  maxMs: number,
  random: () => number,
): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exp / 2 + (random() * exp) / 2);
}

export function createDeliveryWorkers(o: WorkerOptions): DeliveryWorkers {
  const busy = new Map<string, Promise<void>>();
  const failing = new Set<string>();
  const random = o.random ?? Math.random;
  let closed = false;

  const sendOne = async (r: Receiver, row: OutboxRow): Promise<void> => {
    let error: string | undefined;
    let retryAfterMs: number | undefined;
    try {
      await r.send(row.message, {
        deliveryId: `lw-${row.id}`,
        nowMs: o.now(),
        dashboardUrl: o.dashboardUrl,
      });
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
      if (isLogwardenError(e) && typeof e.details?.retryAfterMs === 'number')
        retryAfterMs = e.details.retryAfterMs;
    }
    const now = o.now();
    if (error === undefined) {
      o.outbox.delivered(row.id, now);
      o.onResult?.(r.name, true);
      if (failing.delete(r.name)) o.onRecovered?.(r.name);
      return;
    }
    const attempts = row.attempts + 1;
    const giveUp = now - row.createdMs >= o.maxAgeMs;
    const wait = retryAfterMs ?? backoffMs(attempts, o.baseBackoffMs, o.maxBackoffMs, random);
    o.outbox.failed(row.id, now, error, now + wait, giveUp);
    o.onResult?.(r.name, false, error);
    if ((attempts >= o.failingAfter || giveUp) && !failing.has(r.name)) {
      failing.add(r.name);
      o.onFailing?.(r.name, row, error);
    }
  };

  const run = (r: Receiver): void => {
    if (closed || busy.has(r.name)) return;
    const row = o.outbox.nextDue(r.name, o.now());
    if (!row) return;
    const p = sendOne(r, row)
      .catch(() => {}) // sendOne records every outcome; a store error here is retried next pump
      .finally(() => {
        busy.delete(r.name);
        run(r); // drain this receiver's queue while messages are due
      });
    busy.set(r.name, p);
  };

  return {
    pump() {
      for (const r of o.receivers.values()) run(r);
    },
    async idle() {
      while (busy.size > 0) await Promise.all([...busy.values()]);
    },
    nextDueMs() {
      let min: number | undefined;
      for (const name of o.receivers.keys()) {
        const t = o.outbox.nextAttemptMs(name);
        if (t !== undefined && (min === undefined || t < min)) min = t;
      }
      return min;
    },
    async close() {
      closed = true;
      while (busy.size > 0) await Promise.all([...busy.values()]);
      await Promise.all([...o.receivers.values()].map((r) => r.close().catch(() => {})));
    },
  };
}
