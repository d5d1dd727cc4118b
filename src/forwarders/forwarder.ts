/**
 * One forwarder: an independent loop over the ledger with its own persisted cursor (the ledger
 * is the outbox, ARCHITECTURE §4). It delivers signed entries [cursor, checkpoint.size) to its
 * destination, advances the cursor only after the destination acknowledged, and on failure
 * retries forever with exponential backoff and full jitter (AWS Architecture Blog, "Exponential
 * Backoff And Jitter"): a destination that is down for a day resumes where it stopped, and since
 * each forwarder has its own loop and timers, a slow one never blocks another.
 *
 * @example
 * const f = createForwarder({ name: 'replica-a', ledger, cursors, destination, batchEntries: 2000 });
 * f.start(); checkpointer.onCheckpoint(() => f.wake()); ... await f.stop();
 */
import type { StoredEvent } from '../storage/types.js';
import type { StoredCheckpoint } from '../ledger/checkpoint-log.js';
import type { Ledger } from '../ledger/ledger.js';
import type { Cursors } from './cursor.js';

export interface DeliveryBatch {
  /** First ledger index of `entries`. */
  readonly from: number;
  /** End of the batch (exclusive): the checkpoint's size. */
  readonly to: number;
  /** The stored entries [from, to), read on first use (a destination may read its own way). */
  readonly entries: readonly StoredEvent[];
  /** A signed checkpoint whose size is `from + entries.length`. */
  readonly checkpoint: StoredCheckpoint;
  /** Aborted when the forwarder stops: a hung destination never holds the shutdown. */
  readonly signal: AbortSignal;
}

export interface Destination {
  readonly kind: string;
  /** Where to start when the cursor may be stale (e.g. ask a replica what it holds). */
  resume?(cursor: number, signal: AbortSignal): Promise<number>;
  /** Deliver; resolves to the next index to send (normally from + entries.length). */
  deliver(batch: DeliveryBatch): Promise<number>;
  close?(): Promise<void>;
}

export interface ForwarderStats {
  delivered: number;
  batches: number;
  errors: number;
  lastError: string | undefined;
}

export interface Forwarder {
  readonly name: string;
  readonly stats: Readonly<ForwarderStats>;
  /** Next index to deliver. */
  cursor(): number;
  /** Lag: entries signed but not yet delivered, and how old the oldest of them is (ms). */
  lag(nowMs?: number): { entries: number; ageMs: number };
  start(): void;
  wake(): void;
  stop(): Promise<void>;
}

export interface ForwarderOptions {
  readonly name: string;
  readonly ledger: Ledger;
  readonly cursors: Cursors;
  readonly destination: Destination;
  readonly batchEntries?: number;
  readonly backoffMinMs?: number;
  readonly backoffMaxMs?: number;
  /** Idle poll, in case a wake-up was missed. */
  readonly pollMs?: number;
  readonly onError?: (e: unknown, attempt: number) => void;
  readonly random?: () => number;
}

export function createForwarder(o: ForwarderOptions): Forwarder {
  const batchEntries = o.batchEntries ?? 2000;
  const minMs = o.backoffMinMs ?? 200;
  const maxMs = o.backoffMaxMs ?? 30_000;
  const pollMs = o.pollMs ?? 1000;
  const random = o.random ?? Math.random;
  const stats: ForwarderStats = { delivered: 0, batches: 0, errors: 0, lastError: undefined };
  let next = o.cursors.get(o.name).next;
  let running = false;
  let loop: Promise<void> | undefined;
  let wakeUp: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const abort = new AbortController();

  const sleep = (ms: number): Promise<void> =>
    new Promise<void>((resolve) => {
      wakeUp = resolve;
      timer = setTimeout(resolve, ms);
    }).then(() => {
      clearTimeout(timer);
      wakeUp = undefined;
    });

  // The largest checkpoint within one batch of the cursor: fewer entries per request, still a
  // checkpoint the destination can verify them against; else the first one past the cursor.
  const pick = (from: number): StoredCheckpoint | undefined =>
    o.ledger.checkpoints.latestWithin(from, from + batchEntries) ??
    o.ledger.checkpoints.covering(from);

  const run = async (): Promise<void> => {
    let attempt = 0;
    let resumed = o.destination.resume === undefined;
    while (running) {
      try {
        if (!resumed) {
          next = await o.destination.resume!(next, abort.signal);
          await o.cursors.setAsync(o.name, next);
          resumed = true;
        }
        const cp = next < o.ledger.treeSize() ? pick(next) : undefined;
        if (cp === undefined) {
          attempt = 0;
          await sleep(pollMs);
          continue;
        }
        const from = next;
        let entries: readonly StoredEvent[] | undefined;
        const after = await o.destination.deliver({
          from,
          to: cp.size,
          get entries() {
            entries ??= o.ledger.entries(from, cp.size);
            return entries;
          },
          checkpoint: cp,
          signal: abort.signal,
        });
        if (after > next) {
          stats.delivered += after - next;
          stats.batches++;
        }
        next = after;
        await o.cursors.setAsync(o.name, next);
        attempt = 0;
      } catch (e) {
        stats.errors++;
        stats.lastError = (e as Error).message;
        o.onError?.(e, attempt);
        const cap = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
        attempt++;
        resumed = o.destination.resume === undefined; // re-ask where to start after a failure
        if (running) await sleep(minMs + random() * (cap - minMs));
      }
    }
  };

  return {
    name: o.name,
    stats,
    cursor: () => next,
    lag(nowMs = Date.now()) {
      const signed = o.ledger.treeSize();
      if (next >= signed) return { entries: 0, ageMs: 0 };
      const cp = o.ledger.checkpoints.covering(next);
      return {
        entries: signed - next,
        ageMs: cp === undefined ? 0 : Math.max(0, nowMs - cp.timeMs),
      };
    },
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    wake() {
      wakeUp?.();
    },
    async stop() {
      running = false;
      abort.abort();
      wakeUp?.();
      await loop;
      await o.destination.close?.();
    },
  };
}
