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
import type { LoadedSigma, SigmaMatch } from '../sigma/types.js';
import type { Placeholders } from '../sigma/modifiers.js';
import { inspectEvent } from '../patterns/inspect.js';
import {
  alertEventRef,
  attackTechniques,
  pickEntity,
  severityFromLevel,
  type Alert,
} from '../alerts/alert.js';
import { createEpisodeTracker } from './episodes.js';
import { createSilenceDetector, DEFAULT_SILENCE, type SilenceOptions } from './silence.js';
import { createAnomalyDetector, DEFAULT_ANOMALY, type AnomalyOptions } from './anomaly.js';
import { patternAlerts } from './pattern-alerts.js';

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
  /** Move the watermark (event time, or wall time when live). */
  advanceTo(timeMs: number): Alert[];
  /** End of input (scan): close every open window at the last event time. */
  finish(): Alert[];
  stats(): DetectionStats;
  silenceStatus(): ReturnType<ReturnType<typeof createSilenceDetector>['status']>;
  readonly rules: readonly LoadedSigma[];
}

/** Events worth running the request detectors on. */
function isRequestLike(e: Readonly<Record<string, unknown>>): boolean {
  return (
    e['url.path'] !== undefined ||
    e['url.query'] !== undefined ||
    e['user_agent.original'] !== undefined ||
    (e['attributes'] !== undefined &&
      typeof (e['attributes'] as Record<string, unknown>)['http.request.headers'] === 'object')
  );
}

