/**
 * What the Express and Fastify integrations share: building the request context from the
 * Node request, the automatic events when a response finishes (authz_fail on 401/403,
 * input_validation_fail on 400/422, sampled http_request), blocking decisions and the events
 * for unhandled errors. Framework files only adapt their hooks to these functions.
 */
import type { IncomingMessage } from 'node:http';
import { LogwardenError } from '../core/errors.js';
import type { RequestContext } from './context.js';
import { createRequestContext, runWithContext } from './context.js';
import type { SecurityLogger } from './logger.js';
import { requestIdsFrom } from './request-id.js';

export interface HttpSecurityOptions {
  /** Statuses that record `authz_fail` when the app did not record an authn/authz event itself. Default [401, 403]; false = off. */
  authzFailOn?: readonly number[] | false;
  /** Statuses that record `input_validation_fail` (unless the app did). Default [400, 422]; false = off. */
  validationFailOn?: readonly number[] | false;
  /** Plain request events: `sample` is the share recorded (0..1). Default 0: "log all connections" is a choice with a cost. */
  requests?: { sample?: number };
  /**
   * Opt-in enforcement: answer 403 (and record `authz_fail` with reason `blocked`) when it returns
   * true. Called with the client address before routing (user unknown yet) and, via `enforce`,
   * after authentication with the user. A throwing hook fails open and is counted.
   */
  isBlocked?: (
    clientAddress: string | undefined,
    userId: string | undefined,
  ) => boolean | Promise<boolean>;
  /** Reads the raw session id from the request; only its keyed hash is recorded. */
  sessionId?: (req: IncomingMessage) => string | undefined;
  /** Response header carrying the request id. Default `x-request-id`; false = not echoed. */
  requestIdHeader?: string | false;
}

export interface CompiledHttpOptions {
  authzFailOn: ReadonlySet<number>;
  validationFailOn: ReadonlySet<number>;
  sample: number;
  isBlocked: HttpSecurityOptions['isBlocked'];
  sessionId: HttpSecurityOptions['sessionId'];
  requestIdHeader: string | false;
}

const fail = (m: string): never => {
  throw new LogwardenError('LW_SDK_CONFIG', m);
};

function statusList(
  name: string,
  v: readonly number[] | false | undefined,
  def: number[],
): ReadonlySet<number> {
  if (v === false) return new Set();
  if (v === undefined) return new Set(def);
  if (!Array.isArray(v) || v.some((s) => !Number.isInteger(s) || s < 100 || s > 599))
    fail(`${name}: expected a list of HTTP statuses or false`);
  return new Set(v);
}

