/**
 * C2SP tlog-cosignature, Ed25519 flavour (cosignature/v1, signature type 0x04): a replica's
 * statement that, as of `time`, this checkpoint is the largest consistent tree head it has seen.
 * Signed message: `cosignature/v1\ntime <unix secs>\n` + the checkpoint note text; signature
 * bytes: u64 big-endian timestamp || 64-byte Ed25519 signature.
 *
 * @example
 * const cosigner = createCosigner('replica.example/r1', seed);
 * const line = cosignCheckpoint(checkpointNote, cosigner, Math.floor(Date.now() / 1000));
 * const cosigned = addCosignature(checkpointNote, line); // note with both signatures
 * verifyCosignature(cosigned, createCosignatureVerifier('replica.example/r1', pub));
 */
import type { KeyObject } from 'node:crypto';
import { LogwardenError } from '../core/errors.js';
import {
  SIG_TYPE_COSIGNATURE_ED25519,
  ed25519Sign,
  ed25519Verify,
  keyId,
  privateKeyObject,
  publicKeyFromSeed,
  publicKeyObject,
} from './ed25519.js';
import {
  type NoteSignature,
  type NoteSigner,
  type NoteVerifier,
  isValidKeyName,
  parseNote,
  serializeNote,
} from './note.js';

const MAX_TIMESTAMP = 2n ** 63n - 1n;

/** The exact bytes a cosigner signs (tlog-cosignature "Ed25519 signed message"). */
export function cosignedMessage(checkpointText: string, timeSecs: number | bigint): Buffer {
  return Buffer.from(
    `cosignature/v1\ntime ${BigInt(timeSecs).toString()}\n${checkpointText}`,
    'utf8',
  );
}

export interface Cosigner extends NoteSigner {
  readonly publicKey: Buffer;
  /** Sign at an explicit time (unix seconds); `sign(text)` uses the wall clock. */
  signAt(text: string, timeSecs: number): Buffer;
}

export function createCosigner(name: string, seed: Uint8Array): Cosigner {
  if (!isValidKeyName(name))
    throw new LogwardenError(
      'LW_LEDGER_INVALID',
      `cosigner name ${JSON.stringify(name)} is not a valid key name`,
    );
  const key: KeyObject = privateKeyObject(seed);
  const publicKey = publicKeyFromSeed(seed);
  const signAt = (text: string, timeSecs: number): Buffer => {
    if (!Number.isSafeInteger(timeSecs) || timeSecs < 0) {
      throw new LogwardenError(
        'LW_LEDGER_INVALID',
        `cosignature time ${String(timeSecs)} is not a non-negative integer`,
      );
    }
    const ts = Buffer.alloc(8);
    ts.writeBigUInt64BE(BigInt(timeSecs));
    return Buffer.concat([ts, ed25519Sign(key, cosignedMessage(text, timeSecs))]);
  };
  return {
    name,
    keyId: keyId(name, SIG_TYPE_COSIGNATURE_ED25519, publicKey),
    publicKey,
    signAt,
    sign: (text) => signAt(text, Math.floor(Date.now() / 1000)),
  };
}

export interface CosignatureVerifier extends NoteVerifier {
  readonly publicKey: Buffer;
}

export function createCosignatureVerifier(
  name: string,
  publicKey: Uint8Array,
): CosignatureVerifier {
  const key = publicKeyObject(publicKey);
  return {
    name,
    keyId: keyId(name, SIG_TYPE_COSIGNATURE_ED25519, publicKey),
    type: SIG_TYPE_COSIGNATURE_ED25519,
    publicKey: Buffer.from(publicKey),
    verify(text, sig) {
      if (sig.length !== 72) return false;
      const ts = sig.readBigUInt64BE(0);
      if (ts > MAX_TIMESTAMP) return false;
      return ed25519Verify(key, cosignedMessage(text, ts), sig.subarray(8));
    },
  };
}

/** The timestamp (unix seconds) carried by a cosignature's signature bytes. */
export function cosignatureTime(sig: NoteSignature): number {
  if (sig.sig.length !== 72)
    throw new LogwardenError(
      'LW_LEDGER_INVALID',
      `cosignature by ${sig.name}: ${sig.sig.length} bytes, expected 72`,
    );
  return Number(sig.sig.readBigUInt64BE(0));
}

/** Cosign a signed checkpoint: returns the new signature (the caller already verified the note). */
export function cosignCheckpoint(
  checkpointNote: string,
  cosigner: Cosigner,
  timeSecs: number,
): NoteSignature {
  const { text } = parseNote(checkpointNote);
  return { name: cosigner.name, keyId: cosigner.keyId, sig: cosigner.signAt(text, timeSecs) };
}

/** Append a cosignature line to a signed note (replacing an older one by the same key). */
export function addCosignature(note: string, cosig: NoteSignature): string {
  const parsed = parseNote(note);
  const others = parsed.signatures.filter(
    (s) => !(s.name === cosig.name && s.keyId === cosig.keyId),
  );
  return serializeNote({ text: parsed.text, signatures: [...others, cosig] });
}

/**
 * Verify one cosigner's signature on a note; returns its timestamp. Throws LW_LEDGER_KEY_UNKNOWN
 * when the cosigner did not sign, LW_LEDGER_TAMPER when its signature does not verify.
 */
export function verifyCosignature(
  note: string,
  verifier: CosignatureVerifier,
  opts: { nowSecs?: number; maxSkewSecs?: number } = {},
): number {
  const parsed = parseNote(note);
  const sig = parsed.signatures.find((s) => s.name === verifier.name && s.keyId === verifier.keyId);
  if (sig === undefined)
    throw new LogwardenError('LW_LEDGER_KEY_UNKNOWN', `no cosignature by ${verifier.name}`);
  if (!verifier.verify(parsed.text, sig.sig)) {
    throw new LogwardenError(
      'LW_LEDGER_TAMPER',
      `the cosignature by ${verifier.name} does not verify`,
    );
  }
  const t = cosignatureTime(sig);
  if (opts.nowSecs !== undefined && t > opts.nowSecs + (opts.maxSkewSecs ?? 300)) {
    throw new LogwardenError(
      'LW_LEDGER_INVALID',
      `the cosignature by ${verifier.name} is dated in the future (${t})`,
    );
  }
  return t;
}
