import { z } from 'zod';
import { defineSection } from './define.js';

const days = () => z.number().int().positive();

/**
 * How long event bodies are kept, per category. Leaf hashes stay forever so old checkpoints
 * still verify (ARCHITECTURE §4).
 */
export const retentionSection = defineSection({
  schema: z
    .strictObject({
      security_days: days()
        .default(400)
        .describe(
          'Security events (every OWASP vocabulary category): kept about 13 months by default.',
        ),
      http_days: days().default(30).describe('Plain access-log events (event.category http).'),
      log_days: days().default(30).describe('Free-form log events (event.category log).'),
      categories: z
        .record(z.string().regex(/^[a-z][a-z0-9_]*$/), days())
        .default({})
        .describe('Per event.category overrides, e.g. { authn: 730 }.'),
      interval_secs: z
        .number()
        .int()
        .positive()
        .default(3600)
        .describe('How often the background pruning runs.'),
    })
    .prefault({}),
});

/** The store's retention policy from the config section. */
export function retentionPolicy(r: {
  security_days: number;
  http_days: number;
  log_days: number;
  categories: Record<string, number>;
}): { days: Record<string, number> & { default: number } } {
  return {
    days: { ...r.categories, http: r.http_days, log: r.log_days, default: r.security_days },
  };
}
