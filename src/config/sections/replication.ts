import { z } from 'zod';
import { defineSection } from './define.js';

/**
 * Replica role (ARCHITECTURE §4): receive other logwarden origins' entries and checkpoints,
 * verify, store, cosign. Origins are authenticated by their ledger verification keys: a replica
 * accepts only entries that hash to a checkpoint signed by a configured origin key.
 */
export const replicationSection = defineSection({
  schema: z
    .strictObject({
      role: z
        .enum(['origin', 'replica'])
        .default('origin')
        .describe(
          'replica: also accept POST /v1/replica/entries from the origins listed below (serve --role replica).',
        ),
      origins: z
        .array(
          z.strictObject({
            vkey: z
              .string()
              .min(1)
              .describe("The origin's ledger vkey (contents of its ledger.vkey)."),
          }),
        )
        .default([])
        .describe('Origins this replica accepts, by verification key; nothing else is accepted.'),
      cosigner_name: z
        .string()
        .regex(/^[^\s+]*$/, 'no spaces nor "+"')
        .default('')
        .describe("Name in this replica's cosignatures. Empty: logwarden-replica.<host name>."),
      key_file: z
        .string()
        .default('')
        .describe(
          'Cosigner private key (0600). Empty: <data>/replica.key, generated on first start.',
        ),
      max_body_bytes: z
        .number()
        .int()
        .positive()
        .default(64 * 1024 * 1024)
        .describe('Largest accepted replication request.'),
    })
    .prefault({}),
  validate: (v) =>
    v.role === 'replica' && v.origins.length === 0
      ? [{ path: ['origins'], message: 'a replica needs at least one origin vkey' }]
      : [],
});
