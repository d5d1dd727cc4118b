/**
 * `createSecurityLogger`: the application's handle for emitting OWASP vocabulary events. Each
 * event gets its id (UUIDv7, the collector's dedup key), time, category, level and outcome from
 * the vocabulary, and the request context (context.ts) without the app passing it.
 *
 * `emit` only builds one object of a fixed shape and hands it to the exporter; redaction,
 * neutralization, JSON and gzip happen per batch off the request path (bench/sdk-emit.mjs).
 * After creation nothing here throws into the application: failures are counted in `stats()`.
 */
import { createHmac, randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Outcome, SecurityEvent, Severity, NON_VOCABULARY_EVENTS } from '../core/event.js';
import { SEVERITY_NUMBER } from '../core/event.js';
import { LogwardenError } from '../core/errors.js';
import { uuidv7 } from '../core/ids.js';
import { createRedactor } from '../core/redact.js';
import type { VocabularyEventName, VocabularyParams } from '../core/vocabulary.js';
import { lookupEvent } from '../core/vocabulary.js';
import { BatchExporter } from './batch-exporter.js';
import type { ClientAddressResolver, TrustProxy } from './client-address.js';
import { createClientAddressResolver } from './client-address.js';
import { getRequestContext, markEmitted } from './context.js';
import type { EventExporter } from './exporter.js';
import { createHttpSender } from './http-sender.js';
import type { SecurityLoggerOptions } from './options.js';
import { ingestUrl, intOption, validateOptions } from './options.js';
import { createEventSerializer } from './outgoing.js';
import { Spool } from './spool.js';
import type { SdkStats } from './stats.js';
import { createRateLimitedWarner, createStats, processWarning } from './stats.js';

/** Event names `emit` knows: the 49 OWASP events and logwarden's own (`http_request`, `log`, ...). */
export type KnownEventName = VocabularyEventName | keyof typeof NON_VOCABULARY_EVENTS;

/** The params of `emit(name, params)`: typed by the vocabulary for OWASP events. */
export type EmitParams<N extends KnownEventName> = N extends VocabularyEventName
  ? VocabularyParams<N>
  : Record<string, never>;

/** Optional extras of one event. `fields` overrides any schema field (rarely needed). */
export interface EmitExtra {
  message?: string;
  outcome?: Outcome;
  severity?: Severity;
  /** Free-form data (size-capped by the collector; secrets are redacted by name and pattern). */
  attributes?: Record<string, unknown>;
  /** Fills `error.type` and `error.message` (never the stack). */
  error?: unknown;
  fields?: Partial<SecurityEvent>;
}

export interface SecurityLogger {
  /**
   * Records one security event. Never throws.
   *
   * @example
   * logger.emit('authn_login_fail', { userid: 'joebob1' }, { message: 'bad password' });
   */
  emit<N extends KnownEventName>(name: N, params?: EmitParams<N>, extra?: EmitExtra): void;
  /** `authn_login_success` for `userid`. */
  loginSuccess(userid: string, extra?: EmitExtra): void;
  /** `authn_login_fail` for `userid`. */
  loginFail(userid: string, extra?: EmitExtra): void;
  /** `authz_fail`: the current user tried to reach `resource`. */
  authzFail(resource: string, extra?: EmitExtra): void;
  /** `input_validation_fail` naming the fields that failed. */
  inputValidationFail(fields: readonly string[], extra?: EmitExtra): void;
  /** Keyed hash of a session id (`hmac-sha256:<32 hex>`): what `session.id` carries. */
  hashSession(rawSessionId: string): string;
  /** Client address from the socket peer and X-Forwarded-For, per `trustProxy`. */
  readonly resolveClientAddress: ClientAddressResolver;
  readonly service: string;
  readonly enabled: boolean;
  /** Sends what is queued; resolves when delivered or spooled. Never rejects. */
  flush(): Promise<void>;
  /** Flushes and stops; safe to call twice. Never rejects. */
  shutdown(): Promise<void>;
  stats(): SdkStats;
  /** Counts an error caught inside an integration (it never reaches the application). */
  recordInternalError(error: unknown): void;
}

interface CompiledParam {
  name: string;
  field: string | undefined;
  attr: string | undefined;
}

interface CompiledEvent {
  category: string | undefined;
  severity: Severity;
  outcome: Outcome | undefined;
  params: CompiledParam[];
}

