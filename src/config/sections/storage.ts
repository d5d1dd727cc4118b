import { z } from 'zod';
import { defineSection } from './define.js';

/** Where and how events are stored (embedded SQLite, WAL mode). */
export const storageSection = defineSection({
  schema: z
    .strictObject({
      path: z
        .string()
        .min(1)
        .default('./data')
        .describe(
          'Data directory (the CLI flag --data overrides it). Relative paths are from the working directory.',
        ),
      synchronous: z
        .enum(['full', 'normal'])
        .default('full')
        .describe(
          'SQLite synchronous mode. full: an acknowledged event survives power loss; normal: survives a process crash only (faster).',
        ),
    })
    .prefault({}),
});
