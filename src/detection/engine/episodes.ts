/**
 * Folds repeated matches of one rule on one entity into one alert "episode": while matches keep
 * coming within `gapMs` of each other they update the same alert (same id, growing count and
 * last-seen); after a quiet gap a new episode (new id) starts. This is what keeps 10,000 matching
 * events from becoming 10,000 alerts before routing even starts. State is bounded; evictions
 * are counted.
 *
 * An episode is mutable and holds what its alert is built from (the latest match's description,
 * see {@link AlertSource}); the Alert object itself is built only when someone asks for it
 * (`materialize`), not per match: a brute-forced auth.log has ~0.7 correlation matches per line,
 * and building an alert per match was most of `scan`'s time and garbage (bench/scan.mjs).
 */
import { MAX_ALERT_EVENTS, alertId, type Alert, type AlertEventRef } from '../alerts/alert.js';
import { RecencyList } from '../recency-list.js';

/**
 * One triggering event as an episode keeps it: an identity for de-duplication and its alert
 * ref, built on demand (most events never end up in an alert that anyone reads).
 */
export interface Carried {
  /** Event id, else `#seq`, else a number unique to this carried event. */
  readonly key: string | number;
  ref(): AlertEventRef;
  /** Fields of the event an alert is built from (entity, service, environment, host). */
  fields(): Readonly<Record<string, unknown>>;
  /** fields()['client.address'], without building fields() (most alerts' entity). */
  address(): unknown;
}

let anonymous = 0;

/** A unique identity for a carried event without id or position (two lines, two attempts). */
export function anonymousKey(): number {
  return anonymous++;
}

