/**
 * Silent sources (on by default): every source learns its own cadence — an exponentially
 * weighted mean of the gaps between its events — and is reported silent when nothing has come
 * for `factor` times that mean (and at least `minSilenceMs`). A source must have shown a steady
 * flow first (`minEvents`), so a one-off sender never raises an alarm. One alert per silence;
 * when the source speaks again it is re-armed. Judged on the clock passed in: wall time when
 * live, event time when replaying a file.
 */
import { alertId, type Alert } from '../alerts/alert.js';

export interface SilenceOptions {
  readonly enabled: boolean;
  /** Multiple of the learned mean gap that counts as silence. */
  readonly factor: number;
  /** Never call a source silent sooner than this. */
  readonly minSilenceMs: number;
  /** Events a source must have sent before its cadence is trusted. */
  readonly minEvents: number;
  /** Sources tracked at most (the least recently heard are dropped, counted). */
  readonly maxSources: number;
}

export const DEFAULT_SILENCE: SilenceOptions = {
  enabled: true,
  factor: 10,
  minSilenceMs: 15 * 60_000,
  minEvents: 20,
  maxSources: 10_000,
};

interface SourceState {
  lastMs: number;
  meanGapMs: number;
  events: number;
  silent: boolean;
}

export interface SilenceDetector {
  observe(source: string, timeMs: number): void;
  check(nowMs: number): Alert[];
  /** Sources and whether each is currently silent, for the dashboard. */
  status(): Array<{ source: string; lastMs: number; meanGapMs: number; silent: boolean }>;
  readonly evicted: number;
}

const ALPHA = 0.1;

export function createSilenceDetector(opts: SilenceOptions = DEFAULT_SILENCE): SilenceDetector {
  const sources = new Map<string, SourceState>();
  // The most recently heard source is already last in the Map: no re-insert (one source = one
  // file in `scan`, where this runs per line).
  let last: string | undefined;
  let evicted = 0;
  return {
    observe(source, t) {
      if (!opts.enabled) return;
      let s = sources.get(source);
      if (!s) {
        s = { lastMs: t, meanGapMs: 0, events: 0, silent: false };
      } else {
        if (source !== last) sources.delete(source);
        if (t > s.lastMs) {
          const gap = t - s.lastMs;
          s.meanGapMs = s.events <= 1 ? gap : s.meanGapMs + ALPHA * (gap - s.meanGapMs);
          s.lastMs = t;
        }
      }
      s.events++;
      s.silent = false;
      if (source !== last) sources.set(source, s);
      last = source;
      if (sources.size > opts.maxSources) {
        const oldest = sources.keys().next().value as string;
        sources.delete(oldest);
        if (oldest === last) last = undefined;
        evicted++;
      }
    },
    check(now) {
      if (!opts.enabled) return [];
      const out: Alert[] = [];
      for (const [source, s] of sources) {
        if (s.silent || s.events < opts.minEvents) continue;
        const limit = Math.max(opts.minSilenceMs, opts.factor * s.meanGapMs);
        if (now - s.lastMs <= limit) continue;
        s.silent = true;
        out.push({
          id: alertId('lw_source_silent', source, s.lastMs),
          kind: 'silence',
          rule: { name: 'lw_source_silent', title: 'Source went silent' },
          severity: 'high',
          entity: { type: 'source', value: source },
          groupKey: { 'log.source_id': source },
          count: 1,
          firstSeenMs: s.lastMs,
          lastSeenMs: now,
          tags: ['attack.defense_evasion', 'attack.t1562.002'],
          attack: ['T1562.002'],
          summary: `${source} sent nothing for ${formatDuration(now - s.lastMs)} (it usually sends every ${formatDuration(s.meanGapMs)})`,
          events: [],
          eventsOmitted: 0,
        });
      }
      return out;
    },
    status: () =>
      [...sources].map(([source, s]) => ({
        source,
        lastMs: s.lastMs,
        meanGapMs: s.meanGapMs,
        silent: s.silent,
      })),
    get evicted() {
      return evicted;
    },
  };
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 120) return `${Math.round(s)}s`;
  const m = s / 60;
  if (m < 120) return `${Math.round(m)}min`;
  const h = m / 60;
  if (h < 48) return `${Math.round(h)}h`;
  return `${Math.round(h / 24)}d`;
}