export function createDetectionEngine(opts: DetectionEngineOptions): DetectionEngine {
  const sigma: SigmaEngine = createSigmaEngine({
    rules: opts.rules,
    ...(opts.placeholders ? { placeholders: opts.placeholders } : {}),
    allowedLatenessMs: opts.allowedLatenessMs ?? 60_000,
  });
  const runPatterns = opts.patterns ?? true;
  const silence = createSilenceDetector({ ...DEFAULT_SILENCE, ...opts.silence });
  const anomaly = createAnomalyDetector({ ...DEFAULT_ANOMALY, ...opts.anomaly });
  const episodes = createEpisodeTracker();
  const gapMs = opts.episodeGapMs ?? 10 * 60_000;
  // Correlation matches carry the event objects given to process(); their seqs live here.
  const seqOf = new WeakMap<object, number>();
  // One carried-event object per event: correlation matches repeat their window's events on
  // every further match, and rebuilding each ref was a hot spot of `scan` (bench/scan.mjs).
  const refOf = new WeakMap<object, ReturnType<typeof alertEventRef>>();
  const refFor = (e: Readonly<Record<string, unknown>>): ReturnType<typeof alertEventRef> => {
    let r = refOf.get(e);
    if (r === undefined) {
      r = alertEventRef(e, seqOf.get(e));
      refOf.set(e, r);
    }
    return r;
  };
  let maxTime = -Infinity;
  let lastSilenceCheck = -Infinity;
  const stats = {
    events: 0,
    eventsWithoutTime: 0,
    patternRequests: 0,
    alerts: 0,
    informational: 0,
  };

  const fromSigma = (m: SigmaMatch, event?: Readonly<Record<string, unknown>>): Alert => {
    const key = m.groupKey ?? {};
    const contributing = (m.events ?? (event ? [event] : [])) as Readonly<
      Record<string, unknown>
    >[];
    const entity = pickEntity(key, contributing[contributing.length - 1]);
    const count = m.kind === 'correlation' ? (m.count ?? contributing.length) : 1;
    const keyText = Object.entries(key)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(', ');
    return {
      id: '',
      kind: m.kind === 'correlation' ? 'correlation' : 'rule',
      rule: {
        ...(m.ruleId ? { id: m.ruleId } : {}),
        ...(m.ruleName ? { name: m.ruleName } : {}),
        title: m.title,
      },
      severity: severityFromLevel(m.level),
      entity,
      groupKey:
        m.kind === 'correlation'
          ? key
          : entity.type === 'none'
            ? {}
            : { [entity.type]: entity.value },
      count,
      firstSeenMs: m.firstMs ?? m.timeMs,
      lastSeenMs: m.lastMs ?? m.timeMs,
      tags: [...m.tags],
      attack: attackTechniques(m.tags),
      summary:
        m.kind === 'correlation'
          ? `${m.title}${keyText ? ` (${keyText})` : ''}`
          : `${m.title}${entity.value ? `: ${entity.value}` : ''}`,
      events: contributing.map(refFor),
      eventsOmitted: m.eventsDropped ?? 0,
      ...(typeof contributing[0]?.['service.name'] === 'string'
        ? { service: contributing[0]['service.name'] as string }
        : {}),
      ...(typeof contributing[0]?.['deployment.environment'] === 'string'
        ? { environment: contributing[0]['deployment.environment'] as string }
        : {}),
      ...(typeof contributing[0]?.['host.name'] === 'string'
        ? { host: contributing[0]['host.name'] as string }
        : {}),
    };
  };

  const fold = (a: Alert, absolute: boolean): Alert => {
    const key = `${a.rule.name ?? a.rule.id ?? a.rule.title}|${a.entity.type}:${a.entity.value}|${JSON.stringify(a.groupKey)}`;
    stats.alerts++;
    return episodes.fold(key, a, gapMs, absolute);
  };

  // Sigma spec: `level: informational` rules enrich and feed correlations; "no case or alerting
  // should be triggered by such rules". They are counted, not alerted.
  const foldSigma = (
    ms: readonly SigmaMatch[],
    event?: Readonly<Record<string, unknown>>,
  ): Alert[] => {
    const out: Alert[] = [];
    for (const m of ms) {
      if (m.level?.toLowerCase() === 'informational') stats.informational++;
      else out.push(fold(fromSigma(m, event), m.kind === 'correlation'));
    }
    return out;
  };

  const tick = (t: number): Alert[] => {
    const out: Alert[] = [];
    for (const a of anomaly.advanceTo(t)) out.push(fold(a, true));
    for (const a of silence.check(t)) out.push(fold(a, true));
    return out;
  };

  return {
    rules: sigma.rules,
    process(event, ctx = {}) {
      stats.events++;
      const t = typeof event.time === 'string' ? Date.parse(event.time) : NaN;
      if (!Number.isFinite(t)) {
        stats.eventsWithoutTime++;
        return [];
      }
      if (ctx.seq !== undefined) seqOf.set(event, ctx.seq);
      const out = foldSigma(sigma.process(event, t), event);
      if (runPatterns && isRequestLike(event)) {
        stats.patternRequests++;
        const findings = inspectEvent(event);
        if (findings.length > 0)
          for (const a of patternAlerts(event, findings, t, ctx.seq)) out.push(fold(a, false));
      }
      const source =
        ctx.source ??
        (event['log.source_id'] as string | undefined) ??
        (event['log.source'] as string | undefined);
      if (source !== undefined) {
        silence.observe(source, t);
        for (const a of anomaly.observe(source, String(event['event.name']), t))
          out.push(fold(a, true));
      }
      if (t > maxTime) {
        maxTime = t;
        // Event-time silence checks at most once a minute of event time: cheap, and replay of a
        // file finds gaps inside it the way live operation would have.
        if (t - lastSilenceCheck >= 60_000) {
          lastSilenceCheck = t;
          for (const a of silence.check(t)) out.push(fold(a, true));
        }
      }
      return out;
    },
    advanceTo(t) {
      return [...foldSigma(sigma.advanceTo(t)), ...tick(t)];
    },
    finish() {
      if (!Number.isFinite(maxTime)) return [];
      // Close every correlation window (lt/lte conditions decide here) without declaring the
      // sources of a finished file silent.
      return [
        ...foldSigma(sigma.advanceTo(maxTime + 366 * 86_400_000)),
        ...anomaly.advanceTo(maxTime + 1).map((a) => fold(a, true)),
      ];
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
