/**
 * What the source components share: one ingest sink per running server (the same validation,
 * redaction, limits, metrics and durability as POST /v1/events) and one in-flight budget.
 * Built lazily from the runtime context, once.
 */
import { prepareEvent } from '../../core/prepare.js';
import { createRedactor } from '../../core/redact.js';
import { createInflightBudget, type InflightBudget } from '../ingest/budget.js';
import type { PrepareResult } from '../ingest/route.js';
import { createIngestSink, type IngestSink } from '../ingest/sink.js';
import type { RuntimeContext } from '../runtime.js';

interface Shared {
  readonly sink: IngestSink;
  readonly budget: InflightBudget;
  readonly prepare: (input: unknown, source: string, logSource: string) => PrepareResult;
}

const shared = new WeakMap<RuntimeContext, Shared>();

function build(ctx: RuntimeContext): Shared {
  const s = ctx.config.server;
  const redactor = createRedactor({
    extraFields: ctx.config.redaction.fields,
    extraPatterns: ctx.config.redaction.patterns.map((p) => ({ name: p.name, pattern: p.regex })),
  });
  // One limits object for every call: prepareEvent merges it with its defaults once.
  const limits = { maxItemBytes: s.max_item_bytes, maxFields: s.max_fields, maxDepth: s.max_depth };
  const prepare = (input: unknown, source: string, logSource: string): PrepareResult =>
    prepareEvent(input, { source, logSource, limits, redactor }) as PrepareResult;
  const budget = createInflightBudget({
    maxBytes: s.max_inflight_bytes,
    maxEvents: s.max_inflight_events,
  });
  const sink = createIngestSink({
    store: ctx.store,
    metrics: ctx.metrics,
    prepare,
    budget,
    onCommitted: (maxSeq) => ctx.feed.committed(maxSeq),
  });
  return { sink, budget, prepare };
}

/** The server's shared ingest pipeline for sources. */
export function sourcesShared(ctx: RuntimeContext): Shared {
  let s = shared.get(ctx);
  if (s === undefined) {
    s = build(ctx);
    shared.set(ctx, s);
  }
  return s;
}
