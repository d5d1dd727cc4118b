import { z } from 'zod';
import { defineSection } from './define.js';

const secs = () => z.number().int().positive();

/** Streaming detection: which rules run, and the silence and rate baselines (on by default). */
export const detectionSection = defineSection({
  schema: z
    .strictObject({
      enabled: z.boolean().default(true).describe('Run detection on every stored event.'),
      builtin_rules: z
        .boolean()
        .default(true)
        .describe('Load the shipped OWASP rule pack (rules/ in the package).'),
      rules_dirs: z
        .array(z.string().min(1))
        .default([])
        .describe(
          'Extra directories of Sigma rules (e.g. a SigmaHQ checkout), loaded recursively.',
        ),
      placeholders: z
        .record(z.string(), z.array(z.string()))
        .default({})
        .describe(
          'Values for Sigma %placeholders% used by `expand` rules, e.g. { admin_users: [root] }.',
        ),
      patterns: z
        .boolean()
        .default(true)
        .describe(
          'Inspect requests for SQLi, XSS, traversal, command injection, Log4Shell, SSRF, scanners.',
        ),
      allowed_lateness_secs: secs()
        .default(60)
        .describe('How far event time may go backwards before correlation windows close.'),
      replay_window_secs: secs()
        .default(3600)
        .describe('On start, recent events replayed to rebuild correlation state.'),
      tick_secs: secs()
        .default(5)
        .describe('How often windows, rate buckets and silence are checked.'),
      silence: z
        .strictObject({
          enabled: z.boolean().default(true).describe('Alert when a source stops sending.'),
          factor: z
            .number()
            .positive()
            .default(10)
            .describe('Silent after this many times its usual gap.'),
          min_silence_secs: secs().default(900).describe('Never silent sooner than this.'),
          min_events: z
            .number()
            .int()
            .positive()
            .default(20)
            .describe('Events before a cadence is trusted.'),
        })
        .prefault({}),
      anomaly: z
        .strictObject({
          enabled: z
            .boolean()
            .default(true)
            .describe('Alert on sharp rate spikes per source and event kind.'),
          bucket_secs: secs().default(60),
          warmup_buckets: z.number().int().positive().default(30),
          sigmas: z.number().positive().default(4),
          min_count: z.number().int().positive().default(50),
          peak_ratio: z
            .number()
            .min(1)
            .default(1.5)
            .describe(
              'A spike must also exceed this multiple of the largest bucket of the last day (decaying), so a burst that recurs at the same size (an hourly job) alerts once, not every time.',
            ),
        })
        .prefault({}),
    })
    .prefault({}),
});
