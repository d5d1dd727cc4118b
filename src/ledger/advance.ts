/**
 * What a replica (or any witness) checks before it stores entries and cosigns: the new signed
 * checkpoint verifies with the log's key, is for the expected origin, does not shrink, and is
 * consistent (RFC 9162 §2.1.4) with the tree head the replica already holds. Anything else is
 * a fork, a rollback or a forgery, and the replica must refuse to cosign.
 *
 * @example
 * const next = verifyAdvance({ note, logKeys, origin, held: { size: 100, root }, proof });
 * const cosig = cosignCheckpoint(note, cosigner, Math.floor(Date.now() / 1000));
 */
import { LogwardenError } from '../core/errors.js';
import { type Checkpoint, openCheckpoint } from './checkpoint.js';
import { verifyConsistency } from './merkle.js';
import type { NoteVerifier } from './note.js';

export interface HeldTreeHead {
  readonly size: number;
  readonly root: Buffer;
}

export interface AdvanceInput {
  /** The new signed checkpoint note from the log. */
  readonly note: string;
  readonly logKeys: readonly NoteVerifier[];
  readonly origin: string;
  /** The newest tree head this replica verified before; absent for the first checkpoint. */
  readonly held?: HeldTreeHead;
  /** Consistency proof from held.size to the new size (empty when held is absent or size 0). */
  readonly proof: readonly Uint8Array[];
}

/** Returns the new checkpoint, or throws: LW_LEDGER_FORK for a rollback or inconsistency. */
export function verifyAdvance(input: AdvanceInput): Checkpoint {
  const { checkpoint } = openCheckpoint(input.note, input.logKeys, input.origin);
  return checkAdvance(checkpoint, input.held, input.proof);
}

/**
 * The same checks for a checkpoint whose signature the caller already verified (openCheckpoint):
 * no shrink, and consistency with the held tree head. Returns it, or throws like verifyAdvance.
 */
export function checkAdvance(
  checkpoint: Checkpoint,
  held: HeldTreeHead | undefined,
  proof: readonly Uint8Array[],
): Checkpoint {
  if (held === undefined || held.size === 0) {
    if (proof.length > 0)
      throw new LogwardenError(
        'LW_LEDGER_INVALID',
        'advance: a proof was given but nothing is held yet',
      );
    return checkpoint;
  }
  if (checkpoint.size < held.size) {
    throw new LogwardenError(
      'LW_LEDGER_FORK',
      `advance: the log now signs size ${checkpoint.size}, below the ${held.size} already held (rollback)`,
    );
  }
  verifyConsistency(held.size, checkpoint.size, proof, held.root, checkpoint.root);
  return checkpoint;
}
