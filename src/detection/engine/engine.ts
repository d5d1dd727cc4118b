/**
 * The detection engine: one object that turns events into alerts, the same way live (fed by
 * the server's commit feed) and offline (`logwarden scan` on files) — time always comes from the
 * event, so replay equals live (ARCHITECTURE §2, §5).
 *
 * Per event: the Sigma engine (the OWASP pack and any user rules, with correlations), the
 * request attack patterns, and the silence and rate baselines. Every match is folded into an
 * alert episode per (rule, entity), so a flood of matches updates one alert instead of creating
 * thousands. `advanceTo(t)` moves the watermark: it closes correlation windows (needed for
 * `lt`/`lte` conditions), closes rate buckets and checks for silent sources.
 *
 * @example
 * const engine = createDetectionEngine({ rules: loadBuiltinRules().rules });
 * for (const e of events) alerts.push(...engine.process(e));
 * alerts.push(...engine.finish());
 */
import { createSigmaEngine, type SigmaEngine, type SigmaEngineStats } from '../sigma/index.js';
import type { SigmaSink } from '../sigma/engine.js';
import type { CorrelationFire } from '../sigma/correlation.js';
import type { LoadedSigma, SigmaCorrelation, SigmaMatch, SigmaRule } from '../sigma/types.js';
import type { Placeholders } from '../sigma/modifiers.js';
import { inspectEvent } from '../patterns/inspect.js';
import {
  alertEventRef,
  attackTechniques,
  keyDecidesEntity,
  pickEntity,
  severityFromLevel,
  type Alert,
} from '../alerts/alert.js';
import {
  ObjectCarried,
  RefCarried,
  createEpisodeTracker,
  materialize,
  type Carried,
  type Episode,
} from './episodes.js';
import { createSilenceDetector, DEFAULT_SILENCE, type SilenceOptions } from './silence.js';
import { createAnomalyDetector, DEFAULT_ANOMALY, type AnomalyOptions } from './anomaly.js';
import { isRequestLike, patternAlerts } from './pattern-alerts.js';

export interface DetectionEngineOptions {
  readonly rules: readonly LoadedSigma[];
  readonly placeholders?: Placeholders;
  /** Run the request attack-pattern detectors (default true). */
  readonly patterns?: boolean;
  readonly silence?: Partial<SilenceOptions>;
  readonly anomaly?: Partial<AnomalyOptions>;
  /** How far event time may go backwards before correlation windows close (default 60s). */
  readonly allowedLatenessMs?: number;
  /** Quiet time after which a rule's matches on an entity start a new alert (default 10 min). */
  readonly episodeGapMs?: number;
  /**
   * Collect instead of returning: process(), advanceTo() and finish() return nothing (one
   * frozen empty array) and
   * takeAlerts() gives the current state of every alert changed since the last take. Saves
   * building an alert object per match (what `scan` uses).
   */
  readonly collect?: boolean;
}

/**
 * One event as the stateless stage (parse, Sigma rules, request patterns; see
 * src/detection/scan) reports it to the stateful one: what the ordered part of process() needs.
 */
export interface EventSummary {
  /** Event time (finite). */
  readonly timeMs: number;
  /** The source silence and rate baselines are kept per. */
  readonly source: string | undefined;
  /** `event.name` as a string (rate baselines). */
  readonly name: string;
  /**
   * Detection rule hits, flat from `hitsFrom`: per hit the rule index
   * (SigmaEngine.detectionRules), the number of values, and SigmaEngine.feedValues' values.
   */
  readonly hits: readonly unknown[];
  readonly hitsFrom: number;
  readonly hitCount: number;
  /** The event as alerts carry it (needed when there are hits or patterns). */
  readonly carried: Carried | undefined;
  /** Request attack-pattern alerts (patternAlerts), not yet folded. */
  readonly patterns: readonly Alert[] | undefined;
}

export interface EventContext {
  /** Ledger position of the event, when it is stored. */
  readonly seq?: number;
  /** The source it arrived through (token name, file, syslog sender). */
  readonly source?: string;
}

