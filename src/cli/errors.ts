/**
 * How the CLI ends on an error: `error LW_CODE: message` on stderr (JSON with --format json)
 * and the catalog's exit code (ERROR_CATALOG[code].exit).
 */
import { ERROR_CATALOG, LogwardenError } from '../core/errors.js';
import type { CliIO } from './io.js';

export function toLogwardenError(e: unknown): LogwardenError {
  if (e instanceof LogwardenError) return e;
  const err = e as { code?: string; message?: string };
  if (typeof err?.code === 'string' && err.code.startsWith('commander.')) {
    return new LogwardenError(
      'LW_USAGE',
      `${(err.message ?? '').replace(/^error: /, '')} (see --help)`,
    );
  }
  return new LogwardenError('LW_INTERNAL', err?.message ?? String(e), { cause: e });
}

/** Print the error and return the exit code. */
export function reportError(e: unknown, io: CliIO, json: boolean): number {
  const error = toLogwardenError(e);
  if (json) io.err(JSON.stringify({ error: error.toJSON() }) + '\n');
  else {
    io.err(`error ${error.code}: ${error.message}\n`);
    if (error.code === 'LW_INTERNAL' && error.cause instanceof Error && error.cause.stack)
      io.err(error.cause.stack + '\n');
  }
  return ERROR_CATALOG[error.code].exit;
}
