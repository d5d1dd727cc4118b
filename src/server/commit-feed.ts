/**
 * Post-commit listeners (detection, forwarders, the ledger checkpointer): every stored event is
 * handed to every listener exactly once, in seq order, after its commit. Concurrent requests
 * commit in any order; the feed reads committed ranges back from the store so the order is the
 * store's, not the requests'.
 */
import type { Logger } from 'pino';
import type { EventStore, StoredEvent } from '../storage/types.js';

/** Synchronous on the hot path (STYLE habit 2); a listener that needs I/O queues its own work. */
export type CommitListener = (events: readonly StoredEvent[]) => void;

export interface CommitFeed {
  /** Listen from the next commit on. Returns an unsubscribe function. */
  subscribe(listener: CommitListener): () => void;
  /**
   * Be told the highest committed seq after each commit, without the events: no read-back from
   * the store (the ledger's checkpointer only needs to know that entries wait). Synchronous and
   * cheap, like a listener. Returns an unsubscribe function.
   */
  onCommitted(listener: (maxSeq: number) => void): () => void;
  /** Tell the feed that every seq <= maxSeq is committed. */
  committed(maxSeq: number): void;
  /** Next seq that will be delivered. */
  readonly position: number;
}

const CHUNK = 1000;

export function createCommitFeed(store: EventStore, logger?: Logger): CommitFeed {
  const listeners = new Set<CommitListener>();
  const watchers = new Set<(maxSeq: number) => void>();
  let next = store.size();
  let highWater = next;
  let scheduled = false;

  const deliver = (): void => {
    scheduled = false;
    while (next < highWater) {
      const to = Math.min(highWater, next + CHUNK);
      const events = listeners.size > 0 ? store.range(next, to) : [];
      next = to;
      for (const listener of listeners) {
        try {
          listener(events);
        } catch (e) {
          // One failing listener must not starve the others nor the ingest path.
          logger?.error({ err: e }, 'commit listener failed');
        }
      }
    }
  };

  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onCommitted(watcher) {
      watchers.add(watcher);
      return () => watchers.delete(watcher);
    },
    committed(maxSeq) {
      if (maxSeq + 1 <= highWater) return;
      highWater = maxSeq + 1;
      for (const w of watchers) {
        try {
          w(maxSeq);
        } catch (e) {
          logger?.error({ err: e }, 'commit watcher failed');
        }
      }
      if (listeners.size === 0) {
        next = highWater;
        return;
      }
      if (!scheduled) {
        scheduled = true;
        // Deliver after the answer is sent: listeners never add latency to an acknowledgement.
        setImmediate(deliver);
      }
    },
    get position() {
      return next;
    },
  };
}