export interface DetectionStats {
  events: number;
  eventsWithoutTime: number;
  patternRequests: number;
  alerts: number;
  /** Matches of `level: informational` rules (never alerts, per the Sigma spec). */
  informational: number;
  episodes: number;
  episodesEvicted: number;
  silenceEvicted: number;
  anomalyEvicted: number;
  sigma: SigmaEngineStats;
}

export interface DetectionEngine {
  process(event: Readonly<Record<string, unknown>>, ctx?: EventContext): Alert[];
  /** The ordered part of process() for an event whose stateless part ran elsewhere. */
  processSummary(s: EventSummary): Alert[];
  /** An event without a usable time (counted; nothing else happens to it). */
  countEventWithoutTime(): void;
  /** Events the request detectors looked at elsewhere (stats only). */
  countPatternRequests(n: number): void;
  /** With `collect`: the current state of every alert changed since the last call. */
  takeAlerts(): Alert[];
  /** The Sigma engine (its stateless half runs in scan's worker threads). */
  readonly sigma: SigmaEngine;
  /** Move the watermark (event time, or wall time when live). */
  advanceTo(timeMs: number): Alert[];
  /** End of input (scan): close every open window at the last event time. */
  finish(): Alert[];
  stats(): DetectionStats;
  silenceStatus(): ReturnType<ReturnType<typeof createSilenceDetector>['status']>;
  readonly rules: readonly LoadedSigma[];
}

/** What process(), advanceTo() and finish() return with `collect`. */
const COLLECTED: Alert[] = Object.freeze([]) as unknown as Alert[];

