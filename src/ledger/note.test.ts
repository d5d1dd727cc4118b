import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatCheckpoint, openCheckpoint, parseCheckpoint, signCheckpoint } from './checkpoint.js';
import {
  addCosignature,
  cosignCheckpoint,
  cosignedMessage,
  createCosigner,
  verifyCosignature,
} from './cosignature.js';
import { SIG_TYPE_COSIGNATURE_ED25519, generateEd25519 } from './ed25519.js';
import { formatVerifierKey, generateKey, parseSignerKey, parseVerifierKey } from './keys.js';
import { hashLeaf } from './merkle.js';
import { openNote, parseNote, signNote } from './note.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SPEC = path.resolve(repoRoot, '../shared/vectors/c2sp/signed-note.md');
const haveSpec = existsSync(SPEC);
if (!haveSpec) console.warn(`signed-note worked example skipped: ${SPEC} is absent`);

/** The vkey and note of the spec's "Example" section, read from the spec text itself. */
function specExample(): { vkey: string; note: string } {
  const md = readFileSync(SPEC, 'utf8');
  const section = md.slice(md.indexOf('### Example'));
  const vkey = /^ {4}(\S+\+[0-9a-f]{8}\+\S+)$/m.exec(section)?.[1];
  const note = /```\n([\s\S]*?)```/.exec(section)?.[1];
  if (vkey === undefined || note === undefined)
    throw new Error('signed-note.md: example not found');
  return { vkey, note };
}

describe('C2SP signed-note', () => {
  it.skipIf(!haveSpec)(
    'the worked example in the spec verifies (skipped: ../shared absent)',
    () => {
      const { vkey, note } = specExample();
      const v = parseVerifierKey(vkey);
      expect(v.name).toBe('example.com/foo');
      expect(openNote(note, [v]).text).toBe('This is an example message.\n');
    },
  );
  it.skipIf(!haveSpec)(
    'the worked example fails when any one byte of text or signature changes (skipped: ../shared absent)',
    () => {
      const { vkey, note } = specExample();
      const v = parseVerifierKey(vkey);
      const bytes = Buffer.from(note, 'utf8');
      let rejected = 0;
      for (let i = 0; i < bytes.length; i++) {
        const m = Buffer.from(bytes);
        m[i] = m[i] === 0x41 ? 0x42 : 0x41; // 'A' <-> 'B' keeps most base64 valid so the signature is really checked
        if (m.equals(bytes)) continue;
        expect(() => openNote(m, [v]), `byte ${i}`).toThrow();
        rejected++;
      }
      expect(rejected).toBe(bytes.length);
    },
  );
  it('round-trips our own signatures and ignores unknown keys', () => {
    const a = parseSignerKey(generateKey('a.example/log').skey);
    const b = parseSignerKey(generateKey('b.example/other').skey);
    const note = signNote('line one\n\nline three\n', [a, b]);
    const opened = openNote(note, [a.verifier]);
    expect(opened.text).toBe('line one\n\nline three\n');
    expect(opened.signatures.map((s) => s.name)).toEqual(['a.example/log', 'b.example/other']);
    expect(opened.verifiedBy.map((v) => v.name)).toEqual(['a.example/log']);
    expect(() => openNote(note, [])).toThrow(/no signature from a trusted key/);
    // Same name, another key: ignored as unknown, so the note is rejected for lack of a trusted signature.
    const impostor = parseSignerKey(generateKey('a.example/log').skey);
    expect(() => openNote(note, [impostor.verifier])).toThrow(
      expect.objectContaining({ code: 'LW_LEDGER_KEY_UNKNOWN' }),
    );
  });
  it('rejects malformed notes with a message naming the problem', () => {
    expect(() => parseNote('no blank line\n— a AAAAAAA=\n')).toThrow(/no blank line/);
    expect(() => parseNote('text\n\n— a AAAA\n')).toThrow(/shorter than a key ID/);
    expect(() => parseNote('text\n\n- a AAAAAAAA\n')).toThrow(/em dash/);
    expect(() => parseNote('te\rxt\n\n— a AAAAAAAA\n')).toThrow(/control character/);
    expect(() => parseNote('text\n\n— a AAAAAAAA')).toThrow(/does not end in a newline/);
    expect(() => parseNote('text\n\n— a AAAA!AAA\n')).toThrow(/base64/);
    expect(() => parseNote(Buffer.from([0x74, 0xff, 0x0a, 0x0a]))).toThrow(/UTF-8/);
  });
  it('vkeys and private keys round-trip, and a wrong key ID is refused', () => {
    const { skey, vkey } = generateKey('logs.example.com/prod');
    expect(vkey).toMatch(/^logs\.example\.com\/prod\+[0-9a-f]{8}\+[A-Za-z0-9+/]+=*$/);
    expect(skey).toMatch(/^PRIVATE\+KEY\+logs\.example\.com\/prod\+[0-9a-f]{8}\+/);
    const s = parseSignerKey(skey);
    expect(s.verifier.vkey).toBe(vkey);
    const wrongId = vkey.replace(
      /\+([0-9a-f]{8})\+/,
      (_, id: string) => `+${((parseInt(id, 16) ^ 1) >>> 0).toString(16).padStart(8, '0')}+`,
    );
    expect(wrongId).not.toBe(vkey);
    expect(() => parseVerifierKey(wrongId)).toThrow(/does not match/);
    expect(() => generateKey('has space')).toThrow(/space/);
  });
});

