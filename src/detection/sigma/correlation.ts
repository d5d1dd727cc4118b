/**
 * Correlation rules on event time (Sigma correlation rules specification): event_count,
 * value_count, value_sum, value_avg, value_percentile, temporal and temporal_ordered, per
 * group-by key (with aliases), over `timespan`.
 *
 * Decision timing: a condition with only lower bounds (gt, gte) is decided when an event
 * arrives, on a sliding window [t - timespan, t]; after it fires the group starts afresh, so a
 * run of 1,000 failures is one alert, not 990. A condition with an upper bound (lt, lte, eq,
 * range) can only be decided once no more events can enter the window, so those groups use a
 * window opened by their first event and closed by advanceTo() (the watermark); value_percentile
 * (how rare a value is within its group) is always decided at close.
 *
 * Memory is bounded: at most `maxGroups` keys per correlation (least recently updated evicted),
 * `maxEventsPerGroup` window entries per key (oldest evicted), `maxEventsPerMatch` contributing
 * events kept for the alert; every eviction is counted. No wall clock: replaying the same
 * events gives the same state and matches.
 *
 * A group that fired (or whose window closed) is emptied and kept aside, "dormant", instead of
 * being dropped: it counts for nothing (not in `maxGroups`, never evicted or closed, exactly as
 * if it were gone), but when its key comes back it is reused as a fresh group, with the same
 * key object and the `slot` its match handler left on it (the alert episode it folds into).
 * A brute-forced auth.log restarts a group after about every second input; dropping and
 * rebuilding them was most of this file's garbage (bench/scan.mjs --parts). Dormant groups are
 * bounded too: dropped once their timespan has passed, and at most `maxGroups` of them.
 *
 * @example
 * const c = createCorrelator(corr, limits);
 * c.add({ ref: 'failed_login', timeMs, read: (f) => event[f], event }); // SigmaMatch[]
 */
import { CorrelationWindow, holds } from './correlation-window.js';
import { stringForm } from './event-view.js';
import type { FieldAccessor } from './event-view.js';
import type { SigmaCorrelation, SigmaMatch } from './types.js';
import { RecencyList } from '../recency-list.js';

export interface CorrelationLimits {
  readonly maxGroups: number;
  readonly maxEventsPerGroup: number;
  readonly maxEventsPerMatch: number;
}

export const DEFAULT_CORRELATION_LIMITS: CorrelationLimits = {
  maxGroups: 50_000,
  maxEventsPerGroup: 10_000,
  maxEventsPerMatch: 20,
};

export interface CorrelationInput {
  /** The reference (id or name, as written in `correlation.rules`) this input matched. */
  readonly ref: string;
  readonly timeMs: number;
  readonly read: FieldAccessor;
  readonly event: unknown;
}

export interface CorrelatorStats {
  groups: number;
  groupsEvicted: number;
  entriesEvicted: number;
  /** Inputs without a value for a group-by field (they cannot be attributed to a group). */
  noGroupKey: number;
  /** Inputs for a value_* correlation whose field is missing or not a number. */
  noValue: number;
  matches: number;
}

/** A group as a match handler sees it: the same object for as long as the group is kept. */
export interface CorrelationGroup {
  /** Group-by values (aliases applied); never changed. */
  readonly key: Readonly<Record<string, unknown>>;
  /** The handler's own per-group data (e.g. the alert episode the group's matches fold into). */
  slot: unknown;
}

/**
 * One correlation match as the handler receives it. The object is reused from match to match:
 * read it during the call only.
 */
export interface CorrelationFire {
  group: CorrelationGroup;
  timeMs: number;
  value: number;
  count: number;
  firstMs: number;
  lastMs: number;
  /**
   * Contributing events, oldest first: the first `eventCount` elements of `events`, an array
   * the group reuses once the call returns (keep elements, never the array).
   */
  events: readonly unknown[];
  eventCount: number;
  eventsDropped: number;
  /** value_percentile: the rare value, as `{ [field]: value }`. */
  extra: Readonly<Record<string, unknown>> | undefined;
}

/** Receives matches as they happen. */
export type CorrelationHandler = (fire: CorrelationFire) => void;

