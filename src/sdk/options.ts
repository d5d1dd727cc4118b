/**
 * Options of `createSecurityLogger` and their validation. Everything is checked at creation and
 * a bad option throws LW_SDK_CONFIG naming it (fail at init, never at run time: STYLE habit 7).
 */
import { LogwardenError } from '../core/errors.js';
import type { RedactorConfig } from '../core/redact.js';
import type { EventExporter } from './exporter.js';
import type { TrustProxy } from './client-address.js';

export interface SecurityLoggerOptions {
  /** `service.name` of every event. Required. */
  service: string;
  /** Collector base URL (`https://logs.example.com`) or the full ingest URL (`.../v1/events`). */
  endpoint?: string;
  /** Ingest token (`logwarden tokens create`). Required with `endpoint`. */
  token?: string;
  environment?: string;
  version?: string;
  /** `host.name`; defaults to os.hostname(); false leaves it out. */
  hostName?: string | false;
  /** false turns the SDK into a no-op (same API, nothing recorded). Default true. */
  enabled?: boolean;
  /** Replaces HTTP delivery (e.g. the in-memory exporter of `logwarden/testing`). */
  exporter?: EventExporter;
  batch?: {
    /** Events per request. Default 500. */
    maxEvents?: number;
    /** Longest an event waits in memory before its batch is sent. Default 1000 ms. */
    maxDelayMs?: number;
    /** Bound of the in-memory queue; beyond it events are dropped (`queue_full`). Default 10000. */
    maxQueue?: number;
  };
  retry?: {
    /** Attempts of one batch before it is spooled (when a spool is configured). Default 3. */
    maxAttempts?: number;
    initialDelayMs?: number;
    maxDelayMs?: number;
  };
  /** Per-request timeout. Default 10000 ms. */
  timeoutMs?: number;
  /** Longest `flush()`/`shutdown()` wait. Default 5000 ms. */
  flushTimeoutMs?: number;
  /** gzip request bodies of 1 KiB and more. Default true. */
  gzip?: boolean;
  /** On-disk spool for collector outages (recommended in production). Default: none. */
  spool?: { dir: string; maxBytes?: number; segmentBytes?: number } | false;
  /** Redaction settings (core `createRedactor`): defaults remove passwords, tokens, cards... */
  redaction?: RedactorConfig;
  /** HMAC key for session-id hashing; derived from the token when absent. */
  sessionHashKey?: string;
  /** Which proxies may set X-Forwarded-For: false (default), a hop count, or CIDRs. */
  trustProxy?: TrustProxy;
  /** Allow plain `http://` to a non-loopback collector (tokens and events in clear text). Default false. */
  allowInsecureHttp?: boolean;
  /** Where rate-limited warnings go. Default: process.emitWarning. */
  onWarning?: (message: string) => void;
}

const KNOWN_KEYS = new Set([
  'service',
  'endpoint',
  'token',
  'environment',
  'version',
  'hostName',
  'enabled',
  'exporter',
  'batch',
  'retry',
  'timeoutMs',
  'flushTimeoutMs',
  'gzip',
  'spool',
  'redaction',
  'sessionHashKey',
  'trustProxy',
  'allowInsecureHttp',
  'onWarning',
]);

const fail = (message: string): never => {
  throw new LogwardenError('LW_SDK_CONFIG', `createSecurityLogger: ${message}`);
};

const CONTROL = /[\u0000-\u001f\u007f]/;

function checkString(name: string, v: unknown, required: boolean): void {
  if (v === undefined && !required) return;
  if (typeof v !== 'string' || v.trim() === '')
    fail(`${name}: expected a non-empty string, got ${JSON.stringify(v) ?? String(v)}`);
  if (CONTROL.test(v as string)) fail(`${name}: contains control characters`);
  if ((v as string).length > 512) fail(`${name}: longer than 512 characters`);
}

/** Validates an integer option in [min, max]; returns it or the default. */
export function intOption(name: string, v: unknown, def: number, min: number, max: number): number {
  if (v === undefined) return def;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    fail(
      `${name}: expected an integer from ${min} to ${max}, got ${JSON.stringify(v) ?? String(v)}`,
    );
  }
  return v as number;
}