/** An event object (or a correlation match feeding another correlation) as carried. */
export class ObjectCarried implements Carried {
  readonly key: string | number;
  #ref: AlertEventRef | undefined;
  constructor(
    private readonly event: Readonly<Record<string, unknown>>,
    private readonly seq: number | undefined,
    refOf: (e: Readonly<Record<string, unknown>>, seq?: number) => AlertEventRef,
  ) {
    this.key =
      typeof event.id === 'string' ? event.id : seq !== undefined ? `#${seq}` : anonymousKey();
    this.#make = refOf;
  }
  #make: (e: Readonly<Record<string, unknown>>, seq?: number) => AlertEventRef;
  ref(): AlertEventRef {
    return (this.#ref ??= this.#make(this.event, this.seq));
  }
  fields(): Readonly<Record<string, unknown>> {
    return this.event;
  }
  address(): unknown {
    return this.event['client.address'];
  }
}

/** A ready-made ref (pattern alerts carry their findings in it). */
export class RefCarried implements Carried {
  readonly key: string | number;
  constructor(private readonly r: AlertEventRef) {
    this.key = r.id ?? (r.seq !== undefined ? `#${r.seq}` : anonymousKey());
  }
  ref(): AlertEventRef {
    return this.r;
  }
  fields(): Readonly<Record<string, unknown>> {
    return this.r.fields;
  }
  address(): unknown {
    return this.r.fields['client.address'];
  }
}

/** What an episode's alert is built from: the latest match that folded into it. */
export type AlertSource =
  | {
      /** A ready alert (patterns, silence, anomalies): its events are carried separately. */
      readonly kind: 'alert';
      readonly alert: Alert;
    }
  | {
      /** A Sigma rule or correlation match: built by the engine's `build`. */
      readonly kind: 'sigma';
      readonly build: (ep: Episode) => Alert;
    };

export interface Episode {
  readonly id: string;
  readonly key: string;
  startMs: number;
  lastMs: number;
  count: number;
  /** Kept triggering events (the first five and the newest), at most MAX_ALERT_EVENTS. */
  readonly events: Carried[];
  /** Their keys, in step. */
  readonly keys: Array<string | number>;
  omitted: number;
  source: AlertSource;
  /** Data of the latest Sigma match (entity, group key, first contributing event...). */
  data: unknown;
  /** Order of the latest fold among all folds (which of two episodes with one id is newer). */
  foldSeq: number;
  /** Still the tracker's episode for its key (false once a new episode took the key, or evicted). */
  live: boolean;
  /** Largest numeric key among `keys` (a larger one cannot be a duplicate). */
  maxNumKey: number;
  /** Owned by the engine: already in its list of episodes changed since the last take. */
  touched: boolean;
  /** Neighbours in the tracker's least-recently-folded list. */
  prev: Episode | undefined;
  next: Episode | undefined;
}

export interface EpisodeTracker {
  /**
   * Fold one match (first/last seen, the count it stands for, its carried events) into its
   * episode and return the episode. `absoluteCount`: a correlation reports its window's total;
   * a plain rule match adds its own count.
   */
  fold(
    key: string,
    firstSeenMs: number,
    lastSeenMs: number,
    count: number,
    events: readonly Carried[],
    eventsOmitted: number,
    gapMs: number,
    absoluteCount: boolean,
  ): Episode;
  /**
   * fold() into `ep` (which must be live, i.e. what fold(ep.key, ...) would find), without
   * looking its key up: a quiet gap still starts a new episode, which is returned. The events
   * are the first `nEvents` of `events`.
   */
  refold(
    ep: Episode,
    firstSeenMs: number,
    lastSeenMs: number,
    count: number,
    events: readonly Carried[],
    nEvents: number,
    eventsOmitted: number,
    gapMs: number,
    absoluteCount: boolean,
  ): Episode;
  readonly size: number;
  readonly evicted: number;
}

/** The alert of an episode as it stands. */
export function materialize(ep: Episode): Alert {
  if (ep.source.kind === 'sigma') return ep.source.build(ep);
  return {
    ...ep.source.alert,
    id: ep.id,
    count: ep.count,
    firstSeenMs: ep.startMs,
    lastSeenMs: ep.lastMs,
    events: ep.events.map((e) => e.ref()),
    eventsOmitted: ep.omitted,
  };
}

const NO_SOURCE: AlertSource = { kind: 'sigma', build: () => ({}) as Alert };
let foldCounter = 0;

export function createEpisodeTracker(maxEpisodes = 50_000): EpisodeTracker {
  const episodes = new Map<string, Episode>();
  const order = new RecencyList<Episode>(); // least recently folded first
  let evicted = 0;
  const foldInto = (
    found: Episode | undefined,
    key: string,
    firstSeenMs: number,
    lastSeenMs: number,
    count: number,
    events: readonly Carried[],
    nEvents: number,
    eventsOmitted: number,
    gapMs: number,
    absoluteCount: boolean,
  ): Episode => {
    let ep = found;
    if (ep && firstSeenMs - ep.lastMs > gapMs && lastSeenMs - ep.lastMs > gapMs) {
      order.unlink(ep); // a new episode takes its key
      ep.live = false;
      ep = undefined;
    }
    if (!ep) {
      ep = {
        id: alertId(key, firstSeenMs),
        key,
        startMs: firstSeenMs,
        lastMs: lastSeenMs,
        count: 0,
        events: [],
        keys: [],
        omitted: 0,
        source: NO_SOURCE,
        data: undefined,
        foldSeq: 0,
        live: true,
        maxNumKey: -1,
        touched: false,
        prev: undefined,
        next: undefined,
      };
      const grew = found === undefined;
      episodes.set(key, ep);
      order.append(ep);
      const oldest = order.head;
      if (grew && episodes.size > maxEpisodes && oldest !== undefined) {
        episodes.delete(oldest.key);
        order.unlink(oldest);
        oldest.live = false;
        evicted++;
      }
    } else {
      order.touch(ep);
    }
    ep.foldSeq = foldCounter++;
    ep.count = absoluteCount ? Math.max(ep.count, count) : ep.count + count;
    if (firstSeenMs < ep.startMs) ep.startMs = firstSeenMs;
    if (lastSeenMs > ep.lastMs) ep.lastMs = lastSeenMs;
    // An event already kept is not kept twice (the kept events are few: scanning their keys,
    // kept in step in a flat array, beats a Set). Numeric keys (scan's lines) are handed out
    // in increasing order, so one above every kept numeric key needs no scan.
    const kept = ep.events;
    const keys = ep.keys;
    for (let i = 0; i < nEvents; i++) {
      const e = events[i]!;
      const k = e.key;
      if (typeof k === 'number' && k > ep.maxNumKey) ep.maxNumKey = k;
      else if (keys.includes(k)) continue;
      kept.push(e);
      keys.push(k);
    }
    if (kept.length > MAX_ALERT_EVENTS) {
      // Keep the first few (how it started) and the newest (what is happening now).
      const drop = kept.length - MAX_ALERT_EVENTS;
      for (let i = 5; i < MAX_ALERT_EVENTS; i++) {
        kept[i] = kept[i + drop]!;
        keys[i] = keys[i + drop]!;
      }
      // pop(), not `.length =` (a runtime call in V8).
      for (let i = 0; i < drop; i++) {
        kept.pop();
        keys.pop();
      }
      ep.omitted += drop;
    }
    ep.omitted += eventsOmitted;
    return ep;
  };
  return {
    fold(key, firstSeenMs, lastSeenMs, count, events, eventsOmitted, gapMs, absoluteCount) {
      return foldInto(
        episodes.get(key),
        key,
        firstSeenMs,
        lastSeenMs,
        count,
        events,
        events.length,
        eventsOmitted,
        gapMs,
        absoluteCount,
      );
    },
    refold(ep, ...rest) {
      return foldInto(ep, ep.key, ...rest);
    },
    get size() {
      return episodes.size;
    },
    get evicted() {
      return evicted;
    },
  };
}
