/**
 * The server's Prometheus metrics, in the fixed vocabulary (STYLE habit 9): received, stored,
 * rejected{reason}, dropped{reason}, duplicates — per source. One registry per server instance
 * (not prom-client's global one) so that several servers in one process never mix counts.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ServerMetrics {
  readonly registry: Registry;
  readonly received: Counter<'source'>;
  readonly stored: Counter<'source'>;
  readonly duplicates: Counter<'source'>;
  readonly rejected: Counter<'source' | 'reason'>;
  readonly dropped: Counter<'source' | 'reason'>;
  readonly refusedRequests: Counter<'reason'>;
  readonly authFailures: Counter<'code'>;
  readonly requestDuration: Histogram<'method' | 'route' | 'status'>;
  readonly commitBatchSize: Histogram;
  readonly inflightEvents: Gauge;
  readonly inflightBytes: Gauge;
  /**
   * Hook for the ledger's `loss` events: called whenever rejected, dropped or refusedRequests is
   * incremented (so every place that counts a refusal also reports it, with no second call site).
   */
  onRefused(listener: (r: { source: string; reason: string; count: number }) => void): () => void;
}

type RefusalListener = Parameters<ServerMetrics['onRefused']>[0];

/** Wrap a labelled counter's inc() so each increment is also reported to the listeners. */
function tapRefusals<L extends string>(
  counter: Counter<L>,
  kind: string,
  listeners: Set<RefusalListener>,
): Counter<L> {
  const inc = counter.inc.bind(counter) as (labels: Record<string, string>, value?: number) => void;
  (counter as { inc: unknown }).inc = (labels: Record<string, string>, value?: number) => {
    inc(labels, value);
    for (const l of listeners)
      l({
        source: labels.source ?? 'http',
        reason: `${kind}:${labels.reason ?? 'unknown'}`,
        count: value ?? 1,
      });
  };
  return counter;
}

export function createServerMetrics(opts: { defaultMetrics?: boolean } = {}): ServerMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics !== false)
    collectDefaultMetrics({ register: registry, prefix: 'logwarden_' });
  const registers = [registry];
  const refusals = new Set<RefusalListener>();
  const metrics: Omit<ServerMetrics, 'onRefused'> = {
    registry,
    received: new Counter({
      name: 'logwarden_events_received_total',
      help: 'Events received (every item of every admitted request), per source.',
      labelNames: ['source'],
      registers,
    }),
    stored: new Counter({
      name: 'logwarden_events_stored_total',
      help: 'Events durably committed (new, not duplicates), per source.',
      labelNames: ['source'],
      registers,
    }),
    duplicates: new Counter({
      name: 'logwarden_events_duplicates_total',
      help: 'Events whose id was already stored (acknowledged, stored once), per source.',
      labelNames: ['source'],
      registers,
    }),
    rejected: new Counter({
      name: 'logwarden_events_rejected_total',
      help: 'Events refused because they were invalid (the sender got the reason), per source and reason.',
      labelNames: ['source', 'reason'],
      registers,
    }),
    dropped: new Counter({
      name: 'logwarden_events_dropped_total',
      help: 'Valid events not stored because of a server-side failure (e.g. store_failed), per source and reason.',
      labelNames: ['source', 'reason'],
      registers,
    }),
    refusedRequests: new Counter({
      name: 'logwarden_ingest_requests_refused_total',
      help: 'Ingest requests refused whole before reading their events (backpressure, draining, auth, limits).',
      labelNames: ['reason'],
      registers,
    }),
    authFailures: new Counter({
      name: 'logwarden_auth_failures_total',
      help: 'Requests refused for missing, wrong or insufficient credentials, by error code.',
      labelNames: ['code'],
      registers,
    }),
    requestDuration: new Histogram({
      name: 'logwarden_http_request_duration_seconds',
      help: 'HTTP request latency, by route.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    commitBatchSize: new Histogram({
      name: 'logwarden_commit_batch_events',
      help: 'Events per store.append call from the ingest API.',
      buckets: [1, 10, 100, 500, 1000, 5000, 10000],
      registers,
    }),
    inflightEvents: new Gauge({
      name: 'logwarden_ingest_inflight_events',
      help: 'Events read and awaiting commit (the backpressure queue depth).',
      registers,
    }),
    inflightBytes: new Gauge({
      name: 'logwarden_ingest_inflight_bytes',
      help: 'Request bytes reserved while awaiting commit.',
      registers,
    }),
  };
  tapRefusals(metrics.rejected, 'rejected', refusals);
  tapRefusals(metrics.dropped, 'dropped', refusals);
  tapRefusals(metrics.refusedRequests, 'refused', refusals);
  return {
    ...metrics,
    onRefused(listener) {
      refusals.add(listener);
      return () => refusals.delete(listener);
    },
  };
}