describe('C2SP tlog-checkpoint and cosignature/v1', () => {
  const log = parseSignerKey(generateKey('logs.example/prod').skey);
  const root = hashLeaf('root');

  it('formats, signs, opens and refuses a changed size or root', () => {
    const note = signCheckpoint({ origin: 'logs.example/prod', size: 42, root }, log);
    expect(note.split('\n').slice(0, 4)).toEqual([
      'logs.example/prod',
      '42',
      root.toString('base64'),
      '',
    ]);
    const { checkpoint } = openCheckpoint(note, [log.verifier], 'logs.example/prod');
    expect(checkpoint.size).toBe(42);
    expect(checkpoint.root.equals(root)).toBe(true);
    expect(() => openCheckpoint(note.replace('\n42\n', '\n43\n'), [log.verifier])).toThrow(
      /does not verify/,
    );
    expect(() => openCheckpoint(note, [log.verifier], 'other/origin')).toThrow(/not the expected/);
  });
  it('parses extension lines and refuses leading zeros and short roots', () => {
    const text = formatCheckpoint({ origin: 'o', size: 0, root, extensions: ['ext one'] });
    expect(parseCheckpoint(text).extensions).toEqual(['ext one']);
    expect(() => parseCheckpoint(`o\n007\n${root.toString('base64')}\n`)).toThrow(/leading zeros/);
    expect(() => parseCheckpoint('o\n7\nAAAA\n')).toThrow(/3 bytes/);
    expect(() => parseCheckpoint('o\n7\n')).toThrow(/need origin, size and root/);
  });
  it('cosigns with the timestamped message and verifies; a changed timestamp or body fails', () => {
    const { seed, publicKey } = generateEd25519();
    const cosigner = createCosigner('replica.example/r1', seed);
    const note = signCheckpoint({ origin: 'logs.example/prod', size: 7, root }, log);
    const cosig = cosignCheckpoint(note, cosigner, 1_679_315_147);
    expect(cosig.sig.length).toBe(72);
    expect(cosig.sig.readBigUInt64BE(0)).toBe(1_679_315_147n);
    expect(cosignedMessage('x\n', 5).toString()).toBe('cosignature/v1\ntime 5\nx\n');
    const both = addCosignature(note, cosig);
    const vkey = parseVerifierKey(
      formatVerifierKey('replica.example/r1', SIG_TYPE_COSIGNATURE_ED25519, publicKey),
    );
    expect(vkey.keyId).toBe(cosigner.keyId);
    expect(verifyCosignature(both, vkey)).toBe(1_679_315_147);
    // The log key still verifies the note; the cosignature line is ignored by it.
    expect(openCheckpoint(both, [log.verifier]).checkpoint.size).toBe(7);
    const sigLine = both.trimEnd().split('\n').pop()!;
    const raw = Buffer.from(sigLine.split(' ').pop()!, 'base64');
    raw[4 + 7]! ^= 1; // last byte of the timestamp
    const forged = both.replace(
      sigLine,
      `${sigLine.slice(0, sigLine.lastIndexOf(' '))} ${raw.toString('base64')}`,
    );
    expect(() => verifyCosignature(forged, vkey)).toThrow(/does not verify/);
    expect(() => verifyCosignature(both.replace('\n7\n', '\n8\n'), vkey)).toThrow(
      /does not verify/,
    );
  });
});
