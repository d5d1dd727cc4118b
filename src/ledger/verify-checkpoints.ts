/**
 * Step 1 of `verifyLocal`: every stored checkpoint's signature and row, then the remembered
 * checkpoints (notes seen earlier by a verify run or a replica). A stored checkpoint that does
 * not verify, or whose row disagrees with its signed note, is reported as tamper; a remembered
 * note that does not verify is bad input and throws.
 *
 * @example
 * const { signed, storedSigned } = loadSignedCheckpoints(ledger.checkpoints, opts, report);
 */
import { LogwardenError } from '../core/errors.js';
import { openCheckpoint } from './checkpoint.js';
import type { CheckpointLog } from './checkpoint-log.js';
import type { NoteVerifier } from './note.js';
import type { VerifyProblem } from './verify.js';

export interface Signed {
  readonly size: number;
  readonly root: Buffer;
  readonly timeMs: number;
  /** Where it came from, for messages ("checkpoint #12", "remembered checkpoint 1"). */
  readonly from: string;
  /** The signed note (stored checkpoints). */
  readonly note?: string;
}

export function loadSignedCheckpoints(
  log: CheckpointLog,
  opts: {
    readonly keys: readonly NoteVerifier[];
    readonly origin?: string;
    readonly remembered?: readonly string[];
  },
  report: (p: VerifyProblem) => void,
): { signed: Signed[]; storedSigned: number; rows: number } {
  const signed: Signed[] = [];
  let rows = 0;
  for (let after = 0; ;) {
    const page = log.list(after, 1000);
    if (page.length === 0) break;
    for (const row of page) {
      rows++;
      after = row.id;
      try {
        const { checkpoint } = openCheckpoint(row.note, opts.keys, opts.origin);
        if (checkpoint.size !== row.size || !checkpoint.root.equals(row.root)) {
          report({
            kind: 'tamper',
            size: row.size,
            message: `checkpoint #${row.id}: its row says size ${row.size} but the signed note says ${checkpoint.size} / another root`,
          });
          continue;
        }
        signed.push({
          size: row.size,
          root: row.root,
          timeMs: row.timeMs,
          from: `checkpoint #${row.id}`,
          note: row.note,
        });
      } catch (e) {
        report({
          kind: 'tamper',
          size: row.size,
          message: `checkpoint #${row.id} (size ${row.size}): ${(e as Error).message}`,
        });
      }
    }
  }
  const storedSigned = signed.length;
  for (const [i, note] of (opts.remembered ?? []).entries()) {
    let cp;
    try {
      cp = openCheckpoint(note, opts.keys, opts.origin).checkpoint;
    } catch (e) {
      throw new LogwardenError(
        'LW_LEDGER_INVALID',
        `remembered checkpoint ${i + 1}: ${(e as Error).message}`,
        { cause: e },
      );
    }
    signed.push({
      size: cp.size,
      root: cp.root,
      timeMs: 0,
      from: `remembered checkpoint ${i + 1}`,
    });
  }
  return { signed, storedSigned, rows };
}
