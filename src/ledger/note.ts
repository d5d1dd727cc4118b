/**
 * C2SP signed-note (c2sp.org/signed-note): a text ending in a newline, a blank line, then one
 * or more lines `— <key name> base64(keyID4 || signature)`. Verifiers and signers are small
 * objects so Ed25519 note keys (type 0x01) and Ed25519 cosigners (type 0x04, cosignature.ts)
 * share one verification path, as in golang.org/x/mod/sumdb/note.
 *
 * @example
 * const { signer, verifier } = parseSignerKey(skeyText);
 * const note = signNote('hello\n', [signer]);
 * openNote(note, [verifier]).text; // 'hello\n'
 */
import { LogwardenError } from '../core/errors.js';

/** Verifiers MUST accept at least 16 signatures (spec); we bound work per note above that. */
export const MAX_SIGNATURES = 100;
export const MAX_NOTE_BYTES = 1 << 20;

export interface NoteSignature {
  readonly name: string;
  /** uint32 key ID, big-endian first four bytes of the decoded signature. */
  readonly keyId: number;
  /** The signature bytes after the key ID. */
  readonly sig: Buffer;
}

export interface Note {
  /** Note text including its final newline, without the blank separator line. */
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

export interface NoteSigner {
  readonly name: string;
  readonly keyId: number;
  sign(text: string): Buffer;
}

export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  /** The signature type byte (0x01 Ed25519, 0x04 Ed25519 cosignature). */
  readonly type: number;
  verify(text: string, sig: Buffer): boolean;
}

export interface OpenedNote extends Note {
  /** Verifiers whose signatures verified, in signature order. */
  readonly verifiedBy: readonly NoteVerifier[];
}

const EM_DASH = '\u2014';
const SIG_PREFIX = `${EM_DASH} `;

function invalid(msg: string): LogwardenError {
  return new LogwardenError('LW_LEDGER_INVALID', msg);
}

/** Key names are non-empty and contain no Unicode space or plus sign. */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+\p{Zs}]/u.test(name) && !hasControl(name);
}

function hasControl(s: string): boolean {
  return /[\u0000-\u0009\u000b-\u001f]/.test(s);
}

const STRICT_B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** Strict RFC 4648 §4 base64 (node's decoder silently skips garbage; a signature must not). */
export function decodeBase64Strict(s: string, what: string): Buffer {
  if (!STRICT_B64.test(s)) throw invalid(`${what}: not canonical base64`);
  return Buffer.from(s, 'base64');
}

/** Parse a signed note; throws LW_LEDGER_INVALID naming the line that is malformed. */
export function parseNote(input: string | Uint8Array): Note {
  let note: string;
  if (typeof input === 'string') note = input;
  else {
    if (input.length > MAX_NOTE_BYTES)
      throw invalid(`note: ${input.length} bytes, more than ${MAX_NOTE_BYTES}`);
    try {
      note = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      throw invalid('note: not valid UTF-8');
    }
  }
  if (note.length > MAX_NOTE_BYTES) throw invalid(`note: more than ${MAX_NOTE_BYTES} characters`);
  if (hasControl(note)) throw invalid('note: contains a control character other than newline');
  if (note.includes('\uFFFD')) throw invalid('note: contains U+FFFD (invalid UTF-8 upstream)');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw invalid('note: no blank line between text and signatures');
  const text = note.slice(0, split + 1);
  const sigBlock = note.slice(split + 2);
  if (!sigBlock.endsWith('\n'))
    throw invalid('note: the last signature line does not end in a newline');
  const lines = sigBlock.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES)
    throw invalid(`note: ${lines.length} signatures, more than ${MAX_SIGNATURES}`);
  const signatures = lines.map((line, i): NoteSignature => {
    if (!line.startsWith(SIG_PREFIX))
      throw invalid(`note: signature line ${i + 1} does not start with an em dash and a space`);
    const rest = line.slice(SIG_PREFIX.length);
    const space = rest.lastIndexOf(' ');
    const name = rest.slice(0, space);
    if (space <= 0 || !isValidKeyName(name))
      throw invalid(`note: signature line ${i + 1} has no valid key name`);
    const raw = decodeBase64Strict(rest.slice(space + 1), `note: signature line ${i + 1}`);
    if (raw.length < 5)
      throw invalid(`note: signature line ${i + 1} is shorter than a key ID and a signature`);
    return { name, keyId: raw.readUInt32BE(0), sig: raw.subarray(4) };
  });
  return { text, signatures };
}

function checkText(text: string): void {
  if (!text.endsWith('\n')) throw invalid('note text: must end with a newline');
  if (hasControl(text)) throw invalid('note text: contains a control character other than newline');
}

function formatSignature(s: NoteSignature): string {
  const id = Buffer.alloc(4);
  id.writeUInt32BE(s.keyId >>> 0);
  return `${SIG_PREFIX}${s.name} ${Buffer.concat([id, s.sig]).toString('base64')}\n`;
}

/** Serialize text and signatures as a signed note. */
export function serializeNote(note: Note): string {
  checkText(note.text);
  if (note.signatures.length === 0) throw invalid('note: needs at least one signature');
  return `${note.text}\n${note.signatures.map(formatSignature).join('')}`;
}

/** Sign `text` with each signer; existing signatures (e.g. the log's) may be kept in front. */
export function signNote(
  text: string,
  signers: readonly NoteSigner[],
  keep: readonly NoteSignature[] = [],
): string {
  checkText(text);
  const sigs = signers.map((s) => ({ name: s.name, keyId: s.keyId, sig: s.sign(text) }));
  return serializeNote({ text, signatures: [...keep, ...sigs] });
}

/**
 * Verify a note against trusted verifiers (C2SP rules): unknown signatures are ignored; a
 * known key's signature that fails rejects the whole note (LW_LEDGER_TAMPER); a note with no
 * verified signature from a known key is rejected (LW_LEDGER_KEY_UNKNOWN).
 */
export function openNote(
  input: string | Uint8Array,
  verifiers: readonly NoteVerifier[],
): OpenedNote {
  const note = parseNote(input);
  const verifiedBy: NoteVerifier[] = [];
  for (const s of note.signatures) {
    const v = verifiers.find((k) => k.name === s.name && k.keyId === s.keyId);
    if (v === undefined) continue;
    if (!v.verify(note.text, s.sig)) {
      throw new LogwardenError(
        'LW_LEDGER_TAMPER',
        `note: the signature by ${s.name} (key ${keyIdHex(s.keyId)}) does not verify`,
      );
    }
    if (!verifiedBy.includes(v)) verifiedBy.push(v);
  }
  if (verifiedBy.length === 0) {
    const names = note.signatures.map((s) => `${s.name}+${keyIdHex(s.keyId)}`).join(', ');
    throw new LogwardenError(
      'LW_LEDGER_KEY_UNKNOWN',
      `note: no signature from a trusted key (signed by: ${names})`,
    );
  }
  return { ...note, verifiedBy };
}

export function keyIdHex(id: number): string {
  return (id >>> 0).toString(16).padStart(8, '0');
}
