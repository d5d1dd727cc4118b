/**
 * Ledger keys: generation, the C2SP vkey text `<name>+<hex keyid>+<base64(type || pub)>`, the
 * private key text `PRIVATE+KEY+<name>+<hex keyid>+<base64(type || seed)>` (the format of
 * golang.org/x/mod/sumdb/note), key files (private key mode 0600, refused when others can read
 * it) and rotation: a new signing key while every old verification key stays listed, so old
 * checkpoints still verify. The vkey is what operators copy to replicas and auditors.
 *
 * @example
 * const { skey, vkey } = generateKey('logs.example.com/prod');
 * const { signer } = parseSignerKey(skey);
 * openNote(signNote('x\n', [signer]), [parseVerifierKey(vkey)]);
 */
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  writeSync,
} from 'node:fs';
import { LogwardenError } from '../core/errors.js';
import { createCosignatureVerifier, createCosigner } from './cosignature.js';
import {
  SIG_TYPE_COSIGNATURE_ED25519,
  SIG_TYPE_ED25519,
  ed25519Sign,
  ed25519Verify,
  generateEd25519,
  keyId,
  privateKeyObject,
  publicKeyFromSeed,
  publicKeyObject,
} from './ed25519.js';
import {
  type NoteSigner,
  type NoteVerifier,
  decodeBase64Strict,
  isValidKeyName,
  keyIdHex,
} from './note.js';

export interface LedgerVerifier extends NoteVerifier {
  readonly publicKey: Buffer;
  /** The vkey text this verifier was made from. */
  readonly vkey: string;
}

export interface LedgerSigner extends NoteSigner {
  readonly type: number;
  readonly verifier: LedgerVerifier;
}

function invalid(msg: string): LogwardenError {
  return new LogwardenError('LW_LEDGER_INVALID', msg);
}

function checkName(name: string, what: string): void {
  if (!isValidKeyName(name))
    throw invalid(`${what}: key name ${JSON.stringify(name)} is empty or contains a space or '+'`);
}

export function formatVerifierKey(name: string, type: number, publicKey: Uint8Array): string {
  checkName(name, 'vkey');
  return `${name}+${keyIdHex(keyId(name, type, publicKey))}+${Buffer.concat([Buffer.from([type]), publicKey]).toString('base64')}`;
}

/** A type 0x01 note verifier (the log's own checkpoint key). */
export function createNoteVerifier(name: string, publicKey: Uint8Array): LedgerVerifier {
  const key = publicKeyObject(publicKey);
  return {
    name,
    keyId: keyId(name, SIG_TYPE_ED25519, publicKey),
    type: SIG_TYPE_ED25519,
    publicKey: Buffer.from(publicKey),
    vkey: formatVerifierKey(name, SIG_TYPE_ED25519, publicKey),
    verify: (text, sig) => ed25519Verify(key, Buffer.from(text, 'utf8'), sig),
  };
}

/** Parse a vkey of type 0x01 (log key) or 0x04 (Ed25519 cosigner); the key ID must match. */
export function parseVerifierKey(vkey: string): LedgerVerifier {
  const text = vkey.trim();
  // Base64 may itself contain '+': only the first two separators count.
  const m = /^([^+]+)\+([^+]*)\+(.+)$/s.exec(text);
  if (m === null)
    throw invalid(
      `vkey ${JSON.stringify(text.slice(0, 80))}: expected <name>+<hex keyid>+<base64 key>`,
    );
  const [, name, idHex, keyB64] = m as unknown as [string, string, string, string];
  checkName(name, 'vkey');
  if (!/^[0-9a-f]{8}$/.test(idHex))
    throw invalid(`vkey ${name}: key ID ${JSON.stringify(idHex)} is not 8 lowercase hex digits`);
  const raw = decodeBase64Strict(keyB64, `vkey ${name}: key`);
  const type = raw[0];
  const pub = raw.subarray(1);
  if ((type !== SIG_TYPE_ED25519 && type !== SIG_TYPE_COSIGNATURE_ED25519) || pub.length !== 32) {
    throw invalid(
      `vkey ${name}: unsupported key type 0x${(type ?? 0).toString(16)} or length ${pub.length} (want Ed25519 0x01 or 0x04)`,
    );
  }
  if (keyIdHex(keyId(name, type, pub)) !== idHex)
    throw invalid(`vkey ${name}: key ID ${idHex} does not match the key`);
  if (type === SIG_TYPE_ED25519) return createNoteVerifier(name, pub);
  return { ...createCosignatureVerifier(name, pub), vkey: text };
}

export function formatSignerKey(name: string, type: number, seed: Uint8Array): string {
  checkName(name, 'private key');
  const pub = publicKeyFromSeed(seed);
  return `PRIVATE+KEY+${name}+${keyIdHex(keyId(name, type, pub))}+${Buffer.concat([Buffer.from([type]), seed]).toString('base64')}`;
}

