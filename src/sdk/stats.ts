/**
 * The SDK's own telemetry in the fixed vocabulary (STYLE habit 9): received (emitted), sent,
 * dropped{reason}, errors. In a security tool a silent drop is a finding, so every drop is
 * counted here and announced through a rate-limited warning.
 */

/** Why an event did not reach the collector. */
export type DropReason = 'queue_full' | 'spool_full' | 'rejected' | 'shutdown' | 'disabled';

export interface SdkStats {
  /** Events accepted by `emit` (after the enabled check). */
  emitted: number;
  /** Events the collector acknowledged (accepted or duplicate). */
  sent: number;
  /** Events the collector reported as duplicates (already stored: a retry after a lost answer). */
  duplicates: number;
  /** Events written to the on-disk spool while the collector was unreachable. */
  spooled: number;
  /** Events read back from the spool and sent. */
  replayed: number;
  /** Events waiting in memory. */
  queued: number;
  /** Bytes currently held in the on-disk spool. */
  spoolBytes: number;
  dropped: Record<DropReason, number>;
  /** Failed delivery attempts that will be retried. */
  retries: number;
  /** Internal errors caught so they never reach the application. */
  errors: number;
  lastError: string | undefined;
}

export function createStats(): SdkStats {
  return {
    emitted: 0,
    sent: 0,
    duplicates: 0,
    spooled: 0,
    replayed: 0,
    queued: 0,
    spoolBytes: 0,
    dropped: { queue_full: 0, spool_full: 0, rejected: 0, shutdown: 0, disabled: 0 },
    retries: 0,
    errors: 0,
    lastError: undefined,
  };
}

export type WarningSink = (message: string) => void;

/** Default sink: a process warning (visible on stderr, observable via `process.on('warning')`). */
export const processWarning: WarningSink = (message) => {
  process.emitWarning(message, { code: 'LOGWARDEN_SDK' });
};

/**
 * A warner that says each kind of problem at most once per interval (the counts in `stats()`
 * stay exact; only the noise is limited).
 */
export function createRateLimitedWarner(
  sink: WarningSink,
  intervalMs = 30_000,
): (kind: string, message: string) => void {
  const last = new Map<string, number>();
  return (kind, message) => {
    const now = Date.now();
    const prev = last.get(kind);
    if (prev !== undefined && now - prev < intervalMs) return;
    last.set(kind, now);
    try {
      sink(`logwarden: ${message}`);
    } catch {
      // a broken warning sink must not break the app either
    }
  };
}
