/**
 * The Sigma engine: detection rules dispatched by logsource, correlations on event time.
 *
 * Per event: the rows of the logsource table the event belongs to are looked up once per
 * (event.name, log.format, program) and cached, so only the rules for that kind of event run;
 * each taxonomy gets one event view (field mapping + lowercase cache) shared by its rules.
 * A detection match alerts unless every correlation that references the rule has
 * `generate: false` (the default); it always feeds those correlations, and correlation matches
 * feed correlations that reference them in turn.
 *
 * @example
 * const engine = createSigmaEngine({ rules: loadSigmaFile('rules/sshd.yml') });
 * for (const e of events) alerts.push(...engine.process(e, Date.parse(e.time)));
 * alerts.push(...engine.advanceTo(endOfInputMs));
 */
import {
  DEFAULT_CORRELATION_LIMITS,
  correlationMatch,
  createCorrelator,
  readInputValues,
} from './correlation.js';
import type {
  CorrelationFire,
  CorrelationHandler,
  CorrelationLimits,
  Correlator,
  CorrelatorStats,
} from './correlation.js';
import { wireCorrelations } from './references.js';
import type { Feed } from './references.js';
import { ReusableEventView, inputValue } from './event-view.js';
import type { SigmaEventView } from './event-view.js';
import type { FieldMapping, Taxonomy } from './field-mappings.js';
import { loadSigmaText } from './loader.js';
import type { Placeholders } from './modifiers.js';
import {
  LOGSOURCE_TABLE,
  bindingsFor,
  compileFilter,
  createFieldReaders,
  keywordFieldsFor,
  programOf,
  sourceKeyFactory,
} from './logsource.js';
import type { EventRecord, LogsourceBinding } from './logsource.js';
import { createPrefilter } from './prefilter.js';
import type { Prefilter } from './prefilter.js';
import type { LoadedSigma, SigmaCorrelation, SigmaMatch, SigmaRule } from './types.js';

export interface SigmaEngineOptions {
  /** Loaded rules, or rule texts to load here (with `placeholders`). */
  readonly rules: ReadonlyArray<LoadedSigma | { readonly text: string; readonly file?: string }>;
  readonly placeholders?: Placeholders;
  /** Per-taxonomy overrides of Sigma field → our fields (see field-mappings.ts). */
  readonly fieldMappings?: Partial<Record<Taxonomy, FieldMapping>>;
  /** Fields keyword searches look at (default: the raw line, then per-taxonomy fallbacks). */
  readonly keywordFields?: readonly string[];
  readonly logsources?: readonly LogsourceBinding[];
  readonly limits?: Partial<CorrelationLimits>;
  /** Skip rules whose required literals are absent (prefilter.ts). Default true. */
  readonly prefilter?: boolean;
  /** How far event time may go backwards before windows are closed (default 0). */
  readonly allowedLatenessMs?: number;
  /**
   * Where results go instead of process()'s return value (which is then empty): lets the
   * detection engine fold matches into alerts without building a SigmaMatch per rule match.
   */
  readonly sink?: SigmaSink;
  /** What a correlation match is carried as when it feeds another correlation (default: itself). */
  readonly carry?: (m: SigmaMatch) => unknown;
}

/** Receives the engine's results in order, as they happen. */
export interface SigmaSink {
  /** A detection rule matched and alerts on its own; `view` is absent for split-stage hits. */
  rule(rule: SigmaRule, timeMs: number, event: unknown, view: SigmaEventView | undefined): void;
  /** A correlation matched and alerts. */
  correlation(m: SigmaMatch): void;
  /**
   * Optional, in place of correlation(): a correlation matched and alerts; receives what
   * correlation() would get as `correlationMatch(c, fire)`, without the object being built.
   * `fire` is valid during the call only (its `events` array is reused: keep elements only).
   */
  correlationFire?(c: SigmaCorrelation, fire: CorrelationFire): void;
}