function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** Resolves the ingest URL: a base URL gets `/v1/events`. */
export function ingestUrl(endpoint: string, allowInsecureHttp: boolean): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return fail(`endpoint: "${endpoint}" is not a URL (expected e.g. https://logs.example.com)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    fail(`endpoint: protocol ${url.protocol} is not http: or https:`);
  if (url.username !== '' || url.password !== '')
    fail('endpoint: credentials in the URL are not allowed; use the token option');
  if (url.protocol === 'http:' && !isLoopback(url.hostname) && !allowInsecureHttp) {
    fail(
      `endpoint: plain http:// to ${url.hostname} would send the token and events unencrypted; use https:// or set allowInsecureHttp: true`,
    );
  }
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/v1/events';
  return url;
}

/** Throws LW_SDK_CONFIG on the first bad option. */
export function validateOptions(o: unknown): asserts o is SecurityLoggerOptions {
  if (o === null || typeof o !== 'object') fail('options: expected an object');
  const opts = o as Record<string, unknown>;
  for (const k of Object.keys(opts)) if (!KNOWN_KEYS.has(k)) fail(`unknown option "${k}"`);
  checkString('service', opts.service, true);
  checkString('environment', opts.environment, false);
  checkString('version', opts.version, false);
  if (opts.hostName !== false) checkString('hostName', opts.hostName, false);
  if (opts.enabled !== undefined && typeof opts.enabled !== 'boolean')
    fail('enabled: expected a boolean');
  if (opts.gzip !== undefined && typeof opts.gzip !== 'boolean') fail('gzip: expected a boolean');
  if (opts.onWarning !== undefined && typeof opts.onWarning !== 'function')
    fail('onWarning: expected a function');
  if (opts.exporter !== undefined) {
    const e = opts.exporter as Partial<EventExporter> | null;
    if (
      e === null ||
      typeof e !== 'object' ||
      typeof e.export !== 'function' ||
      typeof e.flush !== 'function' ||
      typeof e.shutdown !== 'function' ||
      typeof e.stats !== 'function'
    ) {
      fail('exporter: expected an object with export, flush, shutdown and stats');
    }
  }
  if (opts.enabled !== false && opts.exporter === undefined) {
    if (opts.endpoint === undefined)
      fail('endpoint: required (or pass exporter, or enabled: false)');
    checkString('endpoint', opts.endpoint, true);
    checkString('token', opts.token, true);
    if (/\s/.test(opts.token as string)) fail('token: contains whitespace');
    ingestUrl(opts.endpoint as string, opts.allowInsecureHttp === true);
  }
  if (opts.sessionHashKey !== undefined) checkString('sessionHashKey', opts.sessionHashKey, true);
  const batch = (opts.batch ?? {}) as Record<string, unknown>;
  if (typeof batch !== 'object') fail('batch: expected an object');
  intOption('batch.maxEvents', batch.maxEvents, 500, 1, 100_000);
  intOption('batch.maxDelayMs', batch.maxDelayMs, 1000, 1, 600_000);
  intOption('batch.maxQueue', batch.maxQueue, 10_000, 1, 10_000_000);
  const retry = (opts.retry ?? {}) as Record<string, unknown>;
  if (typeof retry !== 'object') fail('retry: expected an object');
  intOption('retry.maxAttempts', retry.maxAttempts, 3, 1, 1000);
  intOption('retry.initialDelayMs', retry.initialDelayMs, 500, 1, 3_600_000);
  intOption('retry.maxDelayMs', retry.maxDelayMs, 30_000, 1, 3_600_000);
  intOption('timeoutMs', opts.timeoutMs, 10_000, 1, 3_600_000);
  intOption('flushTimeoutMs', opts.flushTimeoutMs, 5000, 0, 3_600_000);
  if (opts.spool !== undefined && opts.spool !== false) {
    const s = opts.spool as Record<string, unknown>;
    if (s === null || typeof s !== 'object')
      fail('spool: expected { dir, maxBytes?, segmentBytes? } or false');
    checkString('spool.dir', s.dir, true);
    intOption('spool.maxBytes', s.maxBytes, 64 << 20, 4096, Number.MAX_SAFE_INTEGER);
    intOption('spool.segmentBytes', s.segmentBytes, 1 << 20, 1024, 1 << 30);
  }
}