export interface Correlator {
  add(input: CorrelationInput): SigmaMatch[];
  /**
   * The same as add() with the fields already read: `values` holds, in the order of
   * inputFields(ref), the string form of each field (first element of an array). Lets the
   * reading happen elsewhere (a worker thread of `scan`) with identical results.
   */
  addValues(
    ref: string,
    timeMs: number,
    values: readonly (string | undefined)[],
    event: unknown,
  ): SigmaMatch[];
  /**
   * addValues() without result arrays: the values are read from `values[at...]` and each match
   * goes to `onMatch` as it happens (the path of the detection engine).
   */
  feed(
    ref: string,
    timeMs: number,
    values: readonly unknown[],
    at: number,
    event: unknown,
    onMatch: CorrelationHandler,
  ): void;
  /** The fields an input for `ref` is read for: the group-by fields (aliases applied), then the value field. */
  inputFields(ref: string): readonly string[];
  advanceTo(timeMs: number): SigmaMatch[];
  /** advanceTo() with matches to `onMatch`. */
  advance(timeMs: number, onMatch: CorrelationHandler): void;
  readonly stats: CorrelatorStats;
}

/** What add() reads from an input: the string form of each of `fields`. */
export function readInputValues(
  fields: readonly string[],
  read: FieldAccessor,
): (string | undefined)[] {
  const out = new Array<string | undefined>(fields.length);
  for (let i = 0; i < fields.length; i++) out[i] = stringForm(firstOf(read(fields[i]!)));
  return out;
}

/** The SigmaMatch of a correlation match (what add(), addValues() and advanceTo() return). */
export function correlationMatch(c: SigmaCorrelation, f: CorrelationFire): SigmaMatch {
  const key = f.group.key;
  return {
    ruleId: c.id,
    ruleName: c.name,
    title: c.title,
    level: c.level,
    tags: c.tags,
    kind: 'correlation',
    timeMs: f.timeMs,
    fields: f.extra === undefined ? key : { ...key, ...f.extra },
    groupKey: key,
    count: f.count,
    value: f.value,
    firstMs: f.firstMs,
    lastMs: f.lastMs,
    events: f.events.slice(0, f.eventCount),
    ...(f.eventsDropped > 0 ? { eventsDropped: f.eventsDropped } : {}),
  };
}

interface Group extends CorrelationGroup {
  /** Internal key in `groups`. */
  readonly k: string;
  /** Neighbours in the live list (least recently updated first) or in the dormant list. */
  prev: Group | undefined;
  next: Group | undefined;
  /** In the live list and counted; false: dormant (see the file comment). */
  live: boolean;
  readonly entries: CorrelationWindow;
  /** temporal: last time each rule index was seen; temporal_ordered: chain start per step. */
  steps: number[];
  /** The newest contributing events: `recent[0, recentLen)` (the array is reused). */
  readonly recent: unknown[];
  recentLen: number;
  recentDropped: number;
  windowStart: number;
  lastT: number;
}

interface Closing {
  readonly end: number;
  readonly key: string;
  readonly start: number;
}

