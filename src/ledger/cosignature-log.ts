/**
 * The origin's record of replica cosignatures (c2sp.org/tlog-cosignature), table
 * `ledger_cosignatures`: one row per (checkpoint size, root, cosigner key). A cosignature is
 * verified before it is stored; the log's note plus its cosignature lines is what clients and
 * proof bundles carry, and what `verify` counts against a quorum policy.
 *
 * @example
 * const cosigs = openCosignatureLog(ledger);
 * cosigs.add(checkpoint, cosigLine, replicaVerifier); // after the replica answered
 * cosigs.cosignedNote(checkpoint); // log signature + every cosignature line
 */
import { LogwardenError } from '../core/errors.js';
import type { StoredCheckpoint } from './checkpoint-log.js';
import { type CosignatureVerifier, addCosignature, cosignatureTime } from './cosignature.js';
import type { Ledger } from './ledger.js';
import { type NoteSignature, parseNote } from './note.js';
import { commitWrites } from './tiles.js';

export interface CosignatureLog {
  /** Verify `cosig` over the checkpoint with `verifier`, then store it (idempotent). */
  add(cp: StoredCheckpoint, cosig: NoteSignature, verifier: CosignatureVerifier): void;
  /**
   * The same, the row written with the store's next group commit when it offers writeWith (no
   * wait for the write lock on the event loop); resolves once durable. Verifies first, in both.
   */
  addAsync(
    cp: StoredCheckpoint,
    cosig: NoteSignature,
    verifier: CosignatureVerifier,
  ): Promise<void>;
  /** Stored cosignatures of one checkpoint (unverified: verify() checks them). */
  forCheckpoint(cp: Pick<StoredCheckpoint, 'size' | 'root'>): NoteSignature[];
  /** The checkpoint note with every stored cosignature line appended. */
  cosignedNote(cp: StoredCheckpoint): string;
}

type Row = { cosigner: string; key_id: number; signature: Buffer };

export function openCosignatureLog(ledger: Ledger, now: () => number = Date.now): CosignatureLog {
  const db = ledger.store.db;
  const INSERT = `INSERT INTO ledger_cosignatures (size, root, cosigner, key_id, time_secs, signature, received_ms)
     VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET time_secs = excluded.time_secs,
       signature = excluded.signature, received_ms = excluded.received_ms WHERE excluded.time_secs > time_secs`;
  const ins = db.prepare(INSERT);
  const sel = db.prepare(
    'SELECT cosigner, key_id, signature FROM ledger_cosignatures WHERE size = ? AND root = ? ORDER BY cosigner, key_id',
  );
  const forCheckpoint = (cp: Pick<StoredCheckpoint, 'size' | 'root'>): NoteSignature[] =>
    (sel.all(cp.size, cp.root) as Row[]).map((r) => ({
      name: r.cosigner,
      keyId: r.key_id,
      sig: r.signature,
    }));
  const check = (cp: StoredCheckpoint, cosig: NoteSignature, verifier: CosignatureVerifier) => {
    if (cosig.name !== verifier.name || cosig.keyId !== verifier.keyId) {
      throw new LogwardenError(
        'LW_LEDGER_KEY_UNKNOWN',
        `cosignature by ${cosig.name} does not match the cosigner key ${verifier.name}`,
      );
    }
    const text = parseNote(cp.note).text;
    if (!verifier.verify(text, cosig.sig)) {
      throw new LogwardenError(
        'LW_LEDGER_TAMPER',
        `cosignature by ${cosig.name} on checkpoint ${cp.size} does not verify`,
      );
    }
    return [cp.size, cp.root, cosig.name, cosig.keyId, cosignatureTime(cosig), cosig.sig, now()];
  };
  return {
    add(cp, cosig, verifier) {
      ins.run(...check(cp, cosig, verifier));
    },
    async addAsync(cp, cosig, verifier) {
      await commitWrites(ledger.store, [{ sql: INSERT, params: check(cp, cosig, verifier) }]);
    },
    forCheckpoint,
    cosignedNote(cp) {
      return forCheckpoint(cp).reduce((note, s) => addCosignature(note, s), cp.note);
    },
  };
}
