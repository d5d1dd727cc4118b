/**
 * Rate anomalies: for every (source, event kind) the number of events per bucket (a minute by
 * default, on the clock passed in) is compared with a learned baseline — an exponentially
 * weighted mean and variance of past buckets. A bucket far above its baseline (more than
 * `sigmas` deviations, `ratio` times the mean, and at least `minCount` events) raises an alert.
 * Keys must have been seen for `warmupBuckets` buckets first. Drops to zero are the silence
 * detector's job. State is bounded; evictions are counted.
 *
 * Recurring bursts: a mean over minutes forgets an hourly cron job or a nightly batch within the
 * hour, so every run would look like a spike. Each key therefore also keeps its peak bucket,
 * decaying with a half-life of `peakHalfLifeMs` (a day by default); a bucket must also exceed
 * `peakRatio` times that recent peak. A burst that recurs at the same size alerts at most once
 * (the first time it is seen after warm-up); one clearly larger than anything of the last day
 * still alerts.
 */
import { alertId, type Alert } from '../alerts/alert.js';

export interface AnomalyOptions {
  readonly enabled: boolean;
  readonly bucketMs: number;
  readonly warmupBuckets: number;
  readonly sigmas: number;
  readonly ratio: number;
  readonly minCount: number;
  readonly maxKeys: number;
  /** A bucket must exceed this multiple of the key's recent (decaying) peak bucket. */
  readonly peakRatio: number;
  /** Half-life of the remembered peak. */
  readonly peakHalfLifeMs: number;
}

export const DEFAULT_ANOMALY: AnomalyOptions = {
  enabled: true,
  bucketMs: 60_000,
  warmupBuckets: 30,
  sigmas: 4,
  ratio: 3,
  minCount: 50,
  maxKeys: 20_000,
  peakRatio: 1.5,
  peakHalfLifeMs: 24 * 3600_000,
};

interface KeyState {
  source: string;
  name: string;
  bucket: number;
  count: number;
  mean: number;
  variance: number;
  buckets: number;
  /** Largest bucket seen, decayed by the half-life per bucket since. */
  peak: number;
}

const ALPHA = 0.05;
/** observe()'s answer when nothing is unusual (never changed). */
const NONE: Alert[] = [];

export interface AnomalyDetector {
  observe(source: string, name: string, timeMs: number): Alert[];
  /** Close buckets that ended before `nowMs` (call on a timer when live). */
  advanceTo(nowMs: number): Alert[];
  readonly evicted: number;
}

export function createAnomalyDetector(opts: AnomalyOptions = DEFAULT_ANOMALY): AnomalyDetector {
  const keys = new Map<string, KeyState>();
  let evicted = 0;
  const peakDecay = Math.pow(0.5, opts.bucketMs / Math.max(opts.peakHalfLifeMs, opts.bucketMs));

  /** Fold the finished bucket of `s` into its baseline, judging it first; then skip to `bucket`. */
  const close = (s: KeyState, bucket: number, out: Alert[]): void => {
    const judged = s.buckets >= opts.warmupBuckets;
    const sd = Math.sqrt(s.variance);
    if (
      judged &&
      s.count >= opts.minCount &&
      s.count > s.mean + opts.sigmas * sd &&
      s.count >= opts.ratio * Math.max(s.mean, 1) &&
      s.count > opts.peakRatio * s.peak
    ) {
      const start = s.bucket * opts.bucketMs;
      out.push({
        id: alertId('lw_rate_anomaly', s.source, s.name, start),
        kind: 'anomaly',
        rule: { name: 'lw_rate_anomaly', title: 'Unusual event rate' },
        severity: 'medium',
        entity: { type: 'source', value: s.source },
        groupKey: { 'log.source_id': s.source, 'event.name': s.name },
        count: s.count,
        firstSeenMs: start,
        lastSeenMs: start + opts.bucketMs - 1,
        tags: ['attack.impact'],
        attack: [],
        summary: `${s.count} ${s.name} events from ${s.source} in ${opts.bucketMs / 1000}s, usually ${s.mean.toFixed(1)} ± ${sd.toFixed(1)}`,
        events: [],
        eventsOmitted: 0,
      });
    }
    // Update the baseline with this bucket and with the empty buckets in between (capped).
    const update = (x: number): void => {
      const d = x - s.mean;
      s.mean += ALPHA * d;
      s.variance = (1 - ALPHA) * (s.variance + ALPHA * d * d);
      s.buckets++;
    };
    update(s.count);
    for (let i = 0, empty = Math.min(bucket - s.bucket - 1, 120); i < empty; i++) update(0);
    s.peak = Math.max(s.peak, s.count) * Math.pow(peakDecay, bucket - s.bucket);
    s.bucket = bucket;
    s.count = 0;
  };

  // The states by source, then event name (both strings the caller mostly reuses): building
  // the key string per event showed in the ordered stage of `scan` (bench/scan.mjs). Only
  // states that are in `keys`: emptied whenever a key is evicted.
  const bySource = new Map<string, Map<string, KeyState>>();
  return {
    observe(source, name, t) {
      if (!opts.enabled) return [];
      const bucket = Math.floor(t / opts.bucketMs);
      let byName = bySource.get(source);
      let s = byName?.get(name);
      if (s === undefined) {
        const k = `${source}\u0000${name}`;
        s = keys.get(k);
        if (!s) {
          s = { source, name, bucket, count: 0, mean: 0, variance: 0, buckets: 0, peak: 0 };
          keys.set(k, s);
          if (keys.size > opts.maxKeys) {
            keys.delete(keys.keys().next().value as string);
            evicted++;
            bySource.clear();
            byName = undefined;
          }
        }
        if (keys.get(k) === s) {
          if (byName === undefined) bySource.set(source, (byName = new Map()));
          byName.set(name, s);
        }
      }
      let out: Alert[] = NONE;
      if (bucket > s.bucket) {
        out = [];
        close(s, bucket, out);
        if (out.length === 0) out = NONE;
      }
      // Late events (an earlier bucket) count into the current one: close enough for rates.
      s.count++;
      return out;
    },
    advanceTo(now) {
      const out: Alert[] = [];
      if (!opts.enabled) return out;
      const bucket = Math.floor(now / opts.bucketMs);
      for (const s of keys.values()) if (bucket > s.bucket) close(s, bucket, out);
      return out;
    },
    get evicted() {
      return evicted;
    },
  };
}
