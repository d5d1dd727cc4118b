/**
 * Ed25519 (RFC 8032) with node:crypto, and the signed-note key ID:
 * `SHA-256(name || 0x0A || type || publicKey)[:4]` read as a big-endian uint32
 * (c2sp.org/signed-note "Signatures").
 *
 * @example
 * const { seed, publicKey } = generateEd25519();
 * const sig = ed25519Sign(seed, Buffer.from('msg'));
 * ed25519Verify(publicKey, Buffer.from('msg'), sig); // true
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { LogwardenError } from '../core/errors.js';

/** Signature type bytes from c2sp.org/signed-note. */
export const SIG_TYPE_ED25519 = 0x01;
export const SIG_TYPE_COSIGNATURE_ED25519 = 0x04;

// DER prefixes of PKCS#8 / SPKI Ed25519 keys (RFC 8410): the raw 32 bytes follow.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function keyId(name: string, type: number, publicKey: Uint8Array): number {
  return createHash('sha256')
    .update(name, 'utf8')
    .update(Buffer.from([0x0a, type]))
    .update(publicKey)
    .digest()
    .readUInt32BE(0);
}

function check32(what: string, b: Uint8Array): void {
  if (b.length !== 32)
    throw new LogwardenError('LW_LEDGER_INVALID', `${what}: expected 32 bytes, got ${b.length}`);
}

export function privateKeyObject(seed: Uint8Array): KeyObject {
  check32('Ed25519 seed', seed);
  return createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
}

export function publicKeyObject(publicKey: Uint8Array): KeyObject {
  check32('Ed25519 public key', publicKey);
  return createPublicKey({
    key: Buffer.concat([SPKI_PREFIX, publicKey]),
    format: 'der',
    type: 'spki',
  });
}

export function publicKeyFromSeed(seed: Uint8Array): Buffer {
  const der = createPublicKey(privateKeyObject(seed)).export({ format: 'der', type: 'spki' });
  return Buffer.from(der.subarray(SPKI_PREFIX.length));
}

export function generateEd25519(): { seed: Buffer; publicKey: Buffer } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const seed = Buffer.from(
    privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_PREFIX.length),
  );
  const pub = Buffer.from(
    publicKey.export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length),
  );
  return { seed, publicKey: pub };
}

export function ed25519Sign(key: KeyObject, msg: Uint8Array): Buffer {
  return sign(null, msg, key);
}

export function ed25519Verify(key: KeyObject, msg: Uint8Array, sig: Uint8Array): boolean {
  if (sig.length !== 64) return false;
  return verify(null, msg, key, sig);
}