export interface SigmaEngineStats {
  eventsReceived: number;
  eventsBadTime: number;
  eventsLate: number;
  ruleEvaluations: number;
  ruleMatches: number;
  /** Detection matches that fed correlations only (`generate: false`). */
  ruleMatchesSuppressed: number;
  correlationMatches: number;
  rulesActive: number;
  /** Rules whose logsource matches no row of the logsource table (never run). */
  rulesInactive: number;
  correlations: Record<string, CorrelatorStats>;
}

export interface SigmaEngine {
  /** Run one event; `timeMs` defaults to `Date.parse(event.time)`. Returns the alerts. */
  process(event: EventRecord, timeMs?: number): SigmaMatch[];
  /**
   * Stateless half of process(): the detection rules `event` matches, in evaluation order, as
   * indexes into `detectionRules`, each with the values its correlations read (see
   * feedValues). Safe to run in another thread on an engine built from the same rules. The
   * view is reused for later events: read it during the call.
   */
  matchRules(event: EventRecord, hit: (rule: number, view: SigmaEventView) => void): void;
  /** The values every correlation fed by detection rule `rule` reads from the event, in feed order. */
  feedValues(rule: number, view: SigmaEventView): (string | undefined)[];
  /**
   * The fields feedValues() reads for `rule`, in order: its values are
   * `feedFields(rule).map((f) => inputValue(view.get(f)))` (event-view.ts).
   */
  feedFields(rule: number): readonly string[];
  /** Stateful half, per event: move the watermark for an event at `timeMs` (finite). */
  beginEvent(timeMs: number): void;
  /**
   * Stateful half, per hit: alert (to the sink) and feed the rule's correlations with
   * `values[at...]` (feedValues' values).
   */
  hitRule(
    rule: number,
    timeMs: number,
    values: readonly unknown[],
    event: unknown,
    view?: SigmaEventView,
    at?: number,
  ): void;
  /** The detection rules, in the order matchRules() numbers them. */
  readonly detectionRules: readonly SigmaRule[];
  /** Move the watermark: closes windows that end at or before it and returns their alerts. */
  advanceTo(timeMs: number): SigmaMatch[];
  stats(): SigmaEngineStats;
  readonly rules: readonly LoadedSigma[];
}

interface Dispatch {
  readonly rule: SigmaRule;
  /** The rule's detection specialized to the plan (see planFor). */
  readonly match: (view: SigmaEventView) => boolean;
  /** Index in `detection`. */
  readonly index: number;
  readonly taxonomy: Taxonomy;
  readonly alerts: boolean;
  readonly feeds: readonly Feed[];
}

interface DispatchGroup {
  readonly taxonomy: Taxonomy;
  readonly entries: readonly Dispatch[];
  readonly keywordFields: readonly string[];
}

/**
 * The rules for one kind of event, grouped by taxonomy, and their prefilter; one view per
 * group, reused for every event of this kind (`views[slot]`).
 */
interface DispatchPlan {
  readonly groups: readonly DispatchGroup[];
  readonly views: readonly ReusableEventView[];
  readonly prefilter: Prefilter | undefined;
}