export function createCorrelator(
  c: SigmaCorrelation,
  limits: CorrelationLimits = DEFAULT_CORRELATION_LIMITS,
): Correlator {
  const groups = new Map<string, Group>();
  let live = 0;
  let dormantCount = 0;
  const stats: CorrelatorStats = {
    groups: 0,
    groupsEvicted: 0,
    entriesEvicted: 0,
    noGroupKey: 0,
    noValue: 0,
    matches: 0,
  };
  const cond = c.condition;
  const atClose =
    c.type === 'value_percentile' ||
    (cond !== undefined &&
      (cond.lt !== undefined || cond.lte !== undefined || cond.eq !== undefined));
  const valueField = cond?.field;
  const numeric = c.type === 'value_sum' || c.type === 'value_avg';
  const temporal = c.type === 'temporal' || c.type === 'temporal_ordered';
  const closing: Closing[] = [];

  const nGroup = c.groupBy.length;
  const fieldsOf = new Map<string, readonly string[]>();
  const inputFields = (ref: string): readonly string[] => {
    let f = fieldsOf.get(ref);
    if (f === undefined) {
      f = [
        ...c.groupBy.map((g) => c.aliases[g]?.[ref] ?? g),
        ...(valueField !== undefined ? [valueField] : []),
      ];
      fieldsOf.set(ref, f);
    }
    return f;
  };

  // The match being reported (one object, refilled per match).
  const fire: CorrelationFire = {
    group: { key: {}, slot: undefined },
    timeMs: 0,
    value: 0,
    count: 0,
    firstMs: 0,
    lastMs: 0,
    events: NO_EVENTS,
    eventCount: 0,
    eventsDropped: 0,
    extra: undefined,
  };
  /** Report a match of `g`. */
  const emit = (
    g: Group,
    timeMs: number,
    value: number,
    count: number,
    onMatch: CorrelationHandler,
    extra?: Record<string, unknown>,
  ): void => {
    stats.matches++;
    let first = g.entries.firstTime;
    if (first === undefined) {
      // temporal: the earliest step time seen (steps is sparse; holes are skipped)
      let min = Infinity;
      for (const x of g.steps) if (x !== undefined && x < min) min = x;
      first = min === Infinity ? g.windowStart : min;
    }
    fire.group = g;
    fire.timeMs = timeMs;
    fire.value = value;
    fire.count = count;
    fire.firstMs = first;
    fire.lastMs = g.lastT;
    fire.events = g.recent;
    fire.eventCount = g.recentLen;
    fire.eventsDropped = g.recentDropped;
    fire.extra = extra;
    onMatch(fire);
    fire.events = NO_EVENTS; // nothing of the group stays reachable from here
    fire.extra = undefined;
  };

  const order = new RecencyList<Group>(); // live groups, oldest update first
  const dormant = new RecencyList<Group>(); // oldest first
  /** Out of the live list: dropped altogether. */
  const drop = (g: Group): void => {
    groups.delete(g.k);
    order.unlink(g);
    g.live = false;
    live--;
  };
  /** Out of the live list, emptied and kept for reuse (see the file comment). */
  const retire = (g: Group): void => {
    order.unlink(g);
    g.live = false;
    live--;
    g.entries.clear();
    // A new array rather than `.length = 0` (a runtime call in V8, slower than a small array).
    if (temporal) g.steps = [];
    const recent = g.recent;
    for (let i = 0; i < g.recentLen; i++) recent[i] = undefined;
    g.recentLen = 0;
    g.recentDropped = 0;
    dormant.append(g);
    dormantCount++;
    if (dormantCount > limits.maxGroups) forget(dormant.head!);
  };
  const forget = (g: Group): void => {
    dormant.unlink(g);
    dormantCount--;
    groups.delete(g.k);
  };

  /** The live group of key `k` at time `t` (made, or revived from dormant, as needed). */
  const touch = (k: string, values: readonly unknown[], at: number, t: number): Group => {
    let g = groups.get(k);
    if (g !== undefined && g.live) {
      order.touch(g);
      if (t > g.lastT) g.lastT = t;
      return g;
    }
    const made = g === undefined;
    if (g === undefined) {
      const key: Record<string, unknown> = {};
      for (let i = 0; i < nGroup; i++) key[c.groupBy[i]!] = values[at + i];
      g = {
        k,
        key,
        slot: undefined,
        prev: undefined,
        next: undefined,
        live: true,
        entries: new CorrelationWindow(),
        steps: [],
        recent: [],
        recentLen: 0,
        recentDropped: 0,
        windowStart: t,
        lastT: t,
      };
    } else {
      // Dormant: back to live (it stays in the map).
      dormant.unlink(g);
      dormantCount--;
      g.live = true;
      g.windowStart = t;
      g.lastT = t;
    }
    if (atClose) insertClosing(closing, { end: t + c.timespanMs, key: k, start: t });
    if (live >= limits.maxGroups && order.head !== undefined) {
      drop(order.head);
      stats.groupsEvicted++;
    }
    if (made) groups.set(k, g);
    order.append(g);
    live++;
    return g;
  };

  const feed: Correlator['feed'] = (ref, t, values, at, event, onMatch) => {
    for (let i = 0; i < nGroup; i++) {
      if (values[at + i] === undefined) {
        stats.noGroupKey++;
        return;
      }
    }
    // Internal key of the group: the value itself for one group-by field.
    const k =
      nGroup === 1
        ? (values[at] as string)
        : JSON.stringify(values.slice(at, at + nGroup) as unknown[]);
    let v: string | number | undefined;
    if (valueField !== undefined) {
      const raw = values[at + nGroup] as string | undefined;
      if (numeric) {
        const n = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
        if (!Number.isFinite(n)) {
          stats.noValue++;
          return;
        }
        v = n;
      } else {
        if (raw === undefined) {
          stats.noValue++;
          return;
        }
        v = raw;
      }
    }
    const g = touch(k, values, at, t);
    const recent = g.recent;
    const max = limits.maxEventsPerMatch;
    if (g.recentLen < max) recent[g.recentLen++] = event;
    else {
      // Full: the oldest goes.
      if (max > 0) {
        for (let i = 1; i < max; i++) recent[i - 1] = recent[i];
        recent[max - 1] = event;
      }
      g.recentDropped++;
    }
    if (temporal) {
      addTemporal(g, ref, t, onMatch);
      return;
    }
    const w = g.entries;
    w.push(t, v);
    if (w.size > limits.maxEventsPerGroup) {
      w.shift();
      stats.entriesEvicted++;
    }
    if (atClose) return;
    // Sliding window on event time (entries arrive roughly in order; see pruneBefore).
    w.pruneBefore(t - c.timespanMs);
    const n = w.size;
    const value = measure(w);
    if (!holds(cond!, value)) return;
    emit(g, t, value, n, onMatch);
    retire(g);
  };

  const measure = (w: CorrelationWindow): number => {
    switch (c.type) {
      case 'value_count':
        return w.distinct;
      case 'value_sum':
        return w.sum;
      case 'value_avg':
        return w.size === 0 ? 0 : w.sum / w.size;
      default:
        return w.size;
    }
  };

  const addTemporal = (g: Group, ref: string, t: number, onMatch: CorrelationHandler): void => {
    const n = c.rules.length;
    const steps = g.steps;
    if (c.type === 'temporal') {
      for (let i = 0; i < n; i++) if (c.rules[i] === ref) steps[i] = t;
      const from = t - c.timespanMs;
      let seen = 0;
      for (let i = 0; i < steps.length; i++) {
        const s = steps[i];
        if (s !== undefined && s >= from) seen++;
      }
      if (cond === undefined ? seen < n : !holds(cond, seen)) return;
      emit(g, t, seen, g.recentLen, onMatch);
      retire(g);
      return;
    }
    // temporal_ordered: steps[i] = start time of the most recent chain that reached rule i.
    let done = false;
    for (let i = n - 1; i >= 0; i--) {
      if (c.rules[i] !== ref) continue;
      if (i === 0) steps[0] = t;
      else {
        const start = steps[i - 1];
        if (start !== undefined && start >= t - c.timespanMs) {
          steps[i] = start;
          if (i === n - 1) done = true;
        }
      }
    }
    if (!done) return;
    emit(g, t, n, g.recentLen, onMatch);
    retire(g);
  };

  const advance = (timeMs: number, onMatch: CorrelationHandler): void => {
    if (atClose) {
      while (closing.length > 0 && closing[0]!.end <= timeMs) {
        const w = closing.shift()!;
        const g = groups.get(w.key);
        if (!g || !g.live || g.windowStart !== w.start) continue; // evicted or already replaced
        closeWindow(g, w.end, onMatch);
      }
    } else {
      // Idle groups whose whole window lies before the watermark can never fire again.
      while (order.head !== undefined && order.head.lastT < timeMs - c.timespanMs) drop(order.head);
    }
    // Dormant groups past their timespan: nothing to reuse them for soon.
    while (dormant.head !== undefined && dormant.head.lastT < timeMs - c.timespanMs)
      forget(dormant.head);
    stats.groups = live;
  };

  const closeWindow = (g: Group, end: number, onMatch: CorrelationHandler): void => {
    if (c.type !== 'value_percentile') {
      const value = measure(g.entries);
      if (holds(cond!, value)) emit(g, end, value, g.entries.size, onMatch);
    } else {
      // Rarity: the share (in percent) of the group's events that carry each value.
      const counts = g.entries.counts;
      const total = g.entries.size;
      for (const [value, n] of counts) {
        const pct = (n / total) * 100;
        if (holds(cond!, pct)) emit(g, end, pct, n, onMatch, { [valueField!]: value });
      }
    }
    retire(g);
  };

  /** Collects SigmaMatch objects (add, addValues, advanceTo). */
  const collect = (): { out: SigmaMatch[]; onMatch: CorrelationHandler } => {
    const out: SigmaMatch[] = [];
    return {
      out,
      onMatch: (f) => {
        out.push(correlationMatch(c, f));
      },
    };
  };
  const feedAndCount: Correlator['feed'] = (ref, t, values, at, event, onMatch) => {
    feed(ref, t, values, at, event, onMatch);
    stats.groups = live;
  };
  const addValues: Correlator['addValues'] = (ref, t, values, event) => {
    const r = collect();
    feedAndCount(ref, t, values, 0, event, r.onMatch);
    return r.out;
  };
  return {
    add: (input) =>
      addValues(
        input.ref,
        input.timeMs,
        readInputValues(inputFields(input.ref), input.read),
        input.event,
      ),
    addValues,
    feed: feedAndCount,
    inputFields,
    advanceTo: (timeMs) => {
      const r = collect();
      advance(timeMs, r.onMatch);
      return r.out;
    },
    advance,
    stats,
  };
}

const NO_EVENTS: readonly unknown[] = [];

function firstOf(v: unknown): unknown {
  return Array.isArray(v) ? v[0] : v;
}

function insertClosing(q: Closing[], w: Closing): void {
  let i = q.length;
  while (i > 0 && q[i - 1]!.end > w.end) i--;
  q.splice(i, 0, w);
}
