/**
 * Persisted read positions of the file source: one JSON file, replaced atomically (write to a
 * temporary file, fsync, rename), keyed by device and inode so that a file renamed by rotation
 * while logwarden was down is still recognized and finished from where it was left.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { LogwardenError } from '../../core/errors.js';

export interface FilePosition {
  /** Path the file had when last seen. */
  path: string;
  dev: number;
  ino: number;
  /** Byte offset just after the last complete line handed to the sink and acknowledged. */
  offset: number;
  /** Hex SHA-256 of the first `fingerprintBytes` bytes: tells the same file from a new one. */
  fingerprint: string;
  fingerprintBytes: number;
  /** Truncations seen so far (part of the event-id identity). */
  generation: number;
}

interface PositionsFile {
  version: 1;
  files: FilePosition[];
}

export function loadPositions(file: string): FilePosition[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new LogwardenError(
      'LW_STORE_FAILED',
      `${file}: cannot read file positions (${(e as Error).message})`,
      { cause: e },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new LogwardenError(
      'LW_CONFIG_INVALID',
      `${file}: file positions are not valid JSON (${(e as Error).message})`,
      { cause: e },
    );
  }
  const p = parsed as Partial<PositionsFile>;
  if (p.version !== 1 || !Array.isArray(p.files))
    throw new LogwardenError(
      'LW_CONFIG_INVALID',
      `${file}: expected {"version":1,"files":[...]} file positions`,
    );
  return p.files.filter(
    (f) =>
      typeof f.path === 'string' &&
      typeof f.fingerprint === 'string' &&
      Number.isInteger(f.fingerprintBytes) &&
      Number.isInteger(f.generation) &&
      Number.isInteger(f.ino) &&
      Number.isInteger(f.dev) &&
      Number.isInteger(f.offset) &&
      f.offset >= 0,
  );
}

export function savePositions(file: string, files: readonly FilePosition[]): void {
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify({ version: 1, files: [...files] } satisfies PositionsFile));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}
