/**
 * What a verifier remembers between runs: per origin, the largest checkpoint it accepted. A log
 * rolled back to an older copy and re-signed with its own key is consistent on its own; only a
 * checkpoint seen before reveals it (pass these as `remembered` to verifyLocal). Keep the file
 * where the log's host cannot write it (the auditor's machine, a replica).
 *
 * File: JSON `{ "version": 1, "checkpoints": { "<origin>": "<signed note>" } }`, replaced
 * atomically (write to a temp file, fsync, rename).
 *
 * @example
 * const remembered = readVerifyState('verify-state.json');
 * const r = verifyLocal({ store, keys, remembered });
 * if (r.status === 'ok' && r.newest) rememberCheckpoint('verify-state.json', r.newest.note, keys);
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { LogwardenError } from '../core/errors.js';
import { openCheckpoint } from './checkpoint.js';
import type { NoteVerifier } from './note.js';

interface StateFile {
  version: 1;
  checkpoints: Record<string, string>;
}

function load(path: string): StateFile {
  if (!existsSync(path)) return { version: 1, checkpoints: {} };
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new LogwardenError('LW_LEDGER_INVALID', `${path}: verify state is not readable JSON`, {
      cause: e,
    });
  }
  const d = data as Partial<StateFile>;
  if (d?.version !== 1 || typeof d.checkpoints !== 'object' || d.checkpoints === null) {
    throw new LogwardenError(
      'LW_LEDGER_INVALID',
      `${path}: expected {"version": 1, "checkpoints": {...}}`,
    );
  }
  for (const [origin, note] of Object.entries(d.checkpoints)) {
    if (typeof note !== 'string')
      throw new LogwardenError(
        'LW_LEDGER_INVALID',
        `${path}: checkpoints.${origin} must be a signed note`,
      );
  }
  return d as StateFile;
}

/** Remembered checkpoint notes (all origins, or one). A missing file is an empty state. */
export function readVerifyState(path: string, origin?: string): string[] {
  const s = load(path);
  return Object.entries(s.checkpoints)
    .filter(([o]) => origin === undefined || o === origin)
    .map(([, note]) => note);
}

/**
 * Remember `note` for its origin unless a larger checkpoint is already remembered. The note must
 * verify with `keys`; returns the size now remembered.
 */
export function rememberCheckpoint(
  path: string,
  note: string,
  keys: readonly NoteVerifier[],
): number {
  const { checkpoint } = openCheckpoint(note, keys);
  const s = load(path);
  const had = s.checkpoints[checkpoint.origin];
  if (had !== undefined) {
    const old = openCheckpoint(had, keys).checkpoint;
    if (old.size >= checkpoint.size) return old.size;
  }
  s.checkpoints[checkpoint.origin] = note;
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w', 0o644);
  try {
    writeSync(fd, `${JSON.stringify(s, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  return checkpoint.size;
}
