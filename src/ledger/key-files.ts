/**
 * The signing key on disk for a running log or replica: created on first use (private key mode
 * 0600), its vkey kept in a public file next to it (one vkey per line; rotation appends, old ones
 * stay so old checkpoints verify). The vkey file is the text people copy to auditors/replicas.
 *
 * @example
 * const { signer, created } = ensureSigningKey({ keyPath: 'data/ledger.key', vkeyPath: 'data/ledger.vkey', name: 'logwarden.web1' });
 * if (created) console.log(signer.verifier.vkey);
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import { LogwardenError } from '../core/errors.js';
import { SIG_TYPE_ED25519 } from './ed25519.js';
import { type LedgerSigner, generateKey, readPrivateKeyFile, writePrivateKeyFile } from './keys.js';

export interface SigningKeyFiles {
  readonly keyPath: string;
  readonly vkeyPath: string;
  /** Key name: the log origin (type 0x01) or the cosigner name (type 0x04). */
  readonly name: string;
  readonly type?: number;
}

/** Read the key (creating it when absent) and make sure its vkey is listed in vkeyPath. */
export function ensureSigningKey(f: SigningKeyFiles): { signer: LedgerSigner; created: boolean } {
  const type = f.type ?? SIG_TYPE_ED25519;
  let created = false;
  if (!existsSync(f.keyPath)) {
    // `keys generate --data DIR` before DIR exists (like serve, which creates its data dir 0700)
    mkdirSync(dirname(f.keyPath), { recursive: true, mode: 0o700 });
    writePrivateKeyFile(f.keyPath, generateKey(f.name, type).skey);
    created = true;
  }
  const signer = readPrivateKeyFile(f.keyPath);
  if (signer.name !== f.name) {
    throw new LogwardenError(
      'LW_CONFIG_INVALID',
      `${f.keyPath}: the key is named ${signer.name} but the configured name is ${f.name} (set the name back, or rotate to a new key)`,
    );
  }
  if (signer.type !== type) {
    throw new LogwardenError(
      'LW_CONFIG_INVALID',
      `${f.keyPath}: key type 0x${signer.type.toString(16)}, expected 0x${type.toString(16)}`,
    );
  }
  appendVkey(f.vkeyPath, signer.verifier.vkey);
  return { signer, created };
}

/** Add `vkey` to a vkey list file unless it is already there (atomic replace). */
export function appendVkey(path: string, vkey: string): void {
  const had = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const lines = had.split('\n').map((l) => l.trim());
  if (lines.includes(vkey)) return;
  const text = `${had}${had === '' || had.endsWith('\n') ? '' : '\n'}${vkey}\n`;
  writeFileSync(`${path}.tmp`, text, { mode: 0o644 });
  renameSync(`${path}.tmp`, path);
}
