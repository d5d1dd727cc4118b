/**
 * Folds repeated matches of one rule on one entity into one alert "episode": while matches keep
 * coming within `gapMs` of each other they update the same alert (same id, growing count and
 * last-seen); after a quiet gap a new episode (new id) starts. This is what keeps 10,000 matching
 * events from becoming 10,000 alerts before routing even starts. State is bounded; evictions
 * are counted.
 */
import { MAX_ALERT_EVENTS, alertId, type Alert, type AlertEventRef } from '../alerts/alert.js';

interface Episode {
  id: string;
  startMs: number;
  lastMs: number;
  count: number;
  events: AlertEventRef[];
  /** refKey of each kept event, parallel to `events`, and the same keys as a set. */
  keys: string[];
  seen: Set<string>;
  omitted: number;
}

export interface EpisodeTracker {
  /**
   * Fold `alert` (as freshly built for one match, count = what that match stands for) into its
   * episode and return the alert to store/emit, with the episode's id, count and time range.
   */
  fold(key: string, alert: Alert, gapMs: number, absoluteCount?: boolean): Alert;
  readonly size: number;
  readonly evicted: number;
}

// Keys are computed once per carried-event object: a correlation match carries its window's
// events again on every further match. Events without an id or ledger position (scan mode) are
// known by the identity of their ref object (the engine makes one per event): serializing their
// fields was 35% of `scan` on an auth.log (bench/scan.mjs, node --cpu-prof), and two identical
// lines in the same second are two attempts, not one.
const refKeys = new WeakMap<AlertEventRef, string>();
let anonymous = 0;

/** Identity of a carried event: its id, else its ledger position, else its ref object. */
function refKey(e: AlertEventRef): string {
  let k = refKeys.get(e);
  if (k === undefined) {
    k = e.id ?? (e.seq !== undefined ? `#${e.seq}` : `@${(anonymous++).toString(36)}`);
    refKeys.set(e, k);
  }
  return k;
}

export function createEpisodeTracker(maxEpisodes = 50_000): EpisodeTracker {
  // Map iteration order is insertion order: re-inserting on use makes it an LRU.
  const episodes = new Map<string, Episode>();
  let evicted = 0;
  return {
    fold(key, alert, gapMs, absoluteCount = false) {
      let ep = episodes.get(key);
      if (ep && alert.firstSeenMs - ep.lastMs > gapMs && alert.lastSeenMs - ep.lastMs > gapMs)
        ep = undefined;
      if (!ep) {
        ep = {
          id: alertId(key, alert.firstSeenMs),
          startMs: alert.firstSeenMs,
          lastMs: alert.lastSeenMs,
          count: 0,
          events: [],
          keys: [],
          seen: new Set(),
          omitted: 0,
        };
      }
      episodes.delete(key);
      episodes.set(key, ep);
      if (episodes.size > maxEpisodes) {
        const oldest = episodes.keys().next().value as string;
        episodes.delete(oldest);
        evicted++;
      }
      // A correlation reports the window's total; a plain rule match stands for its own events.
      ep.count = absoluteCount ? Math.max(ep.count, alert.count) : ep.count + alert.count;
      ep.startMs = Math.min(ep.startMs, alert.firstSeenMs);
      ep.lastMs = Math.max(ep.lastMs, alert.lastSeenMs);
      // `seen` holds the keys of the kept events only (kept in step below), so memory per
      // episode stays bounded by MAX_ALERT_EVENTS.
      for (const e of alert.events) {
        const k = refKey(e);
        if (ep.seen.has(k)) continue;
        ep.seen.add(k);
        ep.events.push(e);
        ep.keys.push(k);
      }
      if (ep.events.length > MAX_ALERT_EVENTS) {
        // Keep the first few (how it started) and the newest (what is happening now).
        const drop = ep.events.length - MAX_ALERT_EVENTS;
        ep.events.splice(5, drop);
        for (const k of ep.keys.splice(5, drop)) ep.seen.delete(k);
        ep.omitted += drop;
      }
      ep.omitted += alert.eventsOmitted;
      return {
        ...alert,
        id: ep.id,
        count: ep.count,
        firstSeenMs: ep.startMs,
        lastSeenMs: ep.lastMs,
        events: [...ep.events],
        eventsOmitted: ep.omitted,
      };
    },
    get size() {
      return episodes.size;
    },
    get evicted() {
      return evicted;
    },
  };
}