export function createDetectionEngine(opts: DetectionEngineOptions): DetectionEngine {
  const collect = opts.collect ?? false;
  const runPatterns = opts.patterns ?? true;
  const silence = createSilenceDetector({ ...DEFAULT_SILENCE, ...opts.silence });
  const anomaly = createAnomalyDetector({ ...DEFAULT_ANOMALY, ...opts.anomaly });
  const episodes = createEpisodeTracker();
  const gapMs = opts.episodeGapMs ?? 10 * 60_000;
  let maxTime = -Infinity;
  let lastSilenceCheck = -Infinity;
  const stats = {
    events: 0,
    eventsWithoutTime: 0,
    patternRequests: 0,
    alerts: 0,
    informational: 0,
  };

  // Results of the current call (without `collect`), or episodes changed since the last take.
  let out: Alert[] = [];
  const touched: Episode[] = []; // in order of first change; each once (Episode.touched)
  const changed = (ep: Episode): void => {
    if (!collect) out.push(materialize(ep));
    else if (!ep.touched) {
      ep.touched = true;
      touched.push(ep);
    }
  };

  /** Per rule, what every alert of it shares (computed once, not per match). */
  interface RuleFacts {
    readonly label: string;
    /**
     * Episode keys already built, by entity value: building one (template + JSON.stringify of
     * the group key) cost more than the rest of a fold; a reused key string also hashes once.
     */
    readonly keys: Map<string, EpisodeKey[]>;
    /**
     * Detection rules: the episode a match folds into, by the event's client.address (which
     * alone decides the entity of a rule match that has one); see ruleHit.
     */
    readonly byAddress: Map<string, GroupFold>;
    readonly informational: boolean;
    readonly rule: Alert['rule'];
    readonly severity: Alert['severity'];
    readonly attack: readonly string[];
  }
  const makeFacts = (m: {
    ruleId: string | undefined;
    ruleName: string | undefined;
    title: string;
    level: string | undefined;
    tags: readonly string[];
  }): RuleFacts => {
    const rule = {
      ...(m.ruleId ? { id: m.ruleId } : {}),
      ...(m.ruleName ? { name: m.ruleName } : {}),
      title: m.title,
    };
    const f: RuleFacts = {
      keys: new Map(),
      byAddress: new Map(),
      label: rule.name ?? rule.id ?? rule.title,
      informational: m.level?.toLowerCase() === 'informational',
      rule,
      severity: severityFromLevel(m.level),
      attack: attackTechniques(m.tags),
    };
    allFacts.add(f);
    return f;
  };
  const allFacts = new Set<RuleFacts>();
  // Per detection or correlation rule (made once, kept: bounded by the rules loaded).
  const ruleFacts = new Map<SigmaRule | SigmaCorrelation, RuleFacts>();
  const ruleFactsOf = (rule: SigmaRule | SigmaCorrelation): RuleFacts => {
    let f = ruleFacts.get(rule);
    if (f === undefined) {
      f = makeFacts({
        ruleId: rule.id,
        ruleName: rule.name,
        title: rule.title,
        level: rule.level,
        tags: rule.tags,
      });
      ruleFacts.set(rule, f);
    }
    return f;
  };

  interface EpisodeKey {
    readonly type: string;
    /** Correlations: the group key the string was built for. */
    readonly groupKey: Readonly<Record<string, unknown>> | undefined;
    readonly key: string;
  }
  let cachedKeys = 0;
  const sameKey = (a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>) => {
    let n = 0;
    for (const k in a) {
      if (a[k] !== b[k]) return false;
      n++;
    }
    for (const _ in b) n--;
    return n === 0;
  };
  /** `${label}|${type}:${value}|${JSON.stringify(groupKey)}`, reused when seen before. */
  const episodeKey = (
    f: RuleFacts,
    entity: Alert['entity'],
    correlation: boolean,
    groupKey: Readonly<Record<string, unknown>>,
  ): string => {
    let list = f.keys.get(entity.value);
    if (list !== undefined) {
      for (const k of list)
        if (k.type === entity.type && (k.groupKey === undefined || sameKey(k.groupKey, groupKey)))
          return k.key;
    } else {
      // Bounded: dropped wholesale now and then, rebuilt on use.
      if (cachedKeys >= 100_000) {
        for (const ff of allFacts) ff.keys.clear();
        cachedKeys = 0;
      }
      list = [];
      f.keys.set(entity.value, list);
    }
    const key = `${f.label}|${entity.type}:${entity.value}|${JSON.stringify(groupKey)}`;
    // A rule's group key follows from its entity; a correlation's is its own.
    list.push({ type: entity.type, groupKey: correlation ? groupKey : undefined, key });
    cachedKeys++;
    return key;
  };

  /** What a Sigma episode's alert is built from (the latest match). */
  interface SigmaData {
    readonly correlation: boolean;
    readonly facts: RuleFacts;
    readonly title: string;
    readonly tags: readonly string[];
    readonly entity: Alert['entity'];
    readonly groupKey: Readonly<Record<string, unknown>>;
    /** The latest match's first contributing event (service, environment, host). */
    first: Carried | undefined;
  }
  const buildSigma = (ep: Episode): Alert => {
    const d = ep.data as SigmaData;
    const keyText = d.correlation
      ? Object.entries(d.groupKey)
          .map(([k, v]) => `${k}=${String(v)}`)
          .join(', ')
      : '';
    const first = d.first?.fields();
    return {
      id: ep.id,
      kind: d.correlation ? 'correlation' : 'rule',
      rule: { ...d.facts.rule },
      severity: d.facts.severity,
      entity: d.entity,
      groupKey: d.groupKey,
      count: ep.count,
      firstSeenMs: ep.startMs,
      lastSeenMs: ep.lastMs,
      tags: [...d.tags],
      attack: [...d.facts.attack],
      summary: d.correlation
        ? `${d.title}${keyText ? ` (${keyText})` : ''}`
        : `${d.title}${d.entity.value ? `: ${d.entity.value}` : ''}`,
      events: ep.events.map((e) => e.ref()),
      eventsOmitted: ep.omitted,
      ...(typeof first?.['service.name'] === 'string'
        ? { service: first['service.name'] as string }
        : {}),
      ...(typeof first?.['deployment.environment'] === 'string'
        ? { environment: first['deployment.environment'] as string }
        : {}),
      ...(typeof first?.['host.name'] === 'string' ? { host: first['host.name'] as string } : {}),
    };
  };
  const SIGMA_SOURCE = { kind: 'sigma', build: buildSigma } as const;

  const foldSigma = (
    f: RuleFacts,
    correlation: boolean,
    title: string,
    tags: readonly string[],
    key: Readonly<Record<string, unknown>>,
    contributing: readonly Carried[],
    count: number,
    firstMs: number,
    lastMs: number,
    omitted: number,
  ): Episode => {
    const last = contributing[contributing.length - 1];
    const entity = pickEntity(key, last?.fields());
    const groupKey = correlation
      ? key
      : entity.type === 'none'
        ? {}
        : { [entity.type]: entity.value };
    const epKey = episodeKey(f, entity, correlation, groupKey);
    stats.alerts++;
    const ep = episodes.fold(
      epKey,
      firstMs,
      lastMs,
      count,
      contributing,
      omitted,
      gapMs,
      correlation,
    );
    ep.source = SIGMA_SOURCE;
    ep.data = {
      correlation,
      facts: f,
      title,
      tags,
      entity,
      groupKey,
      first: contributing[0],
    } satisfies SigmaData;
    changed(ep);
    return ep;
  };

  /**
   * What a correlation group remembers (CorrelationGroup.slot) of the episode its matches fold
   * into, when the alert's entity follows from the group key alone: its next match folds
   * straight into that episode, with no entity, key string or lookup (a brute-forced auth.log
   * has ~0.7 correlation matches per line, nearly all into an open episode). Detection rules
   * keep one per client.address (RuleFacts.byAddress).
   */
  interface GroupFold {
    ep: Episode;
    data: SigmaData;
  }
  /**
   * Fold a match into the episode `slot` remembers (its data being the episode's) and keep the
   * slot up to date: a quiet gap gives the key a new episode, with the same data.
   */
  const refoldSlot = (
    slot: GroupFold,
    firstMs: number,
    lastMs: number,
    count: number,
    events: readonly Carried[],
    n: number,
    omitted: number,
    correlation: boolean,
  ): void => {
    stats.alerts++;
    const first = n > 0 ? events[0] : undefined;
    const ep = episodes.refold(
      slot.ep,
      firstMs,
      lastMs,
      count,
      events,
      n,
      omitted,
      gapMs,
      correlation,
    );
    if (ep === slot.ep) slot.data.first = first;
    else {
      slot.ep = ep;
      slot.data = { ...slot.data, first };
      ep.source = SIGMA_SOURCE;
      ep.data = slot.data;
    }
    changed(ep);
  };

  const correlationFire = (c: SigmaCorrelation, fire: CorrelationFire): void => {
    const f = ruleFactsOf(c);
    const group = fire.group;
    if (f.informational) {
      stats.informational++;
      return;
    }
    const events = fire.events as readonly Carried[];
    const n = fire.eventCount;
    const slot = group.slot as GroupFold | undefined;
    if (slot !== undefined && slot.ep.live) {
      refoldSlot(slot, fire.firstMs, fire.lastMs, fire.count, events, n, fire.eventsDropped, true);
      return;
    }
    const ep = foldSigma(
      f,
      true,
      c.title,
      c.tags,
      group.key,
      events.slice(0, n),
      fire.count,
      fire.firstMs,
      fire.lastMs,
      fire.eventsDropped,
    );
    group.slot = keyDecidesEntity(group.key) ? { ep, data: ep.data as SigmaData } : undefined;
  };

  /**
   * A detection rule's match. With a client.address, the entity is that address whatever else
   * the event has (pickEntity, no group key), so the match folds into the episode remembered
   * for (rule, address), as correlationFire does per group: no entity, key string or lookup
   * (a brute-forced auth.log has ~0.07 such matches per line). The remembered slot is used
   * only while its data is still its episode's.
   */
  let slots = 0;
  const one: Carried[] = [];
  const ruleHit = (rule: SigmaRule, t: number, event: Carried): void => {
    const f = ruleFactsOf(rule);
    if (f.informational) {
      stats.informational++;
      return;
    }
    one[0] = event;
    const address = event.address();
    if (typeof address !== 'string' || address === '') {
      foldSigma(f, false, rule.title, rule.tags, {}, one, 1, t, t, 0);
      return;
    }
    const slot = f.byAddress.get(address);
    if (slot !== undefined && slot.ep.live && slot.ep.data === slot.data) {
      refoldSlot(slot, t, t, 1, one, 1, 0, false);
      return;
    }
    const ep = foldSigma(f, false, rule.title, rule.tags, {}, one, 1, t, t, 0);
    // Bounded: dropped wholesale now and then, rebuilt on use.
    if (slots >= 100_000) {
      for (const ff of allFacts) ff.byAddress.clear();
      slots = 0;
    }
    if (slot === undefined) slots++;
    f.byAddress.set(address, { ep, data: ep.data as SigmaData });
  };

  // Sigma spec: `level: informational` rules enrich and feed correlations; "no case or alerting
  // should be triggered by such rules". They are counted, not alerted.
  const sink: SigmaSink = {
    rule(rule, t, event) {
      ruleHit(rule, t, event as Carried);
    },
    correlation(m) {
      const f = correlationFactsOf(m);
      if (f.informational) {
        stats.informational++;
        return;
      }
      const contributing = (m.events ?? []) as readonly Carried[];
      foldSigma(
        f,
        true,
        m.title,
        m.tags,
        m.groupKey ?? {},
        contributing,
        m.count ?? contributing.length,
        m.firstMs ?? m.timeMs,
        m.lastMs ?? m.timeMs,
        m.eventsDropped ?? 0,
      );
    },
    correlationFire(c, fire) {
      correlationFire(c, fire);
    },
  };
  // A correlation's matches share its `tags` array: facts are cached per that array and checked.
  const correlationFacts = new WeakMap<readonly string[], RuleFacts & { m: SigmaMatch }>();
  const correlationFactsOf = (m: SigmaMatch): RuleFacts => {
    const f = correlationFacts.get(m.tags);
    if (
      f !== undefined &&
      f.m.ruleId === m.ruleId &&
      f.m.ruleName === m.ruleName &&
      f.m.title === m.title &&
      f.m.level === m.level
    )
      return f;
    if (f !== undefined) allFacts.delete(f);
    const made = makeFacts(m);
    allFacts.delete(made);
    const fresh = { ...made, m };
    allFacts.add(fresh);
    correlationFacts.set(m.tags, fresh);
    return fresh;
  };

  const sigma: SigmaEngine = createSigmaEngine({
    rules: opts.rules,
    ...(opts.placeholders ? { placeholders: opts.placeholders } : {}),
    allowedLatenessMs: opts.allowedLatenessMs ?? 60_000,
    sink,
    // A correlation match feeding another correlation is carried as the match itself.
    carry: (m) =>
      new ObjectCarried(m as unknown as Record<string, unknown>, undefined, alertEventRef),
  });

  const foldAlert = (a: Alert, absolute: boolean): void => {
    const key = `${a.rule.name ?? a.rule.id ?? a.rule.title}|${a.entity.type}:${a.entity.value}|${JSON.stringify(a.groupKey)}`;
    stats.alerts++;
    const ep = episodes.fold(
      key,
      a.firstSeenMs,
      a.lastSeenMs,
      a.count,
      a.events.map((r) => new RefCarried(r)),
      a.eventsOmitted,
      gapMs,
      absolute,
    );
    ep.source = { kind: 'alert', alert: a };
    ep.data = undefined;
    changed(ep);
  };

  const tick = (t: number): void => {
    for (const a of anomaly.advanceTo(t)) foldAlert(a, true);
    for (const a of silence.check(t)) foldAlert(a, true);
  };

  /** After the Sigma part of an event: patterns, baselines, the event-time silence check. */
  const rest = (
    t: number,
    patterns: readonly Alert[] | undefined,
    source: string | undefined,
    name: string,
  ): void => {
    if (patterns !== undefined) for (const a of patterns) foldAlert(a, false);
    if (source !== undefined) {
      silence.observe(source, t);
      for (const a of anomaly.observe(source, name, t)) foldAlert(a, true);
    }
    if (t > maxTime) {
      maxTime = t;
      // Event-time silence checks at most once a minute of event time: cheap, and replay of a
      // file finds gaps inside it the way live operation would have.
      if (t - lastSilenceCheck >= 60_000) {
        lastSilenceCheck = t;
        for (const a of silence.check(t)) foldAlert(a, true);
      }
    }
  };

  // With `collect` nothing is returned: one frozen empty array serves every call (two fresh
  // arrays per event were a third of the ordered stage's garbage; bench/scan.mjs --parts).
  const begin = (): void => {
    if (!collect) out = [];
  };
  const result = (): Alert[] => {
    if (collect) return COLLECTED;
    const r = out;
    out = [];
    return r;
  };

  return {
    rules: sigma.rules,
    sigma,
    process(event, ctx = {}) {
      stats.events++;
      const t = typeof event.time === 'string' ? Date.parse(event.time) : NaN;
      if (!Number.isFinite(t)) {
        stats.eventsWithoutTime++;
        return [];
      }
      begin();
      sigma.beginEvent(t);
      const seq = ctx.seq;
      // One carried event per event, made on its first hit: an event is one event however many
      // rules and correlations it feeds.
      let carried: Carried | undefined;
      sigma.matchRules(event, (rule, view) =>
        sigma.hitRule(
          rule,
          t,
          sigma.feedValues(rule, view),
          (carried ??= new ObjectCarried(event, seq, alertEventRef)),
          view,
        ),
      );
      let patterns: Alert[] | undefined;
      if (runPatterns && isRequestLike(event)) {
        stats.patternRequests++;
        const findings = inspectEvent(event);
        if (findings.length > 0) patterns = patternAlerts(event, findings, t, seq);
      }
      const source =
        ctx.source ??
        (event['log.source_id'] as string | undefined) ??
        (event['log.source'] as string | undefined);
      rest(t, patterns, source, String(event['event.name']));
      return result();
    },
    processSummary(s) {
      stats.events++;
      begin();
      const t = s.timeMs;
      sigma.beginEvent(t);
      const hits = s.hits;
      let p = s.hitsFrom;
      for (let h = 0; h < s.hitCount; h++) {
        sigma.hitRule(hits[p] as number, t, hits, s.carried, undefined, p + 2);
        p += 2 + (hits[p + 1] as number);
      }
      rest(t, s.patterns, s.source, s.name);
      return result();
    },
    countPatternRequests(n) {
      stats.patternRequests += n;
    },
    countEventWithoutTime() {
      stats.events++;
      stats.eventsWithoutTime++;
    },
    takeAlerts() {
      // Two episodes may share an id (one evicted, then one started at the same time): the
      // one folded last is the alert's current state.
      const byId = new Map<string, Episode>();
      for (const ep of touched) {
        ep.touched = false;
        const other = byId.get(ep.id);
        if (other === undefined || other.foldSeq < ep.foldSeq) byId.set(ep.id, ep);
      }
      touched.length = 0;
      return [...byId.values()].map(materialize);
    },
    advanceTo(t) {
      begin();
      sigma.advanceTo(t);
      tick(t);
      return result();
    },
    finish() {
      if (!Number.isFinite(maxTime)) return [];
      begin();
      // Close every correlation window (lt/lte conditions decide here) without declaring the
      // sources of a finished file silent.
      sigma.advanceTo(maxTime + 366 * 86_400_000);
      for (const a of anomaly.advanceTo(maxTime + 1)) foldAlert(a, true);
      return result();
    },
    stats: () => ({
      ...stats,
      episodes: episodes.size,
      episodesEvicted: episodes.evicted,
      silenceEvicted: silence.evicted,
      anomalyEvicted: anomaly.evicted,
      sigma: sigma.stats(),
    }),
    silenceStatus: () => silence.status(),
  };
}
