/**
 * A config section: its zod schema (with defaults) and a pure validation of cross-key rules.
 * Adding a section is one file plus one line in `sections/index.ts` (STYLE habit 3).
 */
import type { z } from 'zod';

/** One problem found by a section's pure validation: `path` is relative to the section. */
export interface ConfigIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

export interface ConfigSection<S extends z.ZodType = z.ZodType> {
  /** Schema of the section; every key has a default so an empty section is valid. */
  readonly schema: S;
  /** Rules that span keys (e.g. one limit below another). Pure: no I/O. */
  readonly validate?: (value: z.output<S>) => ConfigIssue[];
}

/**
 * @example
 * export const fooSection = defineSection({ schema: z.strictObject({ a: z.number().default(1) }).prefault({}) });
 */
export function defineSection<S extends z.ZodType>(section: ConfigSection<S>): ConfigSection<S> {
  return section;
}
