import { z } from 'zod';
import { CONFIG_SECTIONS } from './sections/index.js';

type SectionShape = { [K in keyof typeof CONFIG_SECTIONS]: (typeof CONFIG_SECTIONS)[K]['schema'] };

const sectionShape = Object.fromEntries(
  Object.entries(CONFIG_SECTIONS).map(([name, section]) => [name, section.schema]),
) as SectionShape;

/**
 * The whole config file. Strict at every level: an unknown key is an error, never ignored.
 *
 * @example configSchema.parse({ version: 1 }).server.listen // '127.0.0.1:7420'
 */
export const configSchema = z.strictObject({
  version: z.literal(1).describe('Config format version. Required; must be 1.'),
  ...sectionShape,
});

/** A loaded config with every default applied. */
export type Config = z.output<typeof configSchema>;
/** What a config file may contain (everything but `version` optional). */
export type ConfigInput = z.input<typeof configSchema>;
