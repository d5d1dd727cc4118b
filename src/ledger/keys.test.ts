import { mkdtempSync, readFileSync, rmSync, statSync, chmodSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCheckpoint, signCheckpoint } from './checkpoint.js';
import {
  generateKey,
  readPrivateKeyFile,
  readVerifierKeys,
  rotateKey,
  writePrivateKeyFile,
} from './keys.js';
import { ensureSigningKey } from './key-files.js';
import { EMPTY_ROOT } from './merkle.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'lw-keys-'));
  dirs.push(d);
  return d;
}

describe('key files', () => {
  it('writes the private key with mode 0600 and refuses to overwrite it', () => {
    const dir = tmp();
    const file = path.join(dir, 'ledger.key');
    const { skey } = generateKey('logs.example/prod');
    writePrivateKeyFile(file, skey);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readPrivateKeyFile(file).name).toBe('logs.example/prod');
    expect(() => writePrivateKeyFile(file, generateKey('logs.example/prod').skey)).toThrow(
      /already exists/,
    );
  });
  it('ensureSigningKey creates a missing data directory (0700) for the key', () => {
    const dir = path.join(tmp(), 'data', 'new');
    const keyPath = path.join(dir, 'ledger.key');
    const { signer, created } = ensureSigningKey({
      keyPath,
      vkeyPath: path.join(dir, 'ledger.vkey'),
      name: 'logs.example/new',
    });
    expect(created).toBe(true);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readPrivateKeyFile(keyPath).verifier.vkey).toBe(signer.verifier.vkey);
    expect(readFileSync(path.join(dir, 'ledger.vkey'), 'utf8')).toBe(`${signer.verifier.vkey}\n`);
  });
  it('refuses a private key that others can read', () => {
    const dir = tmp();
    const file = path.join(dir, 'ledger.key');
    writePrivateKeyFile(file, generateKey('o').skey);
    chmodSync(file, 0o644);
    expect(() => readPrivateKeyFile(file)).toThrow(/accessible by group or others/);
  });
  it('names the line of a bad vkey in a vkeys file, and keeps reading comments', () => {
    const dir = tmp();
    const file = path.join(dir, 'vkeys');
    writeFileSync(file, `# ledger keys\n${generateKey('o').vkey}\n\nnot-a-vkey\n`);
    expect(() => readVerifierKeys(file)).toThrow(/vkeys:4: /);
  });
  it('rotation: a new key signs, old checkpoints still verify with the listed old vkey', () => {
    const dir = tmp();
    const keyPath = path.join(dir, 'ledger.key');
    const vkeysPath = path.join(dir, 'ledger.vkeys');
    const first = rotateKey({ keyPath, vkeysPath, name: 'logs.example/prod' });
    expect(first.previous).toBeUndefined();
    const oldNote = signCheckpoint(
      { origin: 'logs.example/prod', size: 0, root: EMPTY_ROOT },
      readPrivateKeyFile(keyPath),
    );
    const second = rotateKey({ keyPath, vkeysPath, name: 'logs.example/prod' });
    expect(second.previous).toBe(first.vkey);
    expect(statSync(keyPath).mode & 0o777).toBe(0o600);
    const signer = readPrivateKeyFile(keyPath);
    expect(signer.verifier.vkey).toBe(second.vkey);
    const newNote = signCheckpoint(
      { origin: 'logs.example/prod', size: 0, root: EMPTY_ROOT },
      signer,
    );
    const vkeys = readVerifierKeys(vkeysPath);
    expect(vkeys.map((v) => v.vkey)).toEqual([first.vkey, second.vkey]);
    expect(() => openCheckpoint(oldNote, vkeys)).not.toThrow();
    expect(() => openCheckpoint(newNote, vkeys)).not.toThrow();
    expect(() => openCheckpoint(oldNote, [signer.verifier])).toThrow(
      /no signature from a trusted key/,
    );
    expect(readFileSync(vkeysPath, 'utf8').trim().split('\n')).toHaveLength(2);
  });
});
