/**
 * Query errors point at the offending token: the message carries the query and a caret line
 * under the token, and `details` carries `{ position, token }` for API clients and the dashboard.
 *
 * @example
 * // LW_QUERY_INVALID: status expects a number, got "abc" (position 7)
 * //   status:abc
 * //          ^^^
 */
import { LogwardenError } from '../core/errors.js';

/** Longest query echoed in a message; longer ones are cut around the error position. */
const ECHO_WIDTH = 120;

export function queryError(
  src: string,
  position: number,
  token: string,
  reason: string,
): LogwardenError {
  // Keep the echoed line short and free of control characters (CWE-117: the message may be logged).
  const start = Math.max(0, Math.min(position - ECHO_WIDTH / 2, src.length - ECHO_WIDTH));
  const shown = src.slice(start, start + ECHO_WIDTH).replace(/[\u0000-\u001f\u007f]/g, ' ');
  const caret =
    ' '.repeat(position - start) + '^'.repeat(Math.max(1, Math.min(token.length, ECHO_WIDTH)));
  const safeReason = reason.replace(
    /[\u0000-\u001f\u007f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
  const message = `${safeReason} (position ${position})\n  ${shown}\n  ${caret}`;
  return new LogwardenError('LW_QUERY_INVALID', message, { details: { position, token } });
}