/** Parse a private key text; type 0x01 gives a checkpoint signer, 0x04 a cosigner. */
export function parseSignerKey(skey: string): LedgerSigner {
  const m = /^PRIVATE\+KEY\+([^+]+)\+([^+]*)\+(.+)$/s.exec(skey.trim());
  if (m === null)
    throw invalid('private key: expected PRIVATE+KEY+<name>+<hex keyid>+<base64 key>');
  const [, name, idHex, keyB64] = m as unknown as [string, string, string, string];
  checkName(name, 'private key');
  const raw = decodeBase64Strict(keyB64, `private key ${name}`);
  const type = raw[0];
  const seed = raw.subarray(1);
  if ((type !== SIG_TYPE_ED25519 && type !== SIG_TYPE_COSIGNATURE_ED25519) || seed.length !== 32) {
    throw invalid(`private key ${name}: unsupported key type or length`);
  }
  const pub = publicKeyFromSeed(seed);
  if (keyIdHex(keyId(name, type, pub)) !== idHex)
    throw invalid(`private key ${name}: key ID ${idHex} does not match the key`);
  if (type === SIG_TYPE_COSIGNATURE_ED25519) {
    const c = createCosigner(name, seed);
    const vkey = formatVerifierKey(name, type, pub);
    return {
      name,
      keyId: c.keyId,
      type,
      sign: c.sign,
      verifier: { ...createCosignatureVerifier(name, pub), vkey },
    };
  }
  const key = privateKeyObject(seed);
  return {
    name,
    keyId: keyId(name, type, pub),
    type,
    sign: (text) => ed25519Sign(key, Buffer.from(text, 'utf8')),
    verifier: createNoteVerifier(name, pub),
  };
}

/** A fresh key pair for `name` (the log origin, or a cosigner's name with type 0x04). */
export function generateKey(
  name: string,
  type: number = SIG_TYPE_ED25519,
): { skey: string; vkey: string } {
  checkName(name, 'generate key');
  const { seed, publicKey } = generateEd25519();
  return {
    skey: formatSignerKey(name, type, seed),
    vkey: formatVerifierKey(name, type, publicKey),
  };
}

function writeFileDurable(path: string, data: string, mode: number, exclusive: boolean): void {
  const fd = openSync(path, exclusive ? 'wx' : 'w', mode);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(path, mode); // the umask may have narrowed or (on some systems) not applied the mode
}

/** Write a new private key file, mode 0600; refuses to overwrite an existing file. */
export function writePrivateKeyFile(path: string, skey: string): void {
  parseSignerKey(skey);
  if (existsSync(path))
    throw new LogwardenError(
      'LW_CONFLICT',
      `${path}: a key file already exists (use rotation to replace it)`,
    );
  writeFileDurable(path, `${skey.trim()}\n`, 0o600, true);
}

/** Read a private key file; refuses one that group or others can read (like ssh does). */
export function readPrivateKeyFile(path: string): LedgerSigner {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch (e) {
    throw new LogwardenError('LW_INPUT_NOT_FOUND', `${path}: cannot read the ledger key file`, {
      cause: e,
    });
  }
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new LogwardenError(
      'LW_CONFIG_INVALID',
      `${path}: private key is accessible by group or others (mode ${(mode & 0o777).toString(8)}); chmod 600 it`,
    );
  }
  return parseSignerKey(readFileSync(path, 'utf8'));
}

/** Read a vkey list: one vkey per line, `#` comments and blank lines ignored. */
export function readVerifierKeys(path: string): LedgerVerifier[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new LogwardenError('LW_INPUT_NOT_FOUND', `${path}: cannot read the verification keys`, {
      cause: e,
    });
  }
  const out: LedgerVerifier[] = [];
  text.split('\n').forEach((line, i) => {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) return;
    try {
      out.push(parseVerifierKey(t));
    } catch (e) {
      throw new LogwardenError('LW_LEDGER_INVALID', `${path}:${i + 1}: ${(e as Error).message}`, {
        cause: e,
      });
    }
  });
  return out;
}

/**
 * Create or rotate the ledger key: writes a new private key (0600, atomically replacing the old
 * one, which is no longer needed to verify) and appends its vkey to `vkeysPath`, where the old
 * vkeys stay. Returns the new vkey.
 */
export function rotateKey(opts: { keyPath: string; vkeysPath: string; name: string }): {
  vkey: string;
  previous?: string;
} {
  const previous = existsSync(opts.keyPath)
    ? readPrivateKeyFile(opts.keyPath).verifier.vkey
    : undefined;
  const { skey, vkey } = generateKey(opts.name);
  const tmp = `${opts.keyPath}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileDurable(tmp, `${skey}\n`, 0o600, true);
  const known = existsSync(opts.vkeysPath)
    ? readVerifierKeys(opts.vkeysPath).map((v) => v.vkey)
    : [];
  const lines = [...known];
  if (previous !== undefined && !lines.includes(previous)) lines.push(previous);
  lines.push(vkey);
  writeFileDurable(`${opts.vkeysPath}.tmp`, `${lines.join('\n')}\n`, 0o644, false);
  renameSync(`${opts.vkeysPath}.tmp`, opts.vkeysPath);
  renameSync(tmp, opts.keyPath);
  return previous === undefined ? { vkey } : { vkey, previous };
}
