/**
 * Coded errors from one catalog (STYLE habit 6). Every error logwarden raises has a code here;
 * the CLI maps codes to exit codes and the HTTP layer to statuses. docs/errors.md is generated
 * from this table and a test fails when it drifts.
 *
 * @example
 * throw new LogwardenError('LW_CONFIG_INVALID', 'config.yaml: server.listen: expected HOST:PORT');
 */

export interface ErrorSpec {
  /** What this error means, for docs/errors.md. */
  readonly summary: string;
  /** Process exit code when the CLI ends on this error. */
  readonly exit: number;
  /** HTTP status when an API answers with this error. */
  readonly http: number;
}

/**
 * Every error code with its summary, CLI exit code and HTTP status (docs/errors.md is generated
 * from this table).
 *
 * @example
 * ERROR_CATALOG.LW_EVENT_INVALID.http; // 400
 */
export const ERROR_CATALOG = {
  LW_INTERNAL: {
    summary: 'An unexpected internal error (a bug: please report it).',
    exit: 70,
    http: 500,
  },
  LW_USAGE: {
    summary: 'A command was called with wrong arguments or options.',
    exit: 64,
    http: 400,
  },
  LW_CONFIG_INVALID: {
    summary:
      'The configuration file or an environment override is invalid; the message names the file and key.',
    exit: 78,
    http: 500,
  },
  LW_CONFIG_NOT_FOUND: {
    summary: 'The configuration file given with --config does not exist.',
    exit: 66,
    http: 500,
  },
  LW_INPUT_NOT_FOUND: {
    summary: 'An input file named on the command line does not exist or cannot be read.',
    exit: 66,
    http: 404,
  },
  LW_EVENT_INVALID: {
    summary: 'An event failed validation; the message names the field and what was wrong.',
    exit: 65,
    http: 400,
  },
  LW_BODY_MALFORMED: {
    summary:
      'A request body could not be decoded (bad JSON, malformed protobuf, bad gzip, invalid UTF-8).',
    exit: 65,
    http: 400,
  },
  LW_BODY_TOO_LARGE: {
    summary: 'A request body or item exceeded a configured size limit.',
    exit: 65,
    http: 413,
  },
  LW_UNSUPPORTED_MEDIA: {
    summary: 'The request Content-Type or Content-Encoding is not supported.',
    exit: 65,
    http: 415,
  },
  LW_AUTH_REQUIRED: { summary: 'The request carried no credentials.', exit: 77, http: 401 },
  LW_AUTH_INVALID: {
    summary: 'The token or password is wrong, revoked or expired.',
    exit: 77,
    http: 401,
  },
  LW_FORBIDDEN: {
    summary: 'The credentials are valid but lack the permission (e.g. a read-only token).',
    exit: 77,
    http: 403,
  },
  LW_AUTH_LOCKED: {
    summary: 'Too many failed logins for this user or address: locked out for a while.',
    exit: 77,
    http: 429,
  },
  LW_NOT_FOUND: { summary: 'The requested object does not exist.', exit: 66, http: 404 },
  LW_CONFLICT: {
    summary: 'The request conflicts with stored state (e.g. a name already in use).',
    exit: 65,
    http: 409,
  },
  LW_BACKPRESSURE: {
    summary: 'The server is saturated; retry after the given delay.',
    exit: 75,
    http: 429,
  },
  LW_UNAVAILABLE: { summary: 'The server is starting up or shutting down.', exit: 75, http: 503 },
  LW_QUERY_INVALID: {
    summary: 'A search query could not be parsed; the message points at the offending token.',
    exit: 65,
    http: 400,
  },
  LW_STORE_FAILED: {
    summary: 'The store could not read or write (disk full, corrupt file, locked database).',
    exit: 74,
    http: 503,
  },
  LW_PARSE_FAILED: {
    summary: 'A log line or file could not be parsed with the requested format.',
    exit: 65,
    http: 400,
  },
  LW_RULE_INVALID: {
    summary: 'A detection rule could not be loaded; the message says why.',
    exit: 65,
    http: 400,
  },
  LW_LEDGER_TAMPER: {
    summary: 'verify: stored entries do not match the signed checkpoints.',
    exit: 10,
    http: 500,
  },
  LW_LEDGER_FORK: {
    summary: 'verify: two checkpoints are inconsistent (fork, rollback or split view).',
    exit: 11,
    http: 500,
  },
  LW_LEDGER_INCOMPLETE: {
    summary: 'verify: entries are missing from the store or a replica.',
    exit: 12,
    http: 500,
  },
  LW_LEDGER_STALE: {
    summary: 'verify: the newest checkpoint is older than allowed.',
    exit: 13,
    http: 500,
  },
  LW_LEDGER_QUORUM: {
    summary: 'verify: fewer replicas than the quorum policy asks cosigned.',
    exit: 14,
    http: 500,
  },
  LW_LEDGER_INVALID: {
    summary:
      'A signed note, checkpoint, key, proof or proof bundle is malformed; the message names the part.',
    exit: 65,
    http: 400,
  },
  LW_LEDGER_KEY_UNKNOWN: {
    summary:
      'A signed note carries no valid signature from a trusted key (wrong or missing verification key).',
    exit: 77,
    http: 403,
  },
  LW_SDK_CONFIG: {
    summary: 'The SDK was created with an invalid option (thrown at creation, never later).',
    exit: 78,
    http: 500,
  },
  LW_DELIVERY_FAILED: {
    summary: 'An alert or forwarded entry could not be delivered (it stays queued).',
    exit: 69,
    http: 502,
  },
  LW_SCOPE_DENIED: {
    summary: 'probe: the target is outside the authorized scope.',
    exit: 77,
    http: 403,
  },
} as const satisfies Record<string, ErrorSpec>;

/**
 * A catalog error code.
 *
 * @example
 * const code: ErrorCode = 'LW_BACKPRESSURE';
 */
export type ErrorCode = keyof typeof ERROR_CATALOG;

/**
 * An error with a catalog code, optional structured details and a cause.
 *
 * @example
 * throw new LogwardenError('LW_EVENT_INVALID', "time: expected RFC 3339, got 'yesterday'", { details: { field: 'time' } });
 */
export class LogwardenError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LogwardenError';
    this.code = code;
    this.details = options?.details;
  }

  get exitCode(): number {
    return ERROR_CATALOG[this.code].exit;
  }

  get httpStatus(): number {
    return ERROR_CATALOG[this.code].http;
  }

  toJSON(): { code: ErrorCode; message: string; details?: Record<string, unknown> } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/**
 * Type guard for LogwardenError.
 *
 * @example
 * catch (e) { if (isLogwardenError(e)) process.exitCode = e.exitCode; }
 */
export function isLogwardenError(e: unknown): e is LogwardenError {
  return e instanceof LogwardenError;
}
