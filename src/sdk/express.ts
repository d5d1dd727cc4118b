/**
 * `logwarden/express`: request context, automatic security events and safe error answers for
 * Express 4/5.
 *
 * @example
 * import express from 'express';
 * import { createSecurityLogger } from 'logwarden';
 * import { expressSecurity, validationError } from 'logwarden/express';
 * const logger = createSecurityLogger({ endpoint, token, service: 'shop' });
 * const security = expressSecurity(logger, { requests: { sample: 0.01 } });
 * const app = express();
 * app.use(security.middleware);
 * app.post('/signup', (req, res) => { if (!req.body.email) throw validationError(['email']); ... });
 * app.use(security.errorHandler); // last
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getRequestContext, markEmitted, runWithContext } from './context.js';
import type { RequestContext } from './context.js';
import type { SecurityLogger } from './logger.js';
import type { HttpSecurityOptions } from './request-hooks.js';
import {
  compileHttpOptions,
  contextFromRequest,
  decideBlocked,
  onResponseFinished,
  pathOf,
  recordBlocked,
  recordUnhandledError,
} from './request-hooks.js';

export type { HttpSecurityOptions } from './request-hooks.js';

/** The parts of Express's request the integration reads (structural: no dependency on @types/express). */
export interface ExpressLikeRequest extends IncomingMessage {
  path?: string;
  baseUrl?: string;
  originalUrl?: string;
  route?: { path?: unknown };
}
export type ExpressLikeResponse = ServerResponse;
export type NextFunction = (err?: unknown) => void;

/** An input validation failure: the error handler answers 400 and records `input_validation_fail` with the fields. */
export class ValidationError extends Error {
  readonly status = 400;
  readonly statusCode = 400;
  readonly expose = true;
  readonly fields: string[];
  constructor(fields: readonly string[], message = `invalid input: ${fields.join(', ')}`) {
    super(message);
    this.name = 'ValidationError';
    this.fields = [...fields];
  }
}

/**
 * Throw (or `next()`) this from a handler when input fails validation.
 *
 * @example
 * if (!isEmail(req.body.email)) throw validationError(['email'], 'email must be an address');
 */
export function validationError(fields: readonly string[], message?: string): ValidationError {
  return new ValidationError(fields, message);
}

export interface ExpressSecurity {
  /** Install first: creates the request context, echoes the request id, records events on finish. */
  middleware: (req: ExpressLikeRequest, res: ExpressLikeResponse, next: NextFunction) => void;
  /** Install after authentication when `isBlocked` should also see the user. */
  enforce: (req: ExpressLikeRequest, res: ExpressLikeResponse, next: NextFunction) => void;
  /** Install last: records validation and unhandled errors; answers without stacks. */
  errorHandler: (
    err: unknown,
    req: ExpressLikeRequest,
    res: ExpressLikeResponse,
    next: NextFunction,
  ) => void;
}

function routeOf(req: ExpressLikeRequest): string | undefined {
  const p = req.route?.path;
  if (typeof p === 'string') return (req.baseUrl ?? '') + p;
  // Answered inside a mounted router before a route matched (e.g. an auth guard): the mount
  // point is the most precise template known. Unmatched requests (404) get no route.
  return req.baseUrl ? `${req.baseUrl}/*` : undefined;
}

function sendJson(res: ExpressLikeResponse, status: number, body: Record<string, unknown>): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(text);
}

const GENERIC: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'invalid_input',
  429: 'too_many_requests',
};

/**
 * Builds the Express integration. Throws LW_SDK_CONFIG on a bad option.
 */
export function expressSecurity(
  logger: SecurityLogger,
  options: HttpSecurityOptions = {},
): ExpressSecurity {
  const o = compileHttpOptions('expressSecurity', options);

  function block(res: ExpressLikeResponse, ctx: RequestContext): void {
    recordBlocked(logger, ctx);
    sendJson(res, 403, { error: 'forbidden', request_id: ctx.requestId });
  }

  function middleware(req: ExpressLikeRequest, res: ExpressLikeResponse, next: NextFunction): void {
    let ctx: RequestContext;
    try {
      const start = performance.now();
      ctx = contextFromRequest(logger, o, req, req.path ?? pathOf(req.url), () => routeOf(req));
      if (o.requestIdHeader !== false) res.setHeader(o.requestIdHeader, ctx.requestId!);
      const c = ctx;
      res.once('finish', () =>
        onResponseFinished(logger, o, c, res.statusCode, performance.now() - start),
      );
    } catch (e) {
      logger.recordInternalError(e);
      return next();
    }
    runWithContext(ctx, () => {
      if (o.isBlocked === undefined) return next();
      decideBlocked(logger, o, ctx).then(
        (blocked) => (blocked ? block(res, ctx) : runWithContext(ctx, () => next())),
        () => runWithContext(ctx, () => next()),
      );
    });
  }

  function enforce(_req: ExpressLikeRequest, res: ExpressLikeResponse, next: NextFunction): void {
    const ctx = getRequestContext();
    if (ctx === undefined || o.isBlocked === undefined) return next();
    decideBlocked(logger, o, ctx).then(
      (blocked) => (blocked ? block(res, ctx) : runWithContext(ctx, () => next())),
      () => runWithContext(ctx, () => next()),
    );
  }

  function errorHandler(
    err: unknown,
    req: ExpressLikeRequest,
    res: ExpressLikeResponse,
    next: NextFunction,
  ): void {
    if (res.headersSent) return next(err); // Express closes the connection
    const ctx = getRequestContext();
    const e = (err ?? {}) as {
      status?: unknown;
      statusCode?: unknown;
      fields?: unknown;
      type?: unknown;
      expose?: unknown;
      message?: unknown;
    };
    const raw =
      typeof e.status === 'number'
        ? e.status
        : typeof e.statusCode === 'number'
          ? e.statusCode
          : 500;
    const status = raw >= 400 && raw <= 599 ? raw : 500;
    try {
      if (ctx !== undefined && ctx.route === undefined) ctx.route = routeOf(req);
      if (status >= 500) {
        recordUnhandledError(logger, ctx, err, status);
        return sendJson(res, status, { error: 'internal_error', request_id: ctx?.requestId });
      }
      const fields = Array.isArray(e.fields) ? (e.fields as unknown[]).map(String) : undefined;
      if (o.validationFailOn.has(status) && ctx !== undefined) {
        runWithContext(ctx, () =>
          logger.emit('input_validation_fail', fields ? { fields } : {}, {
            message: typeof e.message === 'string' ? e.message.slice(0, 500) : undefined,
            fields: {
              'http.response.status_code': status,
              'event.reason':
                typeof e.type === 'string'
                  ? e.type
                  : err instanceof ValidationError
                    ? 'validation'
                    : undefined,
            },
          }),
        );
        markEmitted(ctx, 'input_validation_fail');
      }
      const body: Record<string, unknown> = {
        error: GENERIC[status] ?? 'request_error',
        request_id: ctx?.requestId,
      };
      // Only errors marked safe to expose (http-errors' `expose`, ValidationError) show their message.
      if (e.expose === true && typeof e.message === 'string')
        body.message = e.message.slice(0, 500);
      if (fields) body.fields = fields;
      sendJson(res, status, body);
    } catch (inner) {
      logger.recordInternalError(inner);
      if (!res.headersSent) sendJson(res, 500, { error: 'internal_error' });
    }
  }

  return { middleware, enforce, errorHandler };
}
