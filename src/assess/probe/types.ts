/** What `logwarden probe` records (the JSON report's `probe` object). */

export interface ProbeOutcome {
  /** Probe shape name (probe-shapes.ts). */
  readonly name: string;
  readonly label: string;
  /** The unique marker carried by this probe's requests. */
  readonly canary: string;
  readonly requests: number;
  /** HTTP statuses the target answered (distinct, in order of first appearance). */
  readonly statuses: readonly number[];
  /** Events (or log lines) found carrying the canary. */
  readonly loggedEvents: number;
  readonly logged: boolean;
  /** Who/what/where fields present on the logged events. */
  readonly fields: readonly string[];
  readonly missingFields: readonly string[];
  /** Whether an alert covered the probe's events; null when alerts could not be checked. */
  readonly alerted: boolean | null;
  readonly alertRules: readonly string[];
  /** Whether detection is expected to alert on this probe. */
  readonly expectAlert: boolean;
  /** From the first request sent to the first event stored (ms), when known. */
  readonly latencyMs?: number;
}

export interface ProbeResult {
  readonly target: string;
  /** Where the probe looked: `api URL` or `file PATH`. */
  readonly checkedVia: string;
  /** How alerts were checked: the server's alerts API, the detection engine over the events read back, or not at all. */
  readonly alertsVia: 'api' | 'engine' | 'none';
  readonly startedAt: string;
  readonly requestsSent: number;
  readonly probes: readonly ProbeOutcome[];
}