/** Validates integration options (throws LW_SDK_CONFIG naming the option). */
export function compileHttpOptions(
  where: string,
  o: HttpSecurityOptions = {},
): CompiledHttpOptions {
  if (o === null || typeof o !== 'object') fail(`${where}: options must be an object`);
  const known = new Set([
    'authzFailOn',
    'validationFailOn',
    'requests',
    'isBlocked',
    'sessionId',
    'requestIdHeader',
  ]);
  for (const k of Object.keys(o)) if (!known.has(k)) fail(`${where}: unknown option "${k}"`);
  const sample = o.requests?.sample ?? 0;
  if (typeof sample !== 'number' || !(sample >= 0 && sample <= 1))
    fail(`${where}: requests.sample: expected a number from 0 to 1, got ${String(sample)}`);
  if (o.isBlocked !== undefined && typeof o.isBlocked !== 'function')
    fail(`${where}: isBlocked: expected a function`);
  if (o.sessionId !== undefined && typeof o.sessionId !== 'function')
    fail(`${where}: sessionId: expected a function`);
  const header = o.requestIdHeader ?? 'x-request-id';
  if (header !== false && (typeof header !== 'string' || !/^[A-Za-z0-9-]+$/.test(header)))
    fail(`${where}: requestIdHeader: expected a header name or false`);
  return {
    authzFailOn: statusList(`${where}: authzFailOn`, o.authzFailOn, [401, 403]),
    validationFailOn: statusList(`${where}: validationFailOn`, o.validationFailOn, [400, 422]),
    sample,
    isBlocked: o.isBlocked,
    sessionId: o.sessionId,
    requestIdHeader: header,
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The context of one request, from the Node request. */
export function contextFromRequest(
  logger: SecurityLogger,
  o: CompiledHttpOptions,
  req: IncomingMessage,
  path: string | undefined,
  routeOf: (() => string | undefined) | undefined,
): RequestContext {
  const ids = requestIdsFrom(req.headers['x-request-id'], req.headers.traceparent);
  const ctx = createRequestContext({
    method: req.method,
    path,
    routeOf,
    clientAddress: logger.resolveClientAddress(
      req.socket?.remoteAddress,
      req.headers['x-forwarded-for'],
    ),
    userAgent: header(req, 'user-agent'),
    requestId: ids.requestId,
    traceId: ids.traceId,
    spanId: ids.spanId,
    hashSession: logger.hashSession,
  });
  if (o.sessionId !== undefined) {
    try {
      const sid = o.sessionId(req);
      if (sid) ctx.sessionHash = logger.hashSession(sid);
    } catch (e) {
      logger.recordInternalError(e);
    }
  }
  return ctx;
}

/** The path part of a request target (no query: queries can carry secrets). */
export function pathOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

function emittedAny(ctx: RequestContext, prefixes: readonly string[]): boolean {
  if (ctx.emitted === undefined) return false;
  for (const n of ctx.emitted) for (const p of prefixes) if (n.startsWith(p)) return true;
  return false;
}

/** The automatic events when a response finished. Never throws. */
export function onResponseFinished(
  logger: SecurityLogger,
  o: CompiledHttpOptions,
  ctx: RequestContext,
  status: number,
  durationMs: number,
): void {
  // Most responses record nothing: decide before paying for the context switch and the route.
  const authz = o.authzFailOn.has(status);
  const invalid = o.validationFailOn.has(status);
  const sampled = o.sample > 0 && (o.sample >= 1 || Math.random() < o.sample);
  if (!authz && !invalid && !sampled) return;
  try {
    runWithContext(ctx, () => {
      if (ctx.route === undefined && ctx.routeOf !== undefined) ctx.route = ctx.routeOf();
      const fields = {
        'http.response.status_code': status,
        'http.server.duration_ms': Math.round(durationMs * 1000) / 1000,
      };
      if (authz && !emittedAny(ctx, ['authz_', 'authn_', 'session_'])) {
        logger.emit(
          'authz_fail',
          { resource: ctx.route ?? ctx.path },
          { fields, message: `HTTP ${status}` },
        );
      }
      if (
        o.validationFailOn.has(status) &&
        !emittedAny(ctx, ['input_', 'upload_validation', 'malicious_'])
      ) {
        logger.emit('input_validation_fail', {}, { fields, message: `HTTP ${status}` });
      }
      if (sampled) {
        logger.emit('http_request', {}, { fields, outcome: status >= 400 ? 'failure' : 'success' });
      }
    });
  } catch (e) {
    logger.recordInternalError(e);
  }
}

/**
 * Records an unhandled error as `app_error` (category `error`, level ERROR): `error.type` and
 * `error.message` only; the stack goes nowhere, and the client gets a generic answer.
 */
export function recordUnhandledError(
  logger: SecurityLogger,
  ctx: RequestContext | undefined,
  err: unknown,
  status: number,
): void {
  const emit = (): void =>
    logger.emit(
      'app_error',
      {},
      {
        outcome: 'failure',
        message: 'unhandled error in request handler',
        error: err,
        fields: { 'http.response.status_code': status },
      },
    );
  if (ctx === undefined) emit();
  else runWithContext(ctx, emit);
}

/** Runs the block decision; resolves true when the request must be refused. Fails open. */
export async function decideBlocked(
  logger: SecurityLogger,
  o: CompiledHttpOptions,
  ctx: RequestContext,
): Promise<boolean> {
  if (o.isBlocked === undefined) return false;
  try {
    return (await o.isBlocked(ctx.clientAddress, ctx.userId)) === true;
  } catch (e) {
    logger.recordInternalError(e);
    return false;
  }
}

/** The event recorded when a request is refused by `isBlocked`. */
export function recordBlocked(logger: SecurityLogger, ctx: RequestContext): void {
  runWithContext(ctx, () =>
    logger.emit(
      'authz_fail',
      { resource: ctx.route ?? ctx.path },
      {
        message: 'request refused: source is blocked',
        fields: { 'event.reason': 'blocked', 'http.response.status_code': 403 },
      },
    ),
  );
}
