/**
 * The shared ingest pipeline for every non-HTTP source (syslog, OTLP, files): the same
 * validation, redaction, limits and metrics as POST /v1/events, and the same durability — the
 * promise resolves only after the valid items are committed (ARCHITECTURE §2: acknowledged
 * means durable). Items share the server's in-flight budget: when it is full the sink waits
 * for room instead of growing memory, so the source's own backpressure (TCP pause, file poll
 * delay) takes over. An HTTP route does not wait: it is admitted by withAdmission (429 when the
 * budget is full) and stores through ingestReserved.
 *
 * @example
 * const sink = createIngestSink({ store, prepare, metrics, budget, onCommitted });
 * const r = await sink.ingest([{ 'event.name': 'log', message: 'hi' }], 'syslog:192.0.2.7', 'syslog');
 */
import type { EventSink, SinkResult } from '../../sources/types.js';
import type { EventStore, PreparedEvent } from '../../storage/types.js';
import type { ServerMetrics } from '../metrics.js';
import type { InflightBudget } from './budget.js';
import { classify, storePrepared, type PrepareResult } from './route.js';

export interface IngestSinkOptions {
  readonly store: EventStore;
  readonly metrics: ServerMetrics;
  /** Validate one item as coming from `source`, stamping `log.source` with `logSource`. */
  readonly prepare: (input: unknown, source: string, logSource: string) => PrepareResult;
  readonly budget?: InflightBudget;
  /** Called with the highest seq stored after each commit (the commit feed). */
  readonly onCommitted: (maxSeq: number) => void;
  /** How long to wait between tries when the budget is full (ms). */
  readonly retryMs?: number;
}

export interface IngestSink extends EventSink {
  /** The rejection errors include the limit's config key, as the HTTP route's do. */
  ingest(
    items: readonly Record<string, unknown>[],
    source: string,
    logSource: string,
  ): Promise<SinkResult>;
  /**
   * As `ingest`, for a caller that already holds `items.length` events of the in-flight budget
   * (an HTTP route admitted by withAdmission, which answers 429 instead of waiting): nothing is
   * reserved or released here.
   */
  ingestReserved(
    items: readonly Record<string, unknown>[],
    source: string,
    logSource: string,
  ): Promise<SinkResult>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createIngestSink(o: IngestSinkOptions): IngestSink {
  const retryMs = o.retryMs ?? 20;

  async function reserve(n: number): Promise<void> {
    if (!o.budget) return;
    // The budget admits one batch when it is empty, so this always ends.
    while (!o.budget.tryReserve(0, n)) await sleep(retryMs);
    o.metrics.inflightEvents.set(o.budget.events);
  }

  /** Validate, store and count `items`; the caller holds their in-flight budget. */
  async function store(
    items: readonly Record<string, unknown>[],
    source: string,
    logSource: string,
  ): Promise<SinkResult> {
    let accepted = 0;
    let duplicates = 0;
    let rejected = 0;
    const errors: { index: number; field: string; reason: string }[] = [];
    o.metrics.received.inc({ source }, items.length);
    const prepared: PreparedEvent[] = [];
    for (let i = 0; i < items.length; i++) {
      let r: PrepareResult;
      try {
        r = o.prepare(items[i], source, logSource);
      } catch (e) {
        r = {
          ok: false,
          errors: [{ field: '(item)', reason: `could not be processed: ${(e as Error).message}` }],
        };
      }
      if (r.ok) {
        prepared.push(r.prepared);
        continue;
      }
      rejected++;
      o.metrics.rejected.inc({ source, reason: classify(r.errors[0]?.reason ?? '').label });
      for (const er of r.errors) errors.push({ index: i, field: er.field, reason: er.reason });
    }
    if (prepared.length > 0) ({ accepted, duplicates } = await storePrepared(o, source, prepared));
    return { accepted, duplicates, rejected, errors };
  }

  return {
    async ingest(items, source, logSource) {
      if (items.length === 0) return { accepted: 0, duplicates: 0, rejected: 0, errors: [] };
      await reserve(items.length);
      try {
        return await store(items, source, logSource);
      } finally {
        if (o.budget) {
          o.budget.release(0, items.length);
          o.metrics.inflightEvents.set(o.budget.events);
        }
      }
    },
    async ingestReserved(items, source, logSource) {
      if (items.length === 0) return { accepted: 0, duplicates: 0, rejected: 0, errors: [] };
      return store(items, source, logSource);
    },
  };
}
