import { z } from 'zod';
import { defineSection } from './define.js';

/**
 * The tamper-evident ledger (ARCHITECTURE §4, docs/integrity.md): signed checkpoints over every
 * stored event, heartbeats, loss events. On by default: integrity is not an option to remember.
 */
export const ledgerSection = defineSection({
  schema: z
    .strictObject({
      enabled: z
        .boolean()
        .default(true)
        .describe('Sign checkpoints of the event Merkle tree, write heartbeat and loss events.'),
      origin: z
        .string()
        .regex(/^[^\s+]+$/, 'no spaces nor "+"')
        .default('')
        .describe(
          'The log name in every checkpoint (the key name). Empty: logwarden.<host name>. Never change it once signed.',
        ),
      key_file: z
        .string()
        .default('')
        .describe(
          'Private signing key (mode 0600). Empty: <data>/ledger.key, generated on first start.',
        ),
      vkey_file: z
        .string()
        .default('')
        .describe(
          'Verification keys, one per line (old ones stay after a rotation). Empty: <data>/ledger.vkey. Copy it to auditors and replicas.',
        ),
      checkpoint_interval_ms: z
        .number()
        .int()
        .min(50)
        .max(60_000)
        .default(1000)
        .describe('Sign a checkpoint at least this often while events arrive.'),
      checkpoint_max_entries: z
        .number()
        .int()
        .positive()
        .default(10_000)
        .describe('Sign early once this many entries wait unsigned.'),
      heartbeat_interval_secs: z
        .number()
        .positive()
        .max(3600)
        .default(5)
        .describe('Append a heartbeat event this often, so silence is visible.'),
    })
    .prefault({}),
});
