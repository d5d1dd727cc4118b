/**
 * `logwarden/winston`: a winston transport that ships records carrying an `event` field with an
 * OWASP vocabulary name; other records are ignored.
 *
 * @example
 * const log = winston.createLogger({ transports: [new winston.transports.Console(), new LogwardenTransport({ logger: security })] });
 * log.warn('bad password', { event: 'authn_login_fail', userId: 'joebob1' });
 */
import Transport from 'winston-transport';
import type { TransportStreamOptions } from 'winston-transport';
import type { Severity } from '../core/event.js';
import { emitLogRecord } from './log-record.js';
import type { SecurityLogger } from './logger.js';

export interface LogwardenTransportOptions extends TransportStreamOptions {
  /** The security logger events go to (created with createSecurityLogger). */
  logger: SecurityLogger;
}

const SEVERITY: Record<string, Severity | undefined> = {
  error: 'ERROR',
  crit: 'CRITICAL',
  alert: 'CRITICAL',
  emerg: 'CRITICAL',
};

export class LogwardenTransport extends Transport {
  readonly #logger: SecurityLogger;

  constructor(options: LogwardenTransportOptions) {
    super(options);
    this.#logger = options.logger;
  }

  override log(info: Record<string, unknown>, callback: () => void): void {
    try {
      emitLogRecord(
        this.#logger,
        info,
        typeof info.level === 'string' ? SEVERITY[info.level] : undefined,
      );
    } catch (e) {
      this.#logger.recordInternalError(e);
    }
    callback();
  }

  override close(): void {
    void this.#logger.flush();
  }
}
