/**
 * `logwarden/pino`: ship security events from an existing pino logger. Records carrying an
 * `event` field with an OWASP vocabulary name become events; everything else is ignored.
 *
 * Two ways:
 * - `pinoDestination(securityLogger)`: a destination (e.g. in `pino.multistream`) written to
 *   synchronously inside the log call, so events also get the request context.
 * - the default export, a pino transport running in a worker thread:
 *   `pino.transport({ target: 'logwarden/pino', options: { endpoint, token, service } })`
 *   (no request context in a worker: put what you need in the record).
 *
 * @example
 * const log = pino({}, pino.multistream([{ stream: process.stdout }, { stream: pinoDestination(security), level: 'info' }]));
 * log.warn({ event: 'authn_login_fail', userId: 'joebob1' }, 'bad password');
 */
import build from 'pino-abstract-transport';
import type { Severity } from '../core/event.js';
import { emitLogRecord } from './log-record.js';
import type { SecurityLogger } from './logger.js';
import { createSecurityLogger } from './logger.js';
import type { SecurityLoggerOptions } from './options.js';

/** pino's numeric levels to ours (only used when the record overrides the vocabulary level). */
function severityOf(level: unknown): Severity | undefined {
  if (typeof level !== 'number') return undefined;
  if (level >= 60) return 'CRITICAL';
  if (level >= 50) return 'ERROR';
  return undefined; // keep the vocabulary's level for info/warn records
}

/** A pino destination: `write(line)` parses one NDJSON record. Never throws. */
export function pinoDestination(logger: SecurityLogger): { write(line: string): void } {
  return {
    write(line: string): void {
      // Cheap pre-check: most application log lines are not security events.
      if (!line.includes('"event"')) return;
      try {
        const rec = JSON.parse(line) as Record<string, unknown>;
        emitLogRecord(logger, rec, severityOf(rec.level));
      } catch (e) {
        logger.recordInternalError(e);
      }
    },
  };
}

/** The worker-thread transport (pino.transport target). */
export default async function pinoTransport(options: SecurityLoggerOptions) {
  // pino adds its own keys (`$context`, `pinoWillSendConfig`) to the transport options.
  const own = Object.fromEntries(
    Object.entries(options).filter(([k]) => !k.startsWith('$') && k !== 'pinoWillSendConfig'),
  );
  const logger = createSecurityLogger(own as unknown as SecurityLoggerOptions);
  return build(
    async (source: AsyncIterable<Record<string, unknown>>) => {
      for await (const rec of source) {
        try {
          emitLogRecord(logger, rec, severityOf(rec.level));
        } catch (e) {
          logger.recordInternalError(e);
        }
      }
    },
    { close: async () => logger.shutdown() },
  );
}
