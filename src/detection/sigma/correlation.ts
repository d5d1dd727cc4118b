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

interface Group {
  /** Internal key in `groups`. */
  readonly k: string;
  readonly key: Record<string, unknown>;
  /** Least recently updated first: a linked list, so moving a group to the end costs no hashing. */
  prev: Group | undefined;
  next: Group | undefined;
  entries: CorrelationWindow;
  /** temporal: last time each rule index was seen; temporal_ordered: chain start per step. */
  steps: number[];
  recent: unknown[];
  recentDropped: number;
  windowStart: number;
  lastT: number;
}

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
  /** The fields an input for `ref` is read for: the group-by fields (aliases applied), then the value field. */
  inputFields(ref: string): readonly string[];
  advanceTo(timeMs: number): SigmaMatch[];
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

export function createCorrelator(
  c: SigmaCorrelation,
  limits: CorrelationLimits = DEFAULT_CORRELATION_LIMITS,
): Correlator {
  const groups = new Map<string, Group>();
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
  const temporal = c.type === 'temporal' || c.type === 'temporal_ordered';
  const closing: Array<{ end: number; key: string; start: number }> = [];

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

  const emit = (
    g: Group,
    timeMs: number,
    value: number,
    count: number,
    extra?: Record<string, unknown>,
  ): SigmaMatch => {
    stats.matches++;
    let first = g.entries.firstTime;
    if (first === undefined) {
      // temporal: the earliest step time seen (steps is sparse; holes are skipped)
      let min = Infinity;
      for (const x of g.steps) if (x !== undefined && x < min) min = x;
      first = min === Infinity ? g.windowStart : min;
    }
    return {
      ruleId: c.id,
      ruleName: c.name,
      title: c.title,
      level: c.level,
      tags: c.tags,
      kind: 'correlation',
      timeMs,
      fields: extra === undefined ? g.key : { ...g.key, ...extra },
      groupKey: g.key,
      count,
      value,
      firstMs: first,
      lastMs: g.lastT,
      // Not copied: every emit is followed by the group's removal, so `recent` is never
      // changed again (an emit per correlation match copied 20 events: bench/scan.mjs).
      events: g.recent,
      ...(g.recentDropped > 0 ? { eventsDropped: g.recentDropped } : {}),
    };
  };

  const order = new RecencyList<Group>(); // oldest update first
  const remove = (g: Group): void => {
    groups.delete(g.k);
    order.unlink(g);
  };

  const touch = (k: string, values: readonly (string | undefined)[], t: number): Group => {
    let g = groups.get(k);
    if (g) {
      order.touch(g);
    } else {
      const key: Record<string, unknown> = {};
      for (let i = 0; i < nGroup; i++) key[c.groupBy[i]!] = values[i];
      g = {
        k,
        key,
        prev: undefined,
        next: undefined,
        entries: new CorrelationWindow(),
        steps: [],
        recent: [],
        recentDropped: 0,
        windowStart: t,
        lastT: t,
      };
      if (atClose) insertClosing(closing, { end: t + c.timespanMs, key: k, start: t });
      if (groups.size >= limits.maxGroups && order.head !== undefined) {
        remove(order.head);
        stats.groupsEvicted++;
      }
      groups.set(k, g);
      order.append(g);
    }
    g.lastT = Math.max(g.lastT, t);
    return g;
  };

  const measure = (g: Group): { value: number; count: number } => {
    const w = g.entries;
    const n = w.size;
    switch (c.type) {
      case 'value_count':
        return { value: w.distinct, count: n };
      case 'value_sum':
        return { value: w.sum, count: n };
      case 'value_avg':
        return { value: n === 0 ? 0 : w.sum / n, count: n };
      default:
        return { value: n, count: n };
    }
  };

  const addValues = (
    ref: string,
    t: number,
    values: readonly (string | undefined)[],
    event: unknown,
  ): SigmaMatch[] => {
    for (let i = 0; i < nGroup; i++) {
      if (values[i] === undefined) {
        stats.noGroupKey++;
        return [];
      }
    }
    // Internal key of the group: the value itself for one group-by field.
    const k = nGroup === 1 ? (values[0] as string) : JSON.stringify(values.slice(0, nGroup));
    let v: string | number | undefined;
    if (valueField !== undefined) {
      const raw = values[nGroup];
      if (c.type === 'value_sum' || c.type === 'value_avg') {
        const n = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
        if (!Number.isFinite(n)) {
          stats.noValue++;
          return [];
        }
        v = n;
      } else {
        if (raw === undefined) {
          stats.noValue++;
          return [];
        }
        v = raw;
      }
    }
    const g = touch(k, values, t);
    g.recent.push(event);
    if (g.recent.length > limits.maxEventsPerMatch) {
      g.recent.shift();
      g.recentDropped++;
    }
    if (temporal) return addTemporal(g, ref, t);
    g.entries.push(t, v);
    if (g.entries.size > limits.maxEventsPerGroup) {
      g.entries.shift();
      stats.entriesEvicted++;
    }
    if (atClose) return [];
    // Sliding window on event time (entries arrive roughly in order; see pruneBefore).
    g.entries.pruneBefore(t - c.timespanMs);
    const m = measure(g);
    if (!holds(cond!, m.value)) return [];
    const out = emit(g, t, m.value, m.count);
    remove(g);
    return [out];
  };

  const addTemporal = (g: Group, ref: string, t: number): SigmaMatch[] => {
    const n = c.rules.length;
    if (c.type === 'temporal') {
      for (let i = 0; i < n; i++) if (c.rules[i] === ref) g.steps[i] = t;
      const from = t - c.timespanMs;
      const seen = g.steps.filter((s) => s !== undefined && s >= from).length;
      const need = cond ? undefined : n;
      if (need !== undefined ? seen < need : !holds(cond!, seen)) return [];
      const out = emit(g, t, seen, g.recent.length);
      remove(g);
      return [out];
    }
    // temporal_ordered: steps[i] = start time of the most recent chain that reached rule i.
    let done = false;
    for (let i = n - 1; i >= 0; i--) {
      if (c.rules[i] !== ref) continue;
      if (i === 0) g.steps[0] = t;
      else {
        const start = g.steps[i - 1];
        if (start !== undefined && start >= t - c.timespanMs) {
          g.steps[i] = start;
          if (i === n - 1) done = true;
        }
      }
    }
    if (!done) return [];
    const out = emit(g, t, n, g.recent.length);
    remove(g);
    return [out];
  };

  const advanceTo = (timeMs: number): SigmaMatch[] => {
    const out: SigmaMatch[] = [];
    if (atClose) {
      while (closing.length > 0 && closing[0]!.end <= timeMs) {
        const w = closing.shift()!;
        const g = groups.get(w.key);
        if (!g || g.windowStart !== w.start) continue; // evicted or already replaced
        remove(g);
        out.push(...closeWindow(g, w.end));
      }
    } else {
      // Idle groups whose whole window lies before the watermark can never fire again.
      while (order.head !== undefined && order.head.lastT < timeMs - c.timespanMs)
        remove(order.head);
    }
    stats.groups = groups.size;
    return out;
  };

  const closeWindow = (g: Group, end: number): SigmaMatch[] => {
    if (c.type !== 'value_percentile') {
      const m = measure(g);
      return holds(cond!, m.value) ? [emit(g, end, m.value, m.count)] : [];
    }
    // Rarity: the share (in percent) of the group's events that carry each value.
    const counts = g.entries.counts;
    const total = g.entries.size;
    const out: SigmaMatch[] = [];
    for (const [value, n] of counts) {
      const pct = (n / total) * 100;
      if (holds(cond!, pct)) out.push(emit(g, end, pct, n, { [valueField!]: value }));
    }
    return out;
  };

  const addAndCount: Correlator['addValues'] = (ref, t, values, event) => {
    const r = addValues(ref, t, values, event);
    stats.groups = groups.size;
    return r;
  };
  return {
    add: (input) =>
      addAndCount(
        input.ref,
        input.timeMs,
        readInputValues(inputFields(input.ref), input.read),
        input.event,
      ),
    addValues: addAndCount,
    inputFields,
    advanceTo,
    stats,
  };
}

function firstOf(v: unknown): unknown {
  return Array.isArray(v) ? v[0] : v;
}

function insertClosing(
  q: Array<{ end: number; key: string; start: number }>,
  w: { end: number; key: string; start: number },
): void {
  let i = q.length;
  while (i > 0 && q[i - 1]!.end > w.end) i--;
  q.splice(i, 0, w);
}
