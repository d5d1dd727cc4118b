/**
 * Heartbeat and loss events (ARCHITECTURE §4): logwarden appends its own `heartbeat` event every
 * few seconds, so silence itself is visible in the ledger (a gap in heartbeats is a gap in
 * logging, and a replica or `verify --max-age` notices), and a `loss` event whenever anything
 * had to be refused or dropped. Losses are aggregated per (source, reason) and written at most
 * once per `lossFlushMs`, so a flood of refusals cannot itself flood the ledger; a loss that
 * could not be written is kept and retried, never forgotten.
 *
 * @example
 * const hb = createHeartbeat({ store, onAppend: () => checkpointer.notify() });
 * hb.start();
 * hb.recordLoss({ source: 'http', reason: 'body_too_large', count: 1 });
 * await hb.close();
 */
import { hostname } from 'node:os';
import { LogwardenError } from '../core/errors.js';
import { prepareEvent } from '../core/prepare.js';
import type { EventStore, PreparedEvent } from '../storage/index.js';

export interface HeartbeatOptions {
  readonly store: EventStore;
  readonly intervalMs?: number;
  readonly lossFlushMs?: number;
  readonly hostName?: string;
  readonly now?: () => number;
  /** Called after each successful append (e.g. to nudge the checkpointer). */
  readonly onAppend?: () => void;
}

export interface LossReport {
  /** Where it was refused (source name, token, file...). */
  readonly source: string;
  /** Why, as a short snake_case reason (e.g. body_too_large, backpressure, invalid_event). */
  readonly reason: string;
  readonly count?: number;
}

export interface HeartbeatStats {
  beats: number;
  lossEvents: number;
  /** Refused items reported through loss events. */
  lostItems: number;
  errors: number;
}

export interface Heartbeat {
  readonly stats: Readonly<HeartbeatStats>;
  start(): void;
  /** Append one heartbeat now. */
  beat(): Promise<void>;
  /** Count a refusal; written as a `loss` event within lossFlushMs. Never throws. */
  recordLoss(loss: LossReport): void;
  flushLosses(): Promise<void>;
  /** Stop the timers and write pending losses. Safe to call twice. */
  close(): Promise<void>;
}

interface Pending {
  source: string;
  reason: string;
  count: number;
  firstMs: number;
  lastMs: number;
}

export function createHeartbeat(opts: HeartbeatOptions): Heartbeat {
  const intervalMs = opts.intervalMs ?? 5000;
  const lossFlushMs = opts.lossFlushMs ?? 1000;
  if (!(intervalMs > 0) || !(lossFlushMs > 0)) {
    throw new LogwardenError(
      'LW_CONFIG_INVALID',
      'heartbeat: intervalMs and lossFlushMs must be positive',
    );
  }
  const now = opts.now ?? Date.now;
  const host = opts.hostName ?? hostname();
  const stats: HeartbeatStats = { beats: 0, lossEvents: 0, lostItems: 0, errors: 0 };
  let pending = new Map<string, Pending>();
  let timer: NodeJS.Timeout | undefined;
  let lossTimer: NodeJS.Timeout | undefined;
  let closed: Promise<void> | undefined;
  let beatNo = 0;

  const prepare = (input: Record<string, unknown>): PreparedEvent => {
    const r = prepareEvent(input, { source: 'logwarden', logSource: 'internal', now: now() });
    if (!r.ok)
      throw new LogwardenError(
        'LW_INTERNAL',
        `heartbeat: own event rejected: ${r.errors.map((e) => `${e.field}: ${e.reason}`).join('; ')}`,
      );
    return r.prepared;
  };

  const append = async (events: PreparedEvent[]): Promise<void> => {
    await opts.store.append(events);
    opts.onAppend?.();
  };

  const beat = async (): Promise<void> => {
    beatNo++;
    const e = prepare({
      'event.name': 'heartbeat',
      message: `logwarden heartbeat ${beatNo} from ${host}`,
      'host.name': host,
      'service.name': 'logwarden',
      attributes: { beat: beatNo, interval_secs: intervalMs / 1000 },
    });
    try {
      await append([e]);
      stats.beats++;
    } catch {
      stats.errors++; // the missing beat is itself the signal; nothing else to keep
    }
  };

  const flushLosses = async (): Promise<void> => {
    if (lossTimer !== undefined) clearTimeout(lossTimer);
    lossTimer = undefined;
    if (pending.size === 0) return;
    const batch = [...pending.values()];
    pending = new Map();
    const events = batch.map((p) =>
      prepare({
        'event.name': 'loss',
        'event.reason': p.reason,
        message: `${p.count} item(s) from ${p.source} refused: ${p.reason}`,
        'host.name': host,
        'service.name': 'logwarden',
        attributes: { source: p.source, count: p.count, first_ms: p.firstMs, last_ms: p.lastMs },
      }),
    );
    try {
      await append(events);
      stats.lossEvents += events.length;
      for (const p of batch) stats.lostItems += p.count;
    } catch {
      stats.errors++;
      for (const p of batch) merge(p); // keep them for the next try
      schedule();
    }
  };

  const schedule = (): void => {
    if (lossTimer !== undefined || closed !== undefined) return;
    lossTimer = setTimeout(() => void flushLosses(), lossFlushMs);
    lossTimer.unref();
  };

  const merge = (p: Pending): void => {
    const key = `${p.source}\u0000${p.reason}`;
    const had = pending.get(key);
    if (had === undefined) pending.set(key, { ...p });
    else {
      had.count += p.count;
      had.firstMs = Math.min(had.firstMs, p.firstMs);
      had.lastMs = Math.max(had.lastMs, p.lastMs);
    }
  };

  return {
    stats,
    start() {
      if (timer !== undefined || closed !== undefined) return;
      void beat();
      timer = setInterval(() => void beat(), intervalMs);
      timer.unref();
    },
    beat,
    recordLoss(loss) {
      const count = loss.count ?? 1;
      if (!(count > 0)) return;
      const t = now();
      merge({
        source: String(loss.source).slice(0, 256),
        reason: String(loss.reason).slice(0, 128),
        count,
        firstMs: t,
        lastMs: t,
      });
      schedule();
    },
    flushLosses,
    close() {
      closed ??= (async () => {
        if (timer !== undefined) clearInterval(timer);
        await flushLosses();
        if (lossTimer !== undefined) clearTimeout(lossTimer);
      })();
      return closed;
    },
  };
}
