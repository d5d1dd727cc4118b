/**
 * The quorum step of `verifyLocal` (exit code 14): every checkpoint signed more than `graceMs`
 * ago must be covered by a checkpoint of equal or larger size that at least `required` of the
 * configured replicas cosigned (replicas lag by design, hence the grace). A stored cosignature
 * by a configured replica that does not verify is tamper.
 *
 * @example
 * checkQuorum(ledger, storedCheckpoints, { cosigners, required: 2 }, Date.now(), report);
 */
import type { CosignatureVerifier } from './cosignature.js';
import { openCosignatureLog } from './cosignature-log.js';
import type { Ledger } from './ledger.js';
import { parseNote } from './note.js';
import type { Signed } from './verify-checkpoints.js';
import type { VerifyProblem } from './verify.js';

export interface QuorumPolicy {
  readonly cosigners: readonly CosignatureVerifier[];
  readonly required: number;
  /** How long a checkpoint may wait for its cosignatures (default 60 s). */
  readonly graceMs?: number;
}

export function checkQuorum(
  ledger: Ledger,
  stored: readonly Signed[],
  policy: QuorumPolicy,
  nowMs: number,
  report: (p: VerifyProblem) => void,
): { quorumSize: number } {
  const log = openCosignatureLog(ledger);
  const grace = policy.graceMs ?? 60_000;
  let quorumSize = 0;
  let dueSize = 0;
  for (const s of stored) {
    if (s.timeMs <= nowMs - grace) dueSize = Math.max(dueSize, s.size);
    if (s.note === undefined) continue;
    const text = parseNote(s.note).text;
    const good = new Set<CosignatureVerifier>();
    for (const sig of log.forCheckpoint(s)) {
      const v = policy.cosigners.find((c) => c.name === sig.name && c.keyId === sig.keyId);
      if (v === undefined) continue;
      if (v.verify(text, sig.sig)) good.add(v);
      else
        report({
          kind: 'tamper',
          size: s.size,
          message: `the stored cosignature by ${sig.name} on checkpoint ${s.size} does not verify`,
        });
    }
    if (good.size >= policy.required) quorumSize = Math.max(quorumSize, s.size);
  }
  if (dueSize > quorumSize) {
    report({
      kind: 'quorum',
      size: dueSize,
      message: `entries [${quorumSize}, ${dueSize}) were signed more than ${Math.round(grace / 1000)} s ago but fewer than ${policy.required} replicas cosigned them`,
    });
  }
  return { quorumSize };
}