// Compiled once at load: emit() does one Map lookup instead of walking the vocabulary table.
const compiled = new Map<string, CompiledEvent>();
function compiledFor(name: string): CompiledEvent {
  let c = compiled.get(name);
  if (c === undefined) {
    const info = lookupEvent(name);
    c = {
      category: info?.category,
      severity: info?.level ?? 'INFO',
      outcome: info?.outcome,
      params: (info?.params ?? []).map((p) =>
        p.field.startsWith('attributes.')
          ? { name: p.name, field: undefined, attr: p.field.slice('attributes.'.length) }
          : { name: p.name, field: p.field, attr: undefined },
      ),
    };
    if (compiled.size < 1000) compiled.set(name, c);
  }
  return c;
}

function errorFields(err: unknown): { type: string; message: string } {
  if (err instanceof Error)
    return { type: err.name || err.constructor?.name || 'Error', message: err.message };
  return { type: typeof err, message: String(err) };
}

/**
 * Creates the security logger. Throws LW_SDK_CONFIG on a bad option, and never afterwards.
 *
 * @example
 * const logger = createSecurityLogger({ endpoint: 'http://127.0.0.1:8080', token: process.env.LW_TOKEN!, service: 'shop' });
 * logger.emit('authn_login_success', { userid: 'joebob1' });
 */
