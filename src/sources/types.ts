/**
 * What every source hands its records to. The server's ingest pipeline implements it
 * (validate, redact, store durably, then acknowledge); tests give a recording sink.
 */
export interface SourceRecord {
  /** A raw event object in our schema (parsed from a line, a frame or an OTLP record). */
  readonly item: Record<string, unknown>;
}

export interface SinkResult {
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: number;
  readonly errors: ReadonlyArray<{ index: number; field: string; reason: string }>;
}

export interface EventSink {
  /**
   * Validate and store `items` as coming from `source` (e.g. `syslog:192.0.2.7`). Resolves after
   * the valid ones are durably committed.
   */
  ingest(
    items: readonly Record<string, unknown>[],
    source: string,
    logSource: string,
  ): Promise<SinkResult>;
}

/** The counters every source reports, in the fixed telemetry vocabulary (STYLE habit 9). */
export interface SourceStats {
  received: number;
  sent: number;
  dropped: Record<string, number>;
  errors: number;
}

export interface SourceComponent {
  readonly name: string;
  start(): Promise<void>;
  close(): Promise<void>;
  stats(): SourceStats;
}

export function emptyStats(): SourceStats {
  return { received: 0, sent: 0, dropped: {}, errors: 0 };
}

export function countDrop(stats: SourceStats, reason: string, n = 1): void {
  stats.dropped[reason] = (stats.dropped[reason] ?? 0) + n;
}
