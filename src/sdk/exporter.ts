/**
 * The exporter interface between the logger and delivery: a synchronous, cheap `export` on the
 * hot path and async `flush`/`shutdown` (the OpenTelemetry sdk-logs shape, STYLE habit 2).
 */
import type { SecurityEvent } from '../core/event.js';
import type { SdkStats } from './stats.js';

export interface EventExporter {
  /** Takes ownership of `event` (it may be redacted in place later). Never throws, never blocks. */
  export(event: SecurityEvent): void;
  /** Resolves when everything exported so far was delivered or spooled (or the timeout passed). Never rejects. */
  flush(timeoutMs?: number): Promise<void>;
  /** Flushes, then stops. Idempotent: a second call returns the first call's promise. Never rejects. */
  shutdown(timeoutMs?: number): Promise<void>;
  /** A snapshot of the counters. */
  stats(): SdkStats;
}