export function createSecurityLogger(options: SecurityLoggerOptions): SecurityLogger {
  validateOptions(options);
  const enabled = options.enabled !== false;
  const warn = createRateLimitedWarner(options.onWarning ?? processWarning);
  let redactor;
  try {
    redactor = createRedactor(options.redaction ?? {});
  } catch (e) {
    throw new LogwardenError(
      'LW_SDK_CONFIG',
      `createSecurityLogger: redaction: ${(e as Error).message}`,
      { cause: e },
    );
  }
  const resolveClientAddress = createClientAddressResolver(
    options.trustProxy as TrustProxy | undefined,
  );
  const sessionKey =
    options.sessionHashKey ??
    (options.token !== undefined
      ? createHmac('sha256', options.token).update('logwarden session hash key').digest('hex')
      : randomBytes(32).toString('hex'));
  const hashSession = (raw: string): string =>
    'hmac-sha256:' + createHmac('sha256', sessionKey).update(raw).digest('hex').slice(0, 32);

  let exporter: EventExporter | undefined;
  if (enabled) {
    if (options.exporter !== undefined) exporter = options.exporter;
    else {
      const spool =
        options.spool && options.spool.dir
          ? new Spool({
              dir: options.spool.dir,
              maxBytes: intOption(
                'spool.maxBytes',
                options.spool.maxBytes,
                64 << 20,
                4096,
                Number.MAX_SAFE_INTEGER,
              ),
              segmentBytes: intOption(
                'spool.segmentBytes',
                options.spool.segmentBytes,
                1 << 20,
                1024,
                1 << 30,
              ),
            })
          : undefined;
      exporter = new BatchExporter({
        sender: createHttpSender({
          url: ingestUrl(options.endpoint!, options.allowInsecureHttp === true),
          token: options.token!,
          gzip: options.gzip !== false,
          timeoutMs: intOption('timeoutMs', options.timeoutMs, 10_000, 1, 3_600_000),
          userAgent: 'logwarden-sdk-node',
        }),
        serialize: createEventSerializer(redactor),
        spool,
        maxBatch: intOption('batch.maxEvents', options.batch?.maxEvents, 500, 1, 100_000),
        maxDelayMs: intOption('batch.maxDelayMs', options.batch?.maxDelayMs, 1000, 1, 600_000),
        maxQueue: intOption('batch.maxQueue', options.batch?.maxQueue, 10_000, 1, 10_000_000),
        maxAttempts: intOption('retry.maxAttempts', options.retry?.maxAttempts, 3, 1, 1000),
        backoffInitialMs: intOption(
          'retry.initialDelayMs',
          options.retry?.initialDelayMs,
          500,
          1,
          3_600_000,
        ),
        backoffMaxMs: intOption(
          'retry.maxDelayMs',
          options.retry?.maxDelayMs,
          30_000,
          1,
          3_600_000,
        ),
        flushTimeoutMs: intOption('flushTimeoutMs', options.flushTimeoutMs, 5000, 0, 3_600_000),
        warn,
      });
    }
  }

  const service = options.service;
  const environment = options.environment;
  const version = options.version;
  const hostName = options.hostName === false ? undefined : (options.hostName ?? os.hostname());
  let emitted = 0;
  let errors = 0;
  let lastError: string | undefined;

  function emit(name: string, params?: Record<string, unknown>, extra?: EmitExtra): void {
    if (exporter === undefined) return;
    try {
      const spec = compiledFor(name);
      const ctx = getRequestContext();
      // One literal with every field in canonical order: a stable hidden class for V8, and
      // undefined fields cost nothing in JSON (bench/sdk-emit.mjs).
      const ev: SecurityEvent = {
        id: uuidv7(),
        time: new Date().toISOString(),
        'event.name': name,
        'event.category': spec.category,
        'event.action': ctx?.action,
        'event.outcome': extra?.outcome ?? spec.outcome,
        'event.reason': undefined,
        severity: extra?.severity ?? spec.severity,
        severity_number: SEVERITY_NUMBER[extra?.severity ?? spec.severity],
        message: extra?.message,
        'service.name': service,
        'service.version': version,
        'deployment.environment': environment,
        'host.name': hostName,
        'http.request.method': ctx?.method,
        'url.path': ctx?.path,
        'http.route': ctx === undefined ? undefined : (ctx.route ?? ctx.routeOf?.()),
        'client.address': ctx?.clientAddress,
        'user.id': ctx?.userId,
        'user.name': ctx?.userName,
        'session.id': ctx?.sessionHash,
        'user_agent.original': ctx?.userAgent,
        'request.id': ctx?.requestId,
        trace_id: ctx?.traceId,
        span_id: ctx?.spanId,
        'error.type': undefined,
        'error.message': undefined,
        'log.source': 'sdk',
        attributes: undefined,
      };
      if (params !== undefined) {
        const e = ev as unknown as Record<string, unknown>;
        for (const p of spec.params) {
          const v = params[p.name];
          if (v === undefined) continue;
          if (p.attr !== undefined) (ev.attributes ??= {})[p.attr] = v;
          else
            e[p.field!] =
              p.field === 'user.id' || p.field === 'event.reason' || p.field === 'event.action'
                ? String(v)
                : v;
        }
      }
      if (extra !== undefined) {
        if (extra.attributes !== undefined)
          ev.attributes = { ...extra.attributes, ...ev.attributes };
        if (extra.error !== undefined) {
          const f = errorFields(extra.error);
          ev['error.type'] = f.type;
          ev['error.message'] = f.message;
        }
        if (extra.fields !== undefined) Object.assign(ev, extra.fields);
      }
      if (ctx !== undefined) markEmitted(ctx, name);
      emitted++;
      exporter.export(ev);
    } catch (e) {
      errors++;
      lastError = (e as Error)?.message ?? String(e);
      warn(
        'emit',
        `emit(${String(name)}) failed internally (the application is not affected): ${lastError}`,
      );
    }
  }

  function recordInternalError(e: unknown): void {
    errors++;
    lastError = e instanceof Error ? e.message : String(e);
    warn('internal', `internal error (the application is not affected): ${lastError}`);
  }

  const logger: SecurityLogger = {
    recordInternalError,
    emit: emit as SecurityLogger['emit'],
    loginSuccess: (userid, extra) => emit('authn_login_success', { userid }, extra),
    loginFail: (userid, extra) => emit('authn_login_fail', { userid }, extra),
    authzFail: (resource, extra) => emit('authz_fail', { resource }, extra),
    inputValidationFail: (fields, extra) =>
      emit('input_validation_fail', { fields: [...fields] }, extra),
    hashSession,
    resolveClientAddress,
    service,
    enabled,
    flush: async () => {
      try {
        await exporter?.flush();
      } catch {
        errors++;
      }
    },
    shutdown: async () => {
      try {
        await exporter?.shutdown();
      } catch {
        errors++;
      }
    },
    stats: () => {
      let s: SdkStats;
      try {
        s = exporter?.stats() ?? createStats();
      } catch {
        s = createStats();
      }
      return { ...s, emitted, errors: s.errors + errors, lastError: lastError ?? s.lastError };
    },
  };
  return logger;
}