export function createSigmaEngine(opts: SigmaEngineOptions): SigmaEngine {
  const rules: LoadedSigma[] = opts.rules.flatMap((r) =>
    'kind' in r
      ? [r]
      : loadSigmaText(r.text, {
          ...(r.file === undefined ? {} : { file: r.file }),
          placeholders: opts.placeholders ?? {},
        }),
  );
  const limits: CorrelationLimits = { ...DEFAULT_CORRELATION_LIMITS, ...opts.limits };
  const table = opts.logsources ?? LOGSOURCE_TABLE;
  const rowFilters = table.map((row) => compileFilter(row.filter));
  const lateness = opts.allowedLatenessMs ?? 0;
  const correlations = rules.filter((r): r is SigmaCorrelation => r.kind === 'correlation');
  const correlators = new Map<SigmaCorrelation, Correlator>(
    correlations.map((c) => [c, createCorrelator(c, limits)]),
  );

  const { feedsOf, alertsOn } = wireCorrelations(rules, correlators);

  const detection = rules.filter((r): r is SigmaRule => r.kind === 'rule');
  const rowsOfRule = new Map<SigmaRule, number[]>();
  let inactive = 0;
  for (const r of detection) {
    const rows = bindingsFor(r.logsource, table).map((row) => table.indexOf(row));
    if (rows.length === 0) inactive++;
    rowsOfRule.set(r, rows);
  }
  const readers = new Map<Taxonomy, (field: string) => (e: EventRecord) => unknown>();
  const readersFor = (t: Taxonomy): ((field: string) => (e: EventRecord) => unknown) => {
    let a = readers.get(t);
    if (!a) {
      a = createFieldReaders(t, opts.fieldMappings?.[t] ?? {});
      readers.set(t, a);
    }
    return a;
  };
  // (event.name, log.format, event.category, program) → the rules to run, grouped by taxonomy with their
  // literal prefilter; bounded, cleared when full.
  const usePrefilter = opts.prefilter ?? true;
  // Nested by the four key parts (no key string built per event); `cached` counts the plans.
  type Level<T> = Map<unknown, T>;
  let dispatchCache: Level<Level<Level<Level<DispatchPlan>>>> = new Map();
  let cached = 0;
  const sourceKeys = new Map<Taxonomy, (field: string) => string>();
  const sourceKeyOf = (t: Taxonomy): ((field: string) => string) => {
    let k = sourceKeys.get(t);
    if (!k) sourceKeys.set(t, (k = sourceKeyFactory(t, opts.fieldMappings?.[t] ?? {})));
    return k;
  };
  // The keys and plans of the last MEMO kinds of events: a log alternates between a few kinds,
  // and comparing the keys (mostly the same strings) costs less than four Map lookups.
  const MEMO = 8;
  const memoKeys: unknown[] = new Array<unknown>(MEMO * 4).fill(undefined);
  const memoPlans: Array<DispatchPlan | undefined> = new Array<DispatchPlan | undefined>(MEMO).fill(
    undefined,
  );
  let memoNext = 0;
  const dispatchFor = (e: EventRecord): DispatchPlan => {
    // Everything the logsource filters read (see compileFilter) must be part of this key; the
    // first three are the values themselves, which the plan's rules then take as known.
    const k1 = keyPart(e['event.name']);
    const k2 = keyPart(e['log.format']);
    const k3 = keyPart(e['event.category']);
    const k4 = programOf(e) ?? '';
    for (let m = 0; m < MEMO; m++) {
      const plan = memoPlans[m];
      const b = m * 4;
      if (
        plan !== undefined &&
        memoKeys[b] === k1 &&
        memoKeys[b + 1] === k2 &&
        memoKeys[b + 2] === k3 &&
        memoKeys[b + 3] === k4
      )
        return plan;
    }
    let groups = dispatchCache.get(k1)?.get(k2)?.get(k3)?.get(k4);
    if (groups === undefined) groups = planFor(e, k1, k2, k3, k4);
    const b = memoNext * 4;
    memoKeys[b] = k1;
    memoKeys[b + 1] = k2;
    memoKeys[b + 2] = k3;
    memoKeys[b + 3] = k4;
    memoPlans[memoNext] = groups;
    memoNext = (memoNext + 1) % MEMO;
    return groups;
  };
  const planFor = (
    e: EventRecord,
    k1: unknown,
    k2: unknown,
    k3: unknown,
    k4: string,
  ): DispatchPlan => {
    const rowsHit = new Set(rowFilters.flatMap((f, i) => (f(e) ? [i] : [])));
    const byTaxonomy = new Map<Taxonomy, Dispatch[]>();
    for (let index = 0; index < detection.length; index++) {
      const r = detection[index]!;
      const row = rowsOfRule.get(r)!.find((i) => rowsHit.has(i));
      if (row === undefined) continue;
      const taxonomy = table[row]!.taxonomy;
      const list = byTaxonomy.get(taxonomy) ?? [];
      list.push({
        rule: r,
        match: r.match,
        index,
        taxonomy,
        alerts: alertsOn(r),
        feeds: feedsOf.get(r) ?? [],
      });
      byTaxonomy.set(taxonomy, list);
    }
    // Every event of this plan has e's values in the key fields: a Sigma field read from one
    // of them alone is known, and the items that read only known fields are decided here,
    // once, instead of per event (an sshd log's rules all test event.name).
    const knownValues = new Map<string, unknown>([
      [JSON.stringify(['event.name']), k1],
      [JSON.stringify(['log.format']), k2],
      [JSON.stringify(['event.category']), k3],
    ]);
    const knownIn = (t: Taxonomy): ((field: string) => boolean) => {
      const keyOf = sourceKeyOf(t);
      return (field) => {
        const v = knownValues.get(keyOf(field));
        return v !== undefined ? v !== OBJECT_KEY : knownValues.has(keyOf(field));
      };
    };
    let list = [...byTaxonomy].map(([taxonomy, entries]) => {
      const keywordFields = keywordFieldsFor(taxonomy, opts.keywordFields);
      const view = new ReusableEventView(readersFor(taxonomy), keywordFields);
      view.reset(e);
      const known = knownIn(taxonomy);
      const kept: Dispatch[] = [];
      for (const d of entries) {
        const m = d.rule.specialize?.(known, view) ?? d.rule.match;
        if (m !== false) kept.push({ ...d, match: m === true ? always : m });
      }
      return { taxonomy, entries: kept, keywordFields, known };
    });
    const planViews = (): ReusableEventView[] =>
      list.map((g) => {
        const v = new ReusableEventView(readersFor(g.taxonomy), g.keywordFields);
        v.reset(e);
        return v;
      });
    const prefilterOf = (): Prefilter =>
      createPrefilter(
        list.flatMap((g, slot) =>
          g.entries.map((d) => ({ requirement: d.rule.requirement, slot })),
        ),
        {
          keyOf: (slot, field) => sourceKeyOf(list[slot]!.taxonomy)(field),
          keywordFieldsOf: (slot) => list[slot]!.keywordFields,
        },
      );
    const fixedMarks = list.every((g) =>
      g.entries.every(
        ({ rule: { requirement: r } }) =>
          r === 'always' || r.every((a) => a.field !== undefined && g.known(a.field)),
      ),
    );
    if (usePrefilter && fixedMarks) {
      // Every literal the prefilter would look for is in a known field: its marks are the same
      // for every event of the plan, so they are taken now and the plan keeps the marked rules.
      const marks = prefilterOf().candidates(planViews(), noView);
      let k = 0;
      list = list.map((g) => ({ ...g, entries: g.entries.filter(() => marks[k++] === 1) }));
    }
    list = list.filter((g) => g.entries.length > 0);
    const groups: DispatchPlan = {
      groups: list,
      views: planViews(),
      prefilter: usePrefilter && !fixedMarks ? prefilterOf() : undefined,
    };
    if (cached >= 1024) {
      dispatchCache = new Map();
      cached = 0;
    }
    const at = <T>(m: Level<T>, k: unknown, make: () => T): T => {
      let v = m.get(k);
      if (v === undefined) m.set(k, (v = make()));
      return v;
    };
    at(
      at(
        at(dispatchCache, k1, () => new Map()),
        k2,
        () => new Map(),
      ),
      k3,
      () => new Map(),
    ).set(k4, groups);
    cached++;
    return groups;
  };

  const stats: SigmaEngineStats = {
    eventsReceived: 0,
    eventsBadTime: 0,
    eventsLate: 0,
    ruleEvaluations: 0,
    ruleMatches: 0,
    ruleMatchesSuppressed: 0,
    correlationMatches: 0,
    rulesActive: detection.length - inactive,
    rulesInactive: inactive,
    correlations: {},
  };
  let watermark = -Infinity;
  let maxSeen = -Infinity;

  let out: SigmaMatch[] = []; // what process() returns (without a sink)
  const sink: SigmaSink = opts.sink ?? {
    rule: (rule, t, _event, view) => out.push(ruleMatch(rule, view, t)),
    correlation: (m) => out.push(m),
  };
  const carry = opts.carry;

  /**
   * What happens to a correlation's matches: they alert unless suppressed, and feed the
   * correlations that reference it. One handler per correlation, made once.
   */
  const handlers = new Map<SigmaCorrelation, CorrelationHandler>();
  const handlerOf = (c: SigmaCorrelation): CorrelationHandler => handlers.get(c)!;
  for (const c of correlations) {
    const feeds = feedsOf.get(c);
    const alerts = alertsOn(c);
    if (feeds === undefined && sink.correlationFire !== undefined) {
      // Nothing reads the match object: the sink folds the match straight from `fire`.
      const fire = sink.correlationFire.bind(sink);
      handlers.set(c, (f) => {
        stats.correlationMatches++;
        if (alerts) fire(c, f);
      });
      continue;
    }
    const fast = sink.correlationFire?.bind(sink);
    handlers.set(c, (fire) => {
      stats.correlationMatches++;
      if (alerts && fast !== undefined) fast(c, fire);
      const m = correlationMatch(c, fire);
      if (alerts && fast === undefined) sink.correlation(m);
      if (feeds === undefined) return;
      const key = m.groupKey ?? {};
      const read = (field: string): unknown => key[field];
      const event = carry ? carry(m) : m;
      for (const f of feeds) {
        const values = readInputValues(f.correlator.inputFields(f.ref), read);
        f.correlator.feed(f.ref, m.timeMs, values, 0, event, handlerOf(f.correlation));
      }
    });
  }
  const correlatorList = [...correlators].map(([c, k]) => ({ k, onMatch: handlerOf(c) }));

  const advance = (timeMs: number): void => {
    if (timeMs > watermark) watermark = timeMs;
    for (const { k, onMatch } of correlatorList) k.advance(watermark, onMatch);
  };
  const advanceTo = (timeMs: number): SigmaMatch[] => {
    out = [];
    advance(timeMs);
    return out;
  };

  const beginEvent = (t: number): void => {
    stats.eventsReceived++;
    if (t > maxSeen) {
      maxSeen = t;
      if (correlators.size > 0 && t - lateness > watermark) advance(t - lateness);
    } else if (t < watermark) {
      stats.eventsLate++;
    }
  };

  const matchRules = (
    event: EventRecord,
    hit: (rule: number, view: SigmaEventView) => void,
  ): void => {
    const plan = dispatchFor(event);
    const groups = plan.groups;
    const views = plan.views;
    for (let slot = 0; slot < views.length; slot++) views[slot]!.reset(event);
    const marks = plan.prefilter?.candidates(views, noView);
    let k = 0;
    for (let slot = 0; slot < groups.length; slot++) {
      const entries = groups[slot]!.entries;
      const view = views[slot]!;
      for (let i = 0; i < entries.length; i++, k++) {
        if (marks !== undefined && marks[k] === 0) continue;
        const d = entries[i]!;
        stats.ruleEvaluations++;
        if (!d.match(view)) continue;
        stats.ruleMatches++;
        hit(d.index, view);
      }
    }
  };

  const feedsOfRule: Array<readonly Feed[]> = detection.map((r) => feedsOf.get(r) ?? []);
  const alertsOfRule: boolean[] = detection.map((r) => alertsOn(r));
  // The fields each rule's correlations read, all feeds flat, in feed order (see feedFields).
  const feedFieldsOfRule: Array<readonly string[]> = feedsOfRule.map((feeds) =>
    feeds.flatMap((f) => f.correlator.inputFields(f.ref)),
  );
  const noValues: readonly (string | undefined)[] = [];
  const feedValues = (rule: number, view: SigmaEventView): (string | undefined)[] => {
    const fields = feedFieldsOfRule[rule]!;
    if (fields.length === 0) return noValues as (string | undefined)[];
    const values = new Array<string | undefined>(fields.length);
    for (let i = 0; i < fields.length; i++) values[i] = inputValue(view.get(fields[i]!));
    return values;
  };

  /** Per detection rule, its correlation feeds with what hitRule needs at hand. */
  interface FeedPlan {
    readonly correlator: Correlator;
    readonly ref: string;
    /** How many of the hit's values are this feed's. */
    readonly n: number;
    readonly onMatch: CorrelationHandler;
  }
  const plansOfRule: Array<readonly FeedPlan[]> = feedsOfRule.map((feeds) =>
    feeds.map((f) => ({
      correlator: f.correlator,
      ref: f.ref,
      n: f.correlator.inputFields(f.ref).length,
      onMatch: handlerOf(f.correlation),
    })),
  );

  const hitRule = (
    rule: number,
    t: number,
    values: readonly unknown[],
    event: unknown,
    view?: SigmaEventView,
    at = 0,
  ): void => {
    if (alertsOfRule[rule]) sink.rule(detection[rule]!, t, event, view);
    else stats.ruleMatchesSuppressed++;
    const plans = plansOfRule[rule]!;
    for (let i = 0; i < plans.length; i++) {
      const f = plans[i]!;
      f.correlator.feed(f.ref, t, values, at, event, f.onMatch);
      at += f.n;
    }
  };

  const process = (event: EventRecord, timeMs?: number): SigmaMatch[] => {
    out = [];
    let t = timeMs ?? Date.parse(String(event['time']));
    if (!Number.isFinite(t)) {
      stats.eventsBadTime++;
      t = Number.isFinite(maxSeen) ? maxSeen : 0;
    }
    beginEvent(t);
    matchRules(event, (rule, view) => hitRule(rule, t, feedValues(rule, view), event, view));
    return out;
  };

  return {
    process,
    matchRules,
    feedValues,
    feedFields: (rule) => feedFieldsOfRule[rule]!,
    beginEvent,
    hitRule,
    detectionRules: detection,
    advanceTo,
    stats: () => {
      const correlationsStats: Record<string, CorrelatorStats> = {};
      for (const [c, k] of correlators)
        correlationsStats[c.id ?? c.name ?? c.title] = { ...k.stats };
      return { ...stats, correlations: correlationsStats };
    },
    rules,
  };
}

/** The key of all objects (arrays included) in a dispatch key: none of them is ever known. */
const OBJECT_KEY = Symbol('object');

/** A field's value as part of a dispatch key: itself, or OBJECT_KEY for any object. */
function keyPart(v: unknown): unknown {
  return (typeof v === 'object' && v !== null) || typeof v === 'function' ? OBJECT_KEY : v;
}

const always = (): boolean => true;

function noView(): SigmaEventView {
  throw new Error('sigma: every view of a plan exists');
}

function ruleMatch(rule: SigmaRule, view: SigmaEventView | undefined, timeMs: number): SigmaMatch {
  const fields: Record<string, unknown> = {};
  if (view !== undefined)
    for (const f of rule.fields) {
      const v = view.get(f);
      if (v !== undefined) fields[f] = v;
    }
  return {
    ruleId: rule.id,
    ruleName: rule.name,
    title: rule.title,
    level: rule.level,
    tags: rule.tags,
    kind: 'rule',
    timeMs,
    fields,
  };
}
