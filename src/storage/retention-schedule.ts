/**
 * Retention in the background: prune on a timer, never two runs at once, errors reported (not
 * thrown into the timer) and counted. Backend-agnostic: works on any EventStore.
 *
 * @example
 * const retention = scheduleRetention(store, DEFAULT_RETENTION, { everyMs: 3_600_000, onError: (e) => log.error(e) });
 * // on shutdown, before store.close():
 * await retention.stop();
 */
import type { EventStore, RetentionPolicy } from './types.js';

export interface RetentionScheduleOptions {
  /** Interval between runs; the first run starts after `firstDelayMs`. Default one hour. */
  readonly everyMs?: number;
  /** Default 10 s, so start-up is not slowed by a large first prune. */
  readonly firstDelayMs?: number;
  /** Clock for the cut-offs. */
  readonly now?: () => number;
  readonly onError?: (e: unknown) => void;
  readonly onPruned?: (count: number) => void;
}

export interface RetentionSchedule {
  /** Run once now (waits for a run in progress first); resolves to the pruned count. */
  runNow(): Promise<number>;
  /** Stop the timer and wait for a run in progress. Safe twice. */
  stop(): Promise<void>;
  /** runs: completed runs; pruned: events pruned in total; errors: failed runs. */
  stats(): { runs: number; pruned: number; errors: number };
}

export function scheduleRetention(
  store: EventStore,
  policy: RetentionPolicy,
  options: RetentionScheduleOptions = {},
): RetentionSchedule {
  const everyMs = options.everyMs ?? 3_600_000;
  const now = options.now ?? Date.now;
  const counts = { runs: 0, pruned: 0, errors: 0 };
  let running: Promise<number> | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const once = (): Promise<number> => {
    running ??= store
      .prune(policy, now())
      .then(
        (n) => {
          counts.runs++;
          counts.pruned += n;
          options.onPruned?.(n);
          return n;
        },
        (e: unknown) => {
          counts.errors++;
          options.onError?.(e);
          return 0;
        },
      )
      .finally(() => {
        running = undefined;
      });
    return running;
  };

  const arm = (delay: number): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      void once().then(() => arm(everyMs));
    }, delay);
    timer.unref();
  };
  arm(options.firstDelayMs ?? 10_000);

  return {
    runNow: async () => {
      if (running !== undefined) await running;
      return once();
    },
    stop: async () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      if (running !== undefined) await running;
    },
    stats: () => ({ ...counts }),
  };
}
