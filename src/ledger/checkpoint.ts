/**
 * C2SP tlog-checkpoint: the note text `<origin>\n<size>\n<base64 root>\n` plus optional
 * non-empty extension lines, signed as a C2SP signed note by the log key whose name is the
 * origin.
 *
 * @example
 * const note = signCheckpoint({ origin: 'logs.example/prod', size: 3, root }, signer);
 * const { checkpoint } = openCheckpoint(note, [verifier], 'logs.example/prod');
 */
import { LogwardenError } from '../core/errors.js';
import { SIG_TYPE_ED25519 } from './ed25519.js';
import { HASH_SIZE } from './merkle.js';
import {
  type NoteSigner,
  type NoteVerifier,
  type OpenedNote,
  decodeBase64Strict,
  openNote,
  signNote,
} from './note.js';

export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly root: Buffer;
  readonly extensions?: readonly string[];
}

function invalid(msg: string): LogwardenError {
  return new LogwardenError('LW_LEDGER_INVALID', msg);
}

export function formatCheckpoint(cp: Checkpoint): string {
  if (cp.origin === '' || cp.origin.includes('\n'))
    throw invalid('checkpoint: origin must be one non-empty line');
  if (!Number.isSafeInteger(cp.size) || cp.size < 0)
    throw invalid(`checkpoint: size ${String(cp.size)} is not a non-negative integer`);
  if (cp.root.length !== HASH_SIZE)
    throw invalid(`checkpoint: root is ${cp.root.length} bytes, not ${HASH_SIZE}`);
  for (const ext of cp.extensions ?? [])
    if (ext === '' || ext.includes('\n'))
      throw invalid('checkpoint: extension lines must be non-empty single lines');
  return (
    [cp.origin, String(cp.size), cp.root.toString('base64'), ...(cp.extensions ?? [])].join('\n') +
    '\n'
  );
}

/** Parse checkpoint note text (not the signatures); strict about every line. */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw invalid('checkpoint: text must end with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3)
    throw invalid(`checkpoint: ${lines.length} lines, need origin, size and root`);
  const [origin, sizeText, rootText, ...extensions] = lines as [
    string,
    string,
    string,
    ...string[],
  ];
  if (origin === '') throw invalid('checkpoint: empty origin line');
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText))
    throw invalid(
      `checkpoint: size line ${JSON.stringify(sizeText)} is not a decimal without leading zeros`,
    );
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) throw invalid(`checkpoint: size ${sizeText} is too large`);
  const root = decodeBase64Strict(rootText, 'checkpoint: root line');
  if (root.length !== HASH_SIZE)
    throw invalid(`checkpoint: root is ${root.length} bytes, not ${HASH_SIZE}`);
  if (extensions.some((e) => e === '')) throw invalid('checkpoint: empty extension line');
  return extensions.length > 0 ? { origin, size, root, extensions } : { origin, size, root };
}

export function signCheckpoint(cp: Checkpoint, signer: NoteSigner): string {
  if (signer.name !== cp.origin)
    throw invalid(`checkpoint: signer ${signer.name} is not named as the origin ${cp.origin}`);
  return signNote(formatCheckpoint(cp), [signer]);
}

/**
 * Verify a signed checkpoint with the log's keys (type 0x01, named as the origin; other keys
 * are ignored) and parse it. Throws when the origin is not the expected one.
 */
export function openCheckpoint(
  note: string,
  logKeys: readonly NoteVerifier[],
  expectedOrigin?: string,
): { checkpoint: Checkpoint; note: OpenedNote } {
  const opened = openNote(
    note,
    logKeys.filter((k) => k.type === SIG_TYPE_ED25519),
  );
  const checkpoint = parseCheckpoint(opened.text);
  if (expectedOrigin !== undefined && checkpoint.origin !== expectedOrigin) {
    throw invalid(`checkpoint: origin ${checkpoint.origin} is not the expected ${expectedOrigin}`);
  }
  if (!opened.verifiedBy.some((v) => v.name === checkpoint.origin)) {
    throw new LogwardenError(
      'LW_LEDGER_KEY_UNKNOWN',
      `checkpoint: not signed by a key named ${checkpoint.origin}`,
    );
  }
  return { checkpoint, note: opened };
}
